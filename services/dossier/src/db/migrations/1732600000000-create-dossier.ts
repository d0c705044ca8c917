import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createOfficialDirectoryTable, createUnitDirectoryTable } from '@eiso/directory';
import { createOutboxTable } from '@eiso/outbox';

/**
 * The dossier schema: dossiers with their step history (the process-control slip), pauses,
 * apologies and feedback; daily rollups per unit for statistics; the outbox of dossier events; and
 * read replicas of the unit tree and of the catalog (what a receipt needs: procedures, target
 * times, approved process versions).
 */
export class CreateDossier1732600000000 implements MigrationInterface {
  name = 'CreateDossier1732600000000';

  async up(q: QueryRunner): Promise<void> {
    await createUnitDirectoryTable(q);
    await createOfficialDirectoryTable(q);
    await createOutboxTable(q);
    await this.catalogReplica(q);
    await q.query(`
      CREATE TABLE dossier (
        id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code                varchar(64) NOT NULL UNIQUE,
        unit_id             uuid NOT NULL,
        unit_path           text COLLATE "C" NOT NULL,
        procedure_id        uuid NOT NULL,
        process_id          uuid,
        channel             varchar(8) NOT NULL CHECK (channel IN ('COUNTER','ONLINE','POSTAL')),
        status              varchar(24) NOT NULL,
        version             integer NOT NULL DEFAULT 1,
        received_at         timestamptz NOT NULL,
        -- The receipt day in Vietnam: the code's date and the statistics' day.
        received_day        date NOT NULL,
        due_at              timestamptz NOT NULL,
        -- The appointment timeliness is judged against (set at receipt and at each resume; an
        -- apology moves due_at only).
        appointment_due_at  timestamptz NOT NULL,
        completed_at        timestamptz,
        returned_at         timestamptz,
        supplement_requests integer NOT NULL DEFAULT 0,
        current_step        integer,
        applicant_name      text NOT NULL,
        applicant_id_number text NOT NULL,
        applicant_phone     text,
        applicant_email     text,
        pin_hash            text NOT NULL,
        idempotency_key     varchar(128),
        external_id         varchar(128) UNIQUE,
        fee_due             text,
        paid_online         boolean NOT NULL DEFAULT false,
        digitized           boolean NOT NULL DEFAULT false,
        electronic_result   boolean NOT NULL DEFAULT false,
        feedback_rating     smallint CHECK (feedback_rating BETWEEN 1 AND 5),
        feedback_comment    text,
        feedback_at         timestamptz,
        received_by         uuid,
        UNIQUE (unit_id, idempotency_key)
      )`);
    await q.query(`CREATE INDEX dossier_unit_received ON dossier (unit_path, received_at DESC, id)`);
    // Statistics count a subtree's open dossiers live: only open rows are indexed.
    await q.query(
      `CREATE INDEX dossier_open_unit ON dossier (unit_path, received_day) WHERE completed_at IS NULL`,
    );
    await q.query(
      `CREATE INDEX dossier_open_due ON dossier (due_at) WHERE completed_at IS NULL AND status <> 'SUPPLEMENT_REQUESTED'`,
    );
    await q.query(`
      CREATE TABLE dossier_step (
        dossier_id   uuid NOT NULL REFERENCES dossier(id),
        step_order   integer NOT NULL,
        name         text NOT NULL,
        role         varchar(24) NOT NULL,
        duration_hours numeric(8,2) NOT NULL,
        assignee_id  uuid,
        started_at   timestamptz,
        due_at       timestamptz,
        completed_at timestamptz,
        completed_by uuid,
        note         text,
        PRIMARY KEY (dossier_id, step_order)
      )`);
    // The work queue: open steps by assignee, soonest due first.
    await q.query(
      `CREATE INDEX dossier_step_queue ON dossier_step (assignee_id, due_at) WHERE started_at IS NOT NULL AND completed_at IS NULL`,
    );
    // The sweep: running steps past their due time.
    await q.query(
      `CREATE INDEX dossier_step_due ON dossier_step (due_at) WHERE started_at IS NOT NULL AND completed_at IS NULL`,
    );
    await q.query(`
      CREATE TABLE dossier_pause (
        dossier_id uuid NOT NULL REFERENCES dossier(id),
        seq        integer NOT NULL,
        reason     text NOT NULL,
        started_at timestamptz NOT NULL,
        ended_at   timestamptz,
        PRIMARY KEY (dossier_id, seq)
      )`);
    await q.query(`
      CREATE TABLE dossier_apology (
        dossier_id uuid PRIMARY KEY REFERENCES dossier(id),
        issued_at  timestamptz NOT NULL,
        reason     text NOT NULL,
        new_due_at timestamptz NOT NULL,
        issued_by  uuid
      )`);
    await q.query(`
      CREATE TABLE dossier_sequence (
        unit_id  uuid NOT NULL,
        day      date NOT NULL,
        last     integer NOT NULL,
        PRIMARY KEY (unit_id, day)
      )`);
    // Per unit and day, kept current in the same transaction as each change: statistics of a
    // province-year read about 365 × units rows, never the dossiers.
    await q.query(`
      CREATE TABLE daily_stats (
        unit_id          uuid NOT NULL,
        unit_path        text COLLATE "C" NOT NULL,
        day              date NOT NULL,
        received         integer NOT NULL DEFAULT 0,
        received_online  integer NOT NULL DEFAULT 0,
        resolved         integer NOT NULL DEFAULT 0,
        early            integer NOT NULL DEFAULT 0,
        on_time          integer NOT NULL DEFAULT 0,
        late             integer NOT NULL DEFAULT 0,
        processing_hours numeric(14,2) NOT NULL DEFAULT 0,
        rated            integer NOT NULL DEFAULT 0,
        satisfied        integer NOT NULL DEFAULT 0,
        PRIMARY KEY (unit_id, day)
      )`);
    await q.query(`CREATE INDEX daily_stats_path_day ON daily_stats (unit_path, day)`);
    // "Became overdue" is announced once per dossier and step (step 0: the dossier's own deadline).
    await q.query(`
      CREATE TABLE overdue_notice (
        dossier_id uuid NOT NULL REFERENCES dossier(id),
        step_order integer NOT NULL,
        noticed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (dossier_id, step_order)
      )`);
  }

  private async catalogReplica(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE catalog_procedure (
        id             uuid PRIMARY KEY,
        code           varchar(32) NOT NULL UNIQUE,
        name           text NOT NULL,
        level          varchar(16) NOT NULL,
        authority      varchar(16),
        statutory_days numeric(6,2) NOT NULL,
        fee            text
      )`);
    await q.query(`
      CREATE TABLE catalog_target (
        procedure_id  uuid NOT NULL,
        owner_unit_id uuid NOT NULL,
        owner_path    text COLLATE "C" NOT NULL,
        target_days   numeric(6,2) NOT NULL,
        PRIMARY KEY (procedure_id, owner_unit_id)
      )`);
    await q.query(`
      CREATE TABLE catalog_process (
        id             uuid PRIMARY KEY,
        procedure_id   uuid NOT NULL,
        owner_unit_id  uuid NOT NULL,
        owner_path     text COLLATE "C" NOT NULL,
        version        integer NOT NULL,
        steps          jsonb NOT NULL,
        effective_from date NOT NULL
      )`);
    await q.query(
      `CREATE INDEX catalog_process_in_force ON catalog_process (procedure_id, owner_path, effective_from DESC, version DESC)`,
    );
    // Where the last pull of the catalog's change feed stopped.
    await q.query(
      `CREATE TABLE replica_checkpoint (name varchar(32) PRIMARY KEY, since timestamptz NOT NULL)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'overdue_notice',
      'daily_stats',
      'dossier_sequence',
      'dossier_apology',
      'dossier_pause',
      'dossier_step',
      'dossier',
      'replica_checkpoint',
      'catalog_process',
      'catalog_target',
      'catalog_procedure',
      'outbox',
      'official_directory',
      'unit_directory',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
