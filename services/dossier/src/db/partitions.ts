/**
 * The monthly partitions of `dossier` and `dossier_step` (migrations 1732600400000, 1732600500000
 * and docs/partitioning.md): `dossier_ensure_partitions` creates the months that are missing.
 */
import { addCalendarMonths } from '@eiso/calendar';

/** Anything that runs SQL with parameters: a DataSource, an EntityManager or a pg Client. */
interface Runs {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * Months created ahead of today by the worker. There is no DEFAULT partition (migration
 * 1732600500000): a receipt also makes sure of its month (`MonthPartitions`), so this is what keeps
 * that check from ever having to create one on the request path.
 */
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

/**
 * The months this process has made sure of. A row for a month without a partition is refused
 * (there is no DEFAULT partition), so every writer of new dossiers — a receipt, an import, the
 * seed — asks for its days' months first, outside its transaction; each month costs one call per
 * process, every later receipt of that month none.
 */
export class MonthPartitions {
  private readonly known = new Set<string>();

  constructor(private readonly db: Runs) {}

  async ensure(days: Iterable<string>): Promise<void> {
    const months = new Set<string>();
    for (const day of days) months.add(monthStart(day));
    for (const month of months) {
      if (this.known.has(month)) continue;
      await ensureDossierPartitions(this.db, month, month);
      this.known.add(month);
    }
  }
}
