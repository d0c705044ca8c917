import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `dossier` and `dossier_step` become tables partitioned by RANGE on the receipt day
 * (`received_day`, one partition a month, plus a DEFAULT partition as a safety net) — issue 9 and
 * docs/partitioning.md. A national year is ~10 M dossiers and ~40 M steps; a month is what a list
 * page, a statistic or a retention job asks for, so those queries read one or a few partitions.
 *
 * It runs over live data on upgrade: the tables are renamed aside, the partitioned tables created
 * with their months, the rows copied (each step takes its dossier's receipt day), the old tables
 * dropped and the keys and indexes built once on the loaded partitions (faster than maintaining
 * them row by row). The whole migration is one transaction: the service waits, and nothing is
 * half moved if it fails.
 *
 * Keys on a partitioned table must contain the partition key:
 * - `dossier` is keyed by (id, received_day); `code` is unique with received_day, which is the
 *   same thing since the code spells the receipt day (domain/codes.ts);
 * - `external_id` and (unit_id, idempotency_key) must stay unique across all months, so they move
 *   to two small lookup tables written in the same transaction as the dossier
 *   (`dossier_external_id`, `dossier_idempotency_key`); the columns stay on the dossier;
 * - `dossier_step` carries its dossier's received_day (denormalized), is partitioned like it and
 *   keeps its foreign key, now on (dossier_id, received_day);
 * - `dossier_pause`, `dossier_apology` and `deadline_notice` stay whole: they hold a row for a
 *   minority of dossiers (supplement requests, apologies, passed deadlines), are read by dossier id
 *   and are small next to the steps. Their keys to dossier(id) cannot stay (id alone is no longer
 *   unique on the dossier) and are dropped: they are only ever written for a dossier the same
 *   transaction has just read or locked.
 *
 * `dossier_ensure_partitions(first, last)` creates the missing months of [first, last] (moving in
 * any rows the DEFAULT partition caught for them); the worker runs it daily for the months ahead
 * and `eiso generate` for its window.
 */
export class PartitionByReceiptMonth1732600400000 implements MigrationInterface {
  name = 'PartitionByReceiptMonth1732600400000';

  async up(q: QueryRunner): Promise<void> {
    // Every key to the old dossier table goes (pause, apology, notices; the step table is rebuilt).
    const fks: { table: string; name: string }[] = await q.query(
      `SELECT conrelid::regclass::text AS table, conname AS name FROM pg_constraint
       WHERE confrelid = 'dossier'::regclass AND contype = 'f'`,
    );
    for (const fk of fks) await q.query(`ALTER TABLE ${fk.table} DROP CONSTRAINT "${fk.name}"`);
    await q.query(`ALTER TABLE dossier RENAME TO dossier_unpartitioned`);
    await q.query(`ALTER TABLE dossier_step RENAME TO dossier_step_unpartitioned`);

    // Same columns, defaults, NOT NULLs and checks, in the same order (rows copy with SELECT *).
    await q.query(`
      CREATE TABLE dossier (LIKE dossier_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)
      PARTITION BY RANGE (received_day)`);
    await q.query(`
      CREATE TABLE dossier_step (
        LIKE dossier_step_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE,
        -- The dossier's receipt day, copied: the step lives in its dossier's month.
        received_day date NOT NULL
      ) PARTITION BY RANGE (received_day)`);
    // A row of a month with no partition yet lands here rather than failing the receipt; the
    // next dossier_ensure_partitions for that month moves it out.
    await q.query(`CREATE TABLE dossier_default PARTITION OF dossier DEFAULT`);
    await q.query(`CREATE TABLE dossier_step_default PARTITION OF dossier_step DEFAULT`);
    await q.query(ENSURE_PARTITIONS_FUNCTION);
    // The last twelve months (a demo seed's year, the statistics' usual range), the next three,
    // and each older month that holds dossiers (legacy imports reach back years, sparsely).
    await q.query(`SELECT dossier_ensure_partitions((date_trunc('month', now()) - interval '12 months')::date,
                                                    (date_trunc('month', now()) + interval '3 months')::date)`);
    await q.query(`SELECT dossier_ensure_partitions(m, m)
                   FROM (SELECT DISTINCT date_trunc('month', received_day)::date AS m FROM dossier_unpartitioned) months`);

    await q.query(`INSERT INTO dossier SELECT * FROM dossier_unpartitioned`);
    await q.query(`
      INSERT INTO dossier_step SELECT s.*, d.received_day
      FROM dossier_step_unpartitioned s JOIN dossier_unpartitioned d ON d.id = s.dossier_id`);
    await q.query(LOOKUP_TABLES);
    await q.query(`
      INSERT INTO dossier_external_id (external_id, dossier_id, received_day)
      SELECT external_id, id, received_day FROM dossier_unpartitioned WHERE external_id IS NOT NULL`);
    await q.query(`
      INSERT INTO dossier_idempotency_key (unit_id, idempotency_key, dossier_id, received_day)
      SELECT unit_id, idempotency_key, id, received_day FROM dossier_unpartitioned WHERE idempotency_key IS NOT NULL`);
    await q.query(`DROP TABLE dossier_step_unpartitioned`);
    await q.query(`DROP TABLE dossier_unpartitioned`);

    await q.query(`SET LOCAL maintenance_work_mem = '256MB'`);
    await createKeysAndIndexes(q);
    await q.query(`
      ALTER TABLE dossier_external_id ADD CONSTRAINT dossier_external_id_dossier_fkey
        FOREIGN KEY (dossier_id, received_day) REFERENCES dossier (id, received_day) DEFERRABLE INITIALLY DEFERRED`);
    await q.query(`
      ALTER TABLE dossier_idempotency_key ADD CONSTRAINT dossier_idempotency_key_dossier_fkey
        FOREIGN KEY (dossier_id, received_day) REFERENCES dossier (id, received_day) DEFERRABLE INITIALLY DEFERRED`);
    await q.query(`ANALYZE dossier, dossier_step, dossier_external_id, dossier_idempotency_key`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE dossier RENAME TO dossier_partitioned`);
    await q.query(`ALTER TABLE dossier_step RENAME TO dossier_step_partitioned`);
    await q.query(`CREATE TABLE dossier (LIKE dossier_partitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
    await q.query(`INSERT INTO dossier SELECT * FROM dossier_partitioned`);
    await q.query(
      `CREATE TABLE dossier_step (LIKE dossier_step_partitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`,
    );
    await q.query(`INSERT INTO dossier_step SELECT * FROM dossier_step_partitioned`);
    await q.query(`ALTER TABLE dossier_step DROP COLUMN received_day`);
    await q.query(`DROP TABLE dossier_external_id, dossier_idempotency_key`);
    await q.query(`DROP TABLE dossier_step_partitioned, dossier_partitioned`);
    await q.query(`DROP FUNCTION dossier_ensure_partitions(date, date)`);
    await q.query(`ALTER TABLE dossier ADD PRIMARY KEY (id)`);
    await q.query(
      `ALTER TABLE dossier ADD UNIQUE (code), ADD UNIQUE (external_id), ADD UNIQUE (unit_id, idempotency_key)`,
    );
    await q.query(`CREATE INDEX dossier_unit_received ON dossier (unit_path, received_at DESC, id)`);
    await q.query(
      `CREATE INDEX dossier_open_unit ON dossier (unit_path, received_day) WHERE completed_at IS NULL`,
    );
    await q.query(
      `CREATE INDEX dossier_open_due ON dossier (due_at) WHERE completed_at IS NULL AND status <> 'SUPPLEMENT_REQUESTED'`,
    );
    await q.query(`ALTER TABLE dossier_step ADD PRIMARY KEY (dossier_id, step_order)`);
    await q.query(`ALTER TABLE dossier_step ADD FOREIGN KEY (dossier_id) REFERENCES dossier (id)`);
    await q.query(
      `CREATE INDEX dossier_step_queue ON dossier_step (assignee_id, due_at) WHERE started_at IS NOT NULL AND completed_at IS NULL`,
    );
    await q.query(
      `CREATE INDEX dossier_step_due ON dossier_step (due_at) WHERE started_at IS NOT NULL AND completed_at IS NULL`,
    );
    for (const table of ['dossier_pause', 'dossier_apology', 'deadline_notice'])
      await q.query(`ALTER TABLE ${table} ADD FOREIGN KEY (dossier_id) REFERENCES dossier (id)`);
  }
}

/** The keys and indexes of the partitioned tables, built on each partition (see docs/partitioning.md). */
async function createKeysAndIndexes(q: QueryRunner): Promise<void> {
  await q.query(`ALTER TABLE dossier ADD CONSTRAINT dossier_pkey PRIMARY KEY (id, received_day)`);
  // The code spells the receipt day: unique with it is unique.
  await q.query(`ALTER TABLE dossier ADD CONSTRAINT dossier_code_key UNIQUE (code, received_day)`);
  // A subtree's list page (unit_path LIKE '/VN/22/%'), newest first.
  await q.query(`CREATE INDEX dossier_unit_received ON dossier (unit_path, received_at DESC, id)`);
  // A unit's own list page (unit_id = $1), newest first: UNIQUE (unit_id, idempotency_key) served
  // it before (EXPLAIN: a bitmap scan on that key); without it the page read every partition whole.
  await q.query(`CREATE INDEX dossier_unit_id_received ON dossier (unit_id, received_at DESC, id)`);
  await q.query(
    `CREATE INDEX dossier_open_unit ON dossier (unit_path, received_day) WHERE completed_at IS NULL`,
  );
  await q.query(
    `CREATE INDEX dossier_open_due ON dossier (due_at) WHERE completed_at IS NULL AND status <> 'SUPPLEMENT_REQUESTED'`,
  );
  await q.query(
    `ALTER TABLE dossier_step ADD CONSTRAINT dossier_step_pkey PRIMARY KEY (dossier_id, step_order, received_day)`,
  );
  await q.query(`
    ALTER TABLE dossier_step ADD CONSTRAINT dossier_step_dossier_fkey
      FOREIGN KEY (dossier_id, received_day) REFERENCES dossier (id, received_day)`);
  await q.query(
    `CREATE INDEX dossier_step_queue ON dossier_step (assignee_id, due_at) WHERE started_at IS NOT NULL AND completed_at IS NULL`,
  );
  await q.query(
    `CREATE INDEX dossier_step_due ON dossier_step (due_at) WHERE started_at IS NOT NULL AND completed_at IS NULL`,
  );
}

/**
 * The keys that must stay unique over every month, each a row beside its dossier, written in the
 * same transaction: an import skips an external id held in any month, and a receipt retried with
 * its idempotency key on a later day finds the dossier it made. Deferred keys to the dossier, since
 * an import claims the external id before it writes the dossier.
 */
const LOOKUP_TABLES = `
  CREATE TABLE dossier_external_id (
    external_id  varchar(128) PRIMARY KEY,
    dossier_id   uuid NOT NULL,
    received_day date NOT NULL
  );
  CREATE TABLE dossier_idempotency_key (
    unit_id         uuid NOT NULL,
    idempotency_key varchar(128) NOT NULL,
    dossier_id      uuid NOT NULL,
    received_day    date NOT NULL,
    PRIMARY KEY (unit_id, idempotency_key)
  )`;

/**
 * Creates the monthly partitions of `dossier` and `dossier_step` for the months of [first, last]
 * that have none; returns how many months it created. A new month is built aside and attached
 * (ATTACH takes a lighter lock on the parent than CREATE ... PARTITION OF, so receipts go on), after
 * moving in whatever the DEFAULT partitions hold for that month (steps first: they reference their
 * dossiers). One caller at a time: the worker's daily run, a generator and a migration may meet.
 */
export const ENSURE_PARTITIONS_FUNCTION = `
  CREATE FUNCTION dossier_ensure_partitions(first_month date, last_month date) RETURNS integer
  LANGUAGE plpgsql AS $fn$
  DECLARE
    month_start   date := date_trunc('month', first_month)::date;
    month_end    date;
    dossier_part text;
    step_part    text;
    created integer := 0;
  BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('dossier_ensure_partitions'));
    WHILE month_start <= last_month LOOP
      month_end := (month_start + interval '1 month')::date;
      dossier_part := 'dossier_' || to_char(month_start, 'YYYYMM');
      step_part := 'dossier_step_' || to_char(month_start, 'YYYYMM');
      IF to_regclass(dossier_part) IS NULL THEN
        EXECUTE format('CREATE TABLE %I (LIKE dossier INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)', dossier_part);
        EXECUTE format('CREATE TABLE %I (LIKE dossier_step INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)', step_part);
        -- The partition constraint, stated up front, spares ATTACH a scan of the new table.
        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (received_day >= %L AND received_day < %L)',
                       dossier_part, dossier_part || '_month', month_start, month_end);
        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (received_day >= %L AND received_day < %L)',
                       step_part, step_part || '_month', month_start, month_end);
        EXECUTE format('INSERT INTO %I SELECT * FROM dossier_default WHERE received_day >= $1 AND received_day < $2',
                       dossier_part) USING month_start, month_end;
        EXECUTE format('INSERT INTO %I SELECT * FROM dossier_step_default WHERE received_day >= $1 AND received_day < $2',
                       step_part) USING month_start, month_end;
        DELETE FROM dossier_step_default WHERE received_day >= month_start AND received_day < month_end;
        DELETE FROM dossier_default WHERE received_day >= month_start AND received_day < month_end;
        EXECUTE format('ALTER TABLE dossier ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', dossier_part, month_start, month_end);
        EXECUTE format('ALTER TABLE dossier_step ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', step_part, month_start, month_end);
        EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', dossier_part, dossier_part || '_month');
        EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', step_part, step_part || '_month');
        created := created + 1;
      END IF;
      month_start := month_end;
    END LOOP;
    RETURN created;
  END
  $fn$`;
