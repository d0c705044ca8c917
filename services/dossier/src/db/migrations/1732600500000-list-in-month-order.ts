import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ENSURE_PARTITIONS_FUNCTION as WITH_DEFAULT_PARTITIONS } from './1732600400000-partition-by-receipt-month';

/**
 * A list page reads the newest month first and stops there (issue 9; docs/partitioning.md, "The
 * list page at national scale").
 *
 * - The DEFAULT partitions go. PostgreSQL 15 appends the months of a range-partitioned table in
 *   order (and so stops a `LIMIT` in the newest month) only when it has no DEFAULT partition: with
 *   one, a province's page sorted the province's whole year (~100 ms at 10 M dossiers). What they
 *   caught is moved into its months first. A receipt or an import now makes sure its month exists
 *   before it writes (`MonthPartitions`), beside the worker's months ahead.
 * - `dossier_ensure_partitions` no longer moves rows out of a DEFAULT partition.
 * - The list indexes lead with the receipt day, in the page's order
 *   (received_day, received_at, id, all descending), so a unit's page is an ordered index scan and a
 *   subtree's page an index-only top-N of its newest month.
 * - `daily_stats_path_day` carries `received`, so a subtree's `totalCount` over a period is an
 *   index-only sum over its units' days rather than a count of its dossiers.
 */
export class ListInMonthOrder1732600500000 implements MigrationInterface {
  name = 'ListInMonthOrder1732600500000';

  async up(q: QueryRunner): Promise<void> {
    // The old function still moves DEFAULT rows into the months it creates.
    await q.query(`SELECT dossier_ensure_partitions(m, m) FROM (
      SELECT date_trunc('month', received_day)::date AS m FROM dossier_default
      UNION SELECT date_trunc('month', received_day)::date FROM dossier_step_default) months`);
    // The deferred keys of the lookup tables check the moved rows now, not at commit: a table with
    // pending checks cannot be dropped.
    await q.query(`SET CONSTRAINTS ALL IMMEDIATE`);
    // Detached first: the keys to `dossier` hold a constraint on each of its partitions.
    await q.query(`ALTER TABLE dossier_step DETACH PARTITION dossier_step_default`);
    await q.query(`ALTER TABLE dossier DETACH PARTITION dossier_default`);
    await q.query(`DROP TABLE dossier_step_default, dossier_default`);
    await q.query(ENSURE_PARTITIONS_FUNCTION);
    await q.query(`SET LOCAL maintenance_work_mem = '256MB'`);
    await q.query(`DROP INDEX dossier_unit_received, dossier_unit_id_received`);
    await q.query(
      `CREATE INDEX dossier_unit_received ON dossier (unit_path, received_day DESC, received_at DESC, id DESC)`,
    );
    await q.query(
      `CREATE INDEX dossier_unit_id_received ON dossier (unit_id, received_day DESC, received_at DESC, id DESC)`,
    );
    await q.query(`DROP INDEX daily_stats_path_day`);
    await q.query(`CREATE INDEX daily_stats_path_day ON daily_stats (unit_path, day) INCLUDE (received)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX daily_stats_path_day`);
    await q.query(`CREATE INDEX daily_stats_path_day ON daily_stats (unit_path, day)`);
    await q.query(`DROP INDEX dossier_unit_received, dossier_unit_id_received`);
    await q.query(`CREATE INDEX dossier_unit_received ON dossier (unit_path, received_at DESC, id)`);
    await q.query(`CREATE INDEX dossier_unit_id_received ON dossier (unit_id, received_at DESC, id)`);
    await q.query(`DROP FUNCTION dossier_ensure_partitions(date, date)`);
    await q.query(WITH_DEFAULT_PARTITIONS);
    await q.query(`CREATE TABLE dossier_default PARTITION OF dossier DEFAULT`);
    await q.query(`CREATE TABLE dossier_step_default PARTITION OF dossier_step DEFAULT`);
  }
}

/**
 * Creates the monthly partitions of `dossier` and `dossier_step` for the months of [first, last]
 * that have none; returns how many months it created. A new month is built aside and attached
 * (ATTACH takes a lighter lock on the parent than CREATE ... PARTITION OF, so receipts go on; the
 * CHECK stated up front spares it a scan). One caller at a time: the worker's daily run, a receipt
 * or import of a new month, a generator and a migration may meet.
 */
const ENSURE_PARTITIONS_FUNCTION = `
  CREATE OR REPLACE FUNCTION dossier_ensure_partitions(first_month date, last_month date) RETURNS integer
  LANGUAGE plpgsql AS $fn$
  DECLARE
    month_start  date := date_trunc('month', first_month)::date;
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
        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (received_day >= %L AND received_day < %L)',
                       dossier_part, dossier_part || '_month', month_start, month_end);
        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (received_day >= %L AND received_day < %L)',
                       step_part, step_part || '_month', month_start, month_end);
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
