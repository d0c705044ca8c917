/**
 * The monthly partitions of `dossier` and `dossier_step` (migration 1732600400000 and
 * docs/partitioning.md): `dossier_ensure_partitions` creates the months that are missing.
 */
import { addCalendarMonths } from '@eiso/calendar';

/** Anything that runs SQL with parameters: a DataSource, an EntityManager or a pg Client. */
interface Runs {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/** Months created ahead of today by the worker, so a receipt never lands in the DEFAULT partition. */
export const PARTITION_MONTHS_AHEAD = 3;

/** Ensures the partitions of every month from `first`'s to `last`'s (YYYY-MM-DD days) exist. */
export async function ensureDossierPartitions(db: Runs, first: string, last: string): Promise<number> {
  const result = await db.query(`SELECT dossier_ensure_partitions($1::date, $2::date) AS created`, [
    first,
    last,
  ]);
  // A DataSource answers rows; a pg Client answers { rows }.
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as {
    created: number;
  }[];
  return rows[0]?.created ?? 0;
}

/** The first day of the month `months` after the month of `day` (YYYY-MM-DD). */
export function monthStart(day: string, months = 0): string {
  return addCalendarMonths(`${day.slice(0, 7)}-01`, months);
}

/** The current month and the next PARTITION_MONTHS_AHEAD, from today's date in Vietnam. */
export function ensureMonthsAhead(db: Runs, today: string): Promise<number> {
  return ensureDossierPartitions(db, monthStart(today), monthStart(today, PARTITION_MONTHS_AHEAD));
}
