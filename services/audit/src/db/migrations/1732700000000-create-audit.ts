import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createOfficialDirectoryTable, createUnitDirectoryTable } from '@eiso/directory';
import { createAppliedEventTable, createOutboxTable } from '@eiso/outbox';

/**
 * The audit schema: each unit's QMS record, internal audits and their findings, nonconformities
 * and corrective actions, management reviews, quality objectives (actual values measured from
 * dossier statistics), the register of risks, the yearly compliance snapshot and the nightly
 * rankings; replicas of the unit tree and officials; the record of applied dossier events.
 */
export class CreateAudit1732700000000 implements MigrationInterface {
  name = 'CreateAudit1732700000000';

  async up(q: QueryRunner): Promise<void> {
    await createUnitDirectoryTable(q);
    await createOfficialDirectoryTable(q);
    await createAppliedEventTable(q);
    await createOutboxTable(q);
    await q.query(`
      CREATE TABLE qms (
        unit_id         uuid PRIMARY KEY,
        unit_path       text COLLATE "C" NOT NULL,
        status          varchar(16) NOT NULL CHECK (status IN ('NOT_STARTED','BUILDING','APPLIED','ANNOUNCED','SUSPENDED')),
        standard        varchar(16) CHECK (standard IN ('ISO_9001_2008','ISO_9001_2015')),
        decision_number varchar(64),
        announced_on    date,
        updated_at      timestamptz NOT NULL DEFAULT now(),
        CHECK (status <> 'ANNOUNCED' OR (standard IS NOT NULL AND decision_number IS NOT NULL AND announced_on IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX qms_path ON qms (unit_path)`);
    await q.query(`
      CREATE TABLE internal_audit (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        unit_id      uuid NOT NULL,
        unit_path    text COLLATE "C" NOT NULL,
        planned_for  date NOT NULL,
        scope        text NOT NULL,
        status       varchar(12) NOT NULL DEFAULT 'PLANNED' CHECK (status IN ('PLANNED','IN_PROGRESS','COMPLETED','CANCELLED')),
        completed_on date,
        auditor_ids  uuid[] NOT NULL,
        created_by   uuid,
        created_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX internal_audit_unit_year ON internal_audit (unit_id, planned_for)`);
    await q.query(`
      CREATE TABLE nonconformity (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        unit_id     uuid NOT NULL,
        unit_path   text COLLATE "C" NOT NULL,
        source      varchar(24) NOT NULL,
        description text NOT NULL,
        status      varchar(16) NOT NULL DEFAULT 'OPEN',
        dossier_id  uuid,
        opened_at   timestamptz NOT NULL DEFAULT now(),
        closed_at   timestamptz,
        -- A late dossier opens one nonconformity, however often its event arrives.
        UNIQUE (source, dossier_id)
      )`);
    await q.query(`CREATE INDEX nonconformity_unit ON nonconformity (unit_id, opened_at DESC, id)`);
    await q.query(
      `CREATE INDEX nonconformity_open_path ON nonconformity (unit_path) WHERE status <> 'CLOSED'`,
    );
    await q.query(`
      CREATE TABLE finding (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        audit_id         uuid NOT NULL REFERENCES internal_audit(id),
        kind             varchar(24) NOT NULL,
        clause           varchar(8) NOT NULL,
        description      text NOT NULL,
        nonconformity_id uuid REFERENCES nonconformity(id),
        created_at       timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX finding_audit ON finding (audit_id)`);
    await q.query(`
      CREATE TABLE corrective_action (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        sequence         bigserial NOT NULL,
        nonconformity_id uuid NOT NULL REFERENCES nonconformity(id),
        description      text NOT NULL,
        root_cause       text NOT NULL,
        owner_id         uuid NOT NULL,
        due_on           date NOT NULL,
        status           varchar(16) NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN','DONE_EFFECTIVE','DONE_INEFFECTIVE')),
        completed_on     date,
        note             text
      )`);
    await q.query(
      `CREATE INDEX corrective_action_nonconformity ON corrective_action (nonconformity_id, sequence)`,
    );
    await q.query(
      `CREATE INDEX corrective_action_open_due ON corrective_action (due_on) WHERE status = 'OPEN'`,
    );
    await q.query(`
      CREATE TABLE management_review (
        id        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        unit_id   uuid NOT NULL,
        unit_path text COLLATE "C" NOT NULL,
        held_on   date NOT NULL,
        inputs    text[] NOT NULL,
        decisions text[] NOT NULL,
        created_by uuid
      )`);
    await q.query(`CREATE INDEX management_review_unit ON management_review (unit_id, held_on)`);
    await q.query(`
      CREATE TABLE quality_objective (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        unit_id     uuid NOT NULL,
        year        integer NOT NULL,
        name        text NOT NULL,
        metric      varchar(32) NOT NULL,
        target      numeric(8,4) NOT NULL,
        actual      numeric(8,4),
        measured_at timestamptz,
        UNIQUE (unit_id, year, metric)
      )`);
    await q.query(`
      CREATE TABLE risk (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        unit_id     uuid NOT NULL,
        description text NOT NULL,
        likelihood  smallint NOT NULL CHECK (likelihood BETWEEN 1 AND 5),
        impact      smallint NOT NULL CHECK (impact BETWEEN 1 AND 5),
        treatment   text,
        owner_id    uuid
      )`);
    await q.query(`CREATE INDEX risk_unit ON risk (unit_id)`);
    // The report the ministry reads: refreshed by the worker and on change, read whole.
    await q.query(`
      CREATE TABLE compliance_snapshot (
        year         integer PRIMARY KEY,
        report       jsonb NOT NULL,
        generated_at timestamptz NOT NULL,
        -- Set by every change to a QMS record; the worker refreshes stale years within seconds.
        stale        boolean NOT NULL DEFAULT false
      )`);
    await q.query(`
      CREATE TABLE ranking (
        level       varchar(16) NOT NULL,
        parent_code varchar(32) NOT NULL DEFAULT '',
        day         date NOT NULL,
        computed_at timestamptz NOT NULL,
        entries     jsonb NOT NULL,
        PRIMARY KEY (level, parent_code, day)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'ranking',
      'compliance_snapshot',
      'risk',
      'quality_objective',
      'management_review',
      'corrective_action',
      'finding',
      'nonconformity',
      'internal_audit',
      'qms',
      'outbox',
      'applied_event',
      'official_directory',
      'unit_directory',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
