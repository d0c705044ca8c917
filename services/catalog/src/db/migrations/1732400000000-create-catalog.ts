import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createUnitDirectoryTable, dropUnitDirectoryTable } from '@eiso/directory';

export class CreateCatalog1732400000000 implements MigrationInterface {
  name = 'CreateCatalog1732400000000';

  async up(q: QueryRunner): Promise<void> {
    await createUnitDirectoryTable(q);
    await q.query(`
      CREATE TABLE legal_document (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        number       varchar(64) NOT NULL UNIQUE,
        title        text NOT NULL,
        issued_on    date,
        effective_on date,
        created_at   timestamptz NOT NULL DEFAULT now(),
        CHECK (issued_on IS NULL OR effective_on IS NULL OR issued_on <= effective_on)
      )`);
    await q.query(`
      CREATE TABLE procedure (
        id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code               varchar(32) NOT NULL UNIQUE,
        name               text NOT NULL,
        field              text NOT NULL,
        level              varchar(16) NOT NULL CHECK (level IN ('COMMUNE','DISTRICT','PROVINCE','MINISTRY')),
        authority          varchar(16),
        statutory_days     numeric(6,2) NOT NULL CHECK (statutory_days > 0),
        fee                text,
        required_documents text[] NOT NULL DEFAULT '{}',
        -- Name, field and code without diacritics (folded by the service), for search.
        search_vector      tsvector NOT NULL
      )`);
    // The catalog is read far more than written: no pending list, so every row is in the index
    // proper and the planner costs it truly (a pending list makes it prefer a full scan).
    await q.query(
      `CREATE INDEX procedure_search ON procedure USING gin (search_vector) WITH (fastupdate = off)`,
    );
    await q.query(`CREATE INDEX procedure_level_authority ON procedure (level, authority, code)`);
    await q.query(`
      CREATE TABLE procedure_legal_basis (
        procedure_id      uuid NOT NULL REFERENCES procedure(id),
        legal_document_id uuid NOT NULL REFERENCES legal_document(id),
        PRIMARY KEY (procedure_id, legal_document_id)
      )`);
    await q.query(`CREATE INDEX procedure_legal_basis_document ON procedure_legal_basis (legal_document_id)`);
    await q.query(`
      CREATE TABLE target_time (
        procedure_id  uuid NOT NULL REFERENCES procedure(id),
        owner_unit_id uuid NOT NULL,
        owner_path    text COLLATE "C" NOT NULL,
        target_days   numeric(6,2) NOT NULL CHECK (target_days > 0),
        published_at  timestamptz NOT NULL DEFAULT now(),
        published_by  uuid,
        PRIMARY KEY (procedure_id, owner_unit_id)
      )`);
    await q.query(`
      CREATE TABLE process (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        procedure_id   uuid NOT NULL REFERENCES procedure(id),
        owner_unit_id  uuid NOT NULL,
        owner_path     text COLLATE "C" NOT NULL,
        version        integer NOT NULL CHECK (version > 0),
        steps          jsonb NOT NULL,
        total_hours    numeric(8,2) NOT NULL,
        approved       boolean NOT NULL DEFAULT false,
        effective_from date,
        approved_at    timestamptz,
        approved_by    uuid,
        created_at     timestamptz NOT NULL DEFAULT now(),
        created_by     uuid,
        UNIQUE (procedure_id, owner_unit_id, version),
        CHECK (approved = (effective_from IS NOT NULL AND approved_at IS NOT NULL))
      )`);
    // The version in force for an owner: approved, latest effective date not after today.
    await q.query(
      `CREATE INDEX process_in_force ON process (procedure_id, owner_unit_id, effective_from DESC, version DESC) WHERE approved`,
    );
    await q.query(`CREATE INDEX process_owner ON process (owner_unit_id, procedure_id, version DESC)`);
    await q.query(`
      CREATE TABLE process_review (
        id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        procedure_id          uuid NOT NULL REFERENCES procedure(id),
        owner_unit_id         uuid NOT NULL,
        owner_path            text COLLATE "C" NOT NULL,
        legal_document_id     uuid NOT NULL REFERENCES legal_document(id),
        due_by                date NOT NULL,
        created_at            timestamptz NOT NULL DEFAULT now(),
        cleared_at            timestamptz,
        cleared_by_process_id uuid REFERENCES process(id),
        UNIQUE (procedure_id, owner_unit_id, legal_document_id)
      )`);
    await q.query(
      `CREATE INDEX process_review_open ON process_review (owner_path, due_by) WHERE cleared_at IS NULL`,
    );
    await q.query(
      `CREATE INDEX process_review_owner ON process_review (owner_unit_id, procedure_id) WHERE cleared_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'process_review',
      'process',
      'target_time',
      'procedure_legal_basis',
      'procedure',
      'legal_document',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
    await dropUnitDirectoryTable(q);
  }
}
