/**
 * The dossier service's own figure on its `/metrics`: open dossiers by timeliness now,
 * `eiso_dossiers_open{timeliness="OVERDUE"|"DUE_SOON"|"ON_TRACK"}` — the same rules as the API's
 * `timeliness` (domain/timeliness.ts, db/queries.ts `timelinessSql`).
 *
 * Cheap at national scale (10 M dossiers): three counts over the partial indexes of open dossiers —
 * OVERDUE and DUE_SOON are ranges of `dossier_open_due (due_at) WHERE completed_at IS NULL AND
 * status <> 'SUPPLEMENT_REQUESTED'`, all open ones an index-only count of `dossier_open_unit
 * (…) WHERE completed_at IS NULL`, and ON_TRACK the rest — never a scan of the table. The figures
 * are read at most once every `cacheMs` (30 s) however many scrapers ask, under a statement
 * timeout; when the database does not answer, the scrape leaves them out rather than show stale ones.
 */
import type { DataSource } from 'typeorm';
import type { WorkingCalendar } from '@eiso/calendar';
import { Metrics } from '@eiso/server';
import { DUE_SOON_HOURS } from './domain/timeliness';

export const OPEN_DOSSIERS_CACHE_MS = 30_000;
const TIMELINESS = ['OVERDUE', 'DUE_SOON', 'ON_TRACK'] as const;
type OpenDossiers = Record<(typeof TIMELINESS)[number], number>;

/** Counts the open dossiers by timeliness at `now`. */
export async function countOpenDossiers(
  db: Pick<DataSource, 'transaction'>,
  calendar: WorkingCalendar,
  now: Date,
): Promise<OpenDossiers> {
  const soon = calendar.addWorkingHours(now, DUE_SOON_HOURS);
  return db.transaction(async (m) => {
    await m.query(`SET LOCAL statement_timeout = '10s'`);
    const [row]: { overdue: number; dueSoon: number; open: number }[] = await m.query(
      `SELECT
         (SELECT count(*) FROM dossier
          WHERE completed_at IS NULL AND status <> 'SUPPLEMENT_REQUESTED' AND due_at < $1)::int AS overdue,
         (SELECT count(*) FROM dossier
          WHERE completed_at IS NULL AND status <> 'SUPPLEMENT_REQUESTED' AND due_at >= $1 AND due_at <= $2)::int AS "dueSoon",
         (SELECT count(*) FROM dossier WHERE completed_at IS NULL)::int AS open`,
      [now, soon],
    );
    return {
      OVERDUE: row.overdue,
      DUE_SOON: row.dueSoon,
      ON_TRACK: Math.max(0, row.open - row.overdue - row.dueSoon),
    };
  });
}

/** The dossier subgraph's metrics: the shared families and the open dossiers by timeliness. */
export function dossierMetrics(
  db: Pick<DataSource, 'transaction'>,
  calendar: WorkingCalendar,
  options: { cacheMs?: number; now?: () => Date } = {},
): Metrics {
  const metrics = new Metrics('dossier');
  const cacheMs = options.cacheMs ?? OPEN_DOSSIERS_CACHE_MS;
  const now = options.now ?? (() => new Date());
  let cached: { at: number; counts: OpenDossiers } | undefined;
  let reading: Promise<void> | undefined;
  const refresh = () =>
    (reading ??= countOpenDossiers(db, calendar, now())
      .then(
        (counts) => void (cached = { at: Date.now(), counts }),
        () => void (cached = undefined),
      )
      .finally(() => (reading = undefined)));
  metrics.gauge({
    name: 'eiso_dossiers_open',
    help: `Open dossiers by timeliness (OVERDUE, DUE_SOON: within ${DUE_SOON_HOURS} working hours of due, ON_TRACK), read at most every ${cacheMs / 1000} s`,
    labelNames: ['timeliness'],
    async collect(gauge) {
      if (!cached || Date.now() - cached.at >= cacheMs) await refresh();
      for (const timeliness of TIMELINESS)
        if (cached) gauge.set({ timeliness }, cached.counts[timeliness]);
        else gauge.remove({ timeliness });
    },
  });
  return metrics;
}
