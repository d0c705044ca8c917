/**
 * The compliance snapshot of a year: gathered from the audit records, the catalog's overdue
 * reviews and the dossier service's on-time rates (the batch road between services), built by
 * domain/report.ts and stored whole, so `complianceReport` is one row read.
 */
import { postSignedGraphQL, SYSTEM_CALLER } from '@eiso/auth';
import { todayInVietnam } from '@eiso/calendar';
import type { DataSource } from 'typeorm';
import { buildComplianceReport, type ComplianceReportData, type UnitFacts } from '../domain/report';

export interface ComplianceSources {
  catalogUrl: string;
  dossierUrl: string;
  secret: string;
}

export async function refreshCompliance(
  db: DataSource,
  year: number,
  sources: ComplianceSources,
  now = new Date(),
): Promise<ComplianceReportData> {
  const today = todayInVietnam(now);
  const day = today.startsWith(String(year)) ? today : `${year}-12-31`;
  const [units, overdue] = await Promise.all([unitFacts(db, year), overdueOwners(sources, day)]);
  for (const unit of units) unit.processesPastReview = overdue.get(unit.id) ?? 0;
  const heads = units.filter(
    (u) =>
      (u.level === 'PROVINCE' && u.kind === 'PEOPLES_COMMITTEE') ||
      (u.level === 'MINISTRY' && u.kind !== 'AGENCY'),
  );
  const rates = await onTimeRates(
    sources,
    heads.map((u) => u.id),
    year,
  );
  const report = buildComplianceReport(year, units, rates, now);
  await db.query(
    `INSERT INTO compliance_snapshot (year, report, generated_at, stale) VALUES ($1, $2, $3, false)
     ON CONFLICT (year) DO UPDATE SET report = excluded.report, generated_at = excluded.generated_at, stale = false`,
    [year, JSON.stringify(report), now],
  );
  return report;
}

const METRICS: Record<string, 'onTimeRate' | 'satisfactionRate' | 'onlineRate'> = {
  ON_TIME_RATE: 'onTimeRate',
  SATISFACTION_RATE: 'satisfactionRate',
  ONLINE_RATE: 'onlineRate',
};

/**
 * Quality objectives' actual values, measured from the dossier statistics of the objective's unit
 * and the units below it over the year so far — never typed in.
 */
export async function measureObjectives(
  db: DataSource,
  year: number,
  sources: ComplianceSources,
): Promise<number> {
  const units: { unitId: string }[] = await db.query(
    `SELECT DISTINCT unit_id AS "unitId" FROM quality_objective WHERE year = $1`,
    [year],
  );
  if (units.length === 0) return 0;
  const data = await postSignedGraphQL<{
    _entities: ({ id: string; dossierStats: Record<string, number | null> | null } | null)[];
  }>(
    sources.dossierUrl,
    `query($r: [_Any!]!, $from: Date!, $to: Date!) { _entities(representations: $r) {
       ... on AdministrativeUnit { id dossierStats(from: $from, to: $to, includeDescendants: true) { onTimeRate satisfactionRate onlineRate } } } }`,
    {
      r: units.map((u) => ({ __typename: 'AdministrativeUnit', id: u.unitId })),
      from: `${year}-01-01`,
      to: `${year}-12-31`,
    },
    { caller: SYSTEM_CALLER, secret: sources.secret },
  );
  for (const entity of data._entities) {
    if (!entity?.dossierStats) continue;
    for (const [metric, field] of Object.entries(METRICS)) {
      await db.query(
        `UPDATE quality_objective SET actual = $3, measured_at = now() WHERE unit_id = $1 AND year = $2 AND metric = $4`,
        [entity.id, year, entity.dossierStats[field], metric],
      );
    }
  }
  return units.length;
}

/** Marks a year's snapshot for the worker to refresh (every change to a QMS record does). */
export async function markComplianceStale(
  db: { query(sql: string, params?: unknown[]): Promise<unknown> },
  year: number,
): Promise<void> {
  await db.query(`UPDATE compliance_snapshot SET stale = true WHERE year = $1`, [year]);
}

async function unitFacts(db: DataSource, year: number): Promise<UnitFacts[]> {
  return db.query(
    `SELECT u.id, u.code, u.level, u.kind, u.path, u.province_code AS "provinceCode",
            coalesce(q.status, 'NOT_STARTED') AS "qmsStatus", q.standard,
            coalesce(a.n, 0)::int AS "internalAuditsCompleted", coalesce(r.n, 0)::int AS "managementReviews",
            0 AS "processesPastReview", coalesce(nc.n, 0)::int AS "openNonconformities"
     FROM unit_directory u
     LEFT JOIN qms q ON q.unit_id = u.id
     LEFT JOIN (SELECT unit_id, count(*) AS n FROM internal_audit WHERE status = 'COMPLETED'
                AND extract(year FROM completed_on) = $1::int GROUP BY unit_id) a ON a.unit_id = u.id
     LEFT JOIN (SELECT unit_id, count(*) AS n FROM management_review WHERE extract(year FROM held_on) = $1::int GROUP BY unit_id) r
       ON r.unit_id = u.id
     LEFT JOIN (SELECT unit_id, count(*) AS n FROM nonconformity WHERE status <> 'CLOSED' GROUP BY unit_id) nc ON nc.unit_id = u.id
     WHERE u.valid_to IS NULL OR u.valid_to > make_date($1::int, 12, 31)`,
    [year],
  );
}

async function overdueOwners(sources: ComplianceSources, day: string): Promise<Map<string, number>> {
  const data = await postSignedGraphQL<{ overdueReviewOwners: { ownerUnitId: string; processes: number }[] }>(
    sources.catalogUrl,
    `query($on: Date) { overdueReviewOwners(on: $on) { ownerUnitId processes } }`,
    { on: day },
    { caller: SYSTEM_CALLER, secret: sources.secret },
  );
  return new Map(data.overdueReviewOwners.map((o) => [o.ownerUnitId, o.processes]));
}

async function onTimeRates(
  sources: ComplianceSources,
  unitIds: string[],
  year: number,
): Promise<Map<string, number | null>> {
  const data = await postSignedGraphQL<{
    _entities: ({ id: string; dossierStats: { onTimeRate: number | null } | null } | null)[];
  }>(
    sources.dossierUrl,
    `query($r: [_Any!]!, $from: Date!, $to: Date!) { _entities(representations: $r) {
       ... on AdministrativeUnit { id dossierStats(from: $from, to: $to, includeDescendants: true) { onTimeRate } } } }`,
    {
      r: unitIds.map((id) => ({ __typename: 'AdministrativeUnit', id })),
      from: `${year}-01-01`,
      to: `${year}-12-31`,
    },
    { caller: SYSTEM_CALLER, secret: sources.secret },
  );
  return new Map(
    data._entities
      .filter((e): e is NonNullable<typeof e> => e !== null)
      .map((e) => [e.id, e.dossierStats?.onTimeRate ?? null]),
  );
}

/**
 * Refreshes stale snapshots within seconds of a change, and this year's every ten minutes (dossier
 * statistics and reviews move without an audit record changing). Returns a stop that waits for a
 * refresh in flight.
 */
export function keepComplianceFresh(
  db: DataSource,
  sources: ComplianceSources,
  log: (message: string, error?: unknown) => void,
  options: { staleEveryMs?: number; fullEveryMs?: number } = {},
): () => Promise<void> {
  let inFlight: Promise<void> | null = null;
  let lastFull = 0;
  const tick = () => {
    if (inFlight) return;
    inFlight = (async () => {
      const year = Number(todayInVietnam().slice(0, 4));
      const stale: { year: number }[] = await db.query(`SELECT year FROM compliance_snapshot WHERE stale`);
      const due = Date.now() - lastFull > (options.fullEveryMs ?? 600_000);
      const years = new Set([...stale.map((s) => s.year), ...(due ? [year] : [])]);
      for (const y of years) await refreshCompliance(db, y, sources);
      if (due) await measureObjectives(db, year, sources);
      if (due) lastFull = Date.now();
      if (years.size) log(`compliance refreshed: ${[...years].join(', ')}`);
    })()
      .catch((error: unknown) => log('compliance refresh failed', error))
      .finally(() => (inFlight = null));
  };
  const timer = setInterval(tick, options.staleEveryMs ?? 3000);
  return async () => {
    clearInterval(timer);
    await inFlight;
  };
}
