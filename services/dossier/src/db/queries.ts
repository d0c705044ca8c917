/** The dossier service's reads; batch reads take every key of a request in one statement. */
import type { DataSource } from 'typeorm';
import {
  DOSSIER_COLUMNS,
  STEP_COLUMNS,
  type ApologyRow,
  type DossierRow,
  type PauseRow,
  type StepRow,
} from './rows';
import type { ProcessVersion } from '../domain/receipt';
import { dateInVietnam, isIsoDate } from '@eiso/calendar';
import { parseDossierCode } from '../domain/codes';
import { monthStart } from './partitions';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuids = (ids: readonly string[]) => ids.filter((id) => UUID.test(id));

export interface ReplicaProcedure {
  id: string;
  code: string;
  name: string;
  level: string;
  authority: string | null;
  statutoryDays: number;
  fee: string | null;
}

export interface DossierListQuery {
  unitId?: string;
  pathPrefix?: string;
  statuses?: string[];
  procedureId?: string;
  receivedFrom?: string;
  receivedTo?: string;
  /** Any of these timeliness values, judged at `now` with the DUE_SOON boundary `soon`. */
  timeliness?: { values: string[]; now: Date; soon: Date };
  after?: { receivedAt: string; id: string };
  limit: number;
  /** Today in Vietnam: the newest month a page starts from (a later receipt is read all the same). */
  today: string;
}

export class DossierQueries {
  constructor(private readonly db: DataSource) {}

  dossiersByIds(ids: readonly string[]): Promise<DossierRow[]> {
    const valid = uuids(ids);
    if (!valid.length) return Promise.resolve([]);
    return this.db.query(`SELECT ${DOSSIER_COLUMNS} FROM dossier d WHERE d.id = ANY($1)`, [valid]);
  }

  /**
   * The code spells the receipt day: the look-up reads that day's partition only (a code that
   * spells no day, which no dossier of ours has, is still looked up everywhere).
   */
  dossierByCode(code: string): Promise<DossierRow | null> {
    const day = parseDossierCode(code)?.day;
    const [sql, params] =
      day && isIsoDate(day)
        ? [`SELECT ${DOSSIER_COLUMNS} FROM dossier d WHERE d.code = $1 AND d.received_day = $2`, [code, day]]
        : [`SELECT ${DOSSIER_COLUMNS} FROM dossier d WHERE d.code = $1`, [code]];
    return this.db.query(sql, params).then((r) => r[0] ?? null);
  }

  stepsOf(ids: readonly string[]): Promise<StepRow[]> {
    if (!ids.length) return Promise.resolve([]);
    return this.db.query(
      `SELECT ${STEP_COLUMNS} FROM dossier_step s WHERE s.dossier_id = ANY($1) ORDER BY s.step_order`,
      [ids],
    );
  }

  pausesOf(ids: readonly string[]): Promise<PauseRow[]> {
    if (!ids.length) return Promise.resolve([]);
    return this.db.query(
      `SELECT dossier_id AS "dossierId", reason, started_at AS "startedAt", ended_at AS "endedAt"
       FROM dossier_pause WHERE dossier_id = ANY($1) ORDER BY seq`,
      [ids],
    );
  }

  apologiesOf(ids: readonly string[]): Promise<ApologyRow[]> {
    if (!ids.length) return Promise.resolve([]);
    return this.db.query(
      `SELECT dossier_id AS "dossierId", issued_at AS "issuedAt", reason, new_due_at AS "newDueAt"
       FROM dossier_apology WHERE dossier_id = ANY($1)`,
      [ids],
    );
  }

  procedureById(id: string): Promise<ReplicaProcedure | null> {
    return this.db
      .query(
        `SELECT id, code, name, level, authority, statutory_days::float8 AS "statutoryDays", fee FROM catalog_procedure WHERE id = $1`,
        [id],
      )
      .then((r) => r[0] ?? null);
  }

  procedureByCode(code: string): Promise<ReplicaProcedure | null> {
    return this.db
      .query(
        `SELECT id, code, name, level, authority, statutory_days::float8 AS "statutoryDays", fee FROM catalog_procedure WHERE code = $1`,
        [code],
      )
      .then((r) => r[0] ?? null);
  }

  /** The approved versions and target times of a procedure whose owners are on the unit's path. */
  async receiptInputs(procedureId: string, pathPrefixes: string[]) {
    const [versions, targets] = await Promise.all([
      this.db.query(
        `SELECT id, owner_path AS "ownerPath", version, effective_from AS "effectiveFrom", steps
         FROM catalog_process WHERE procedure_id = $1 AND owner_path = ANY($2)`,
        [procedureId, pathPrefixes],
      ) as Promise<ProcessVersion[]>,
      this.db.query(
        `SELECT owner_path AS "ownerPath", target_days::float8 AS "targetDays" FROM catalog_target
         WHERE procedure_id = $1 AND owner_path = ANY($2)`,
        [procedureId, pathPrefixes],
      ) as Promise<{ ownerPath: string; targetDays: number }[]>,
    ]);
    return { versions, targets };
  }

  /**
   * A page of dossiers, newest first, and how many the filter matches. The order is
   * (received_day, received_at, id), all descending — received_at's order, since the day is
   * received_at's date in Vietnam — and the page is read a month at a time from the newest
   * (docs/partitioning.md, "The list page at national scale"): a province's page sorts the
   * province's newest month, not its year.
   */
  async listDossiers(q: DossierListQuery): Promise<{ rows: DossierRow[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => `$${params.push(v)}`;
    if (q.unitId) where.push(`d.unit_id = ${p(q.unitId)}`);
    if (q.pathPrefix) where.push(`d.unit_path LIKE ${p(`${q.pathPrefix}%`)}`);
    if (q.receivedFrom) where.push(`d.received_day >= ${p(q.receivedFrom)}`);
    if (q.receivedTo) where.push(`d.received_day <= ${p(q.receivedTo)}`);
    // Up to here the filter is the scope and period that daily_stats.received counts.
    const counted = where.length;
    if (q.statuses?.length) where.push(`d.status = ANY(${p(q.statuses)})`);
    if (q.procedureId) where.push(`d.procedure_id = ${p(q.procedureId)}`);
    const timeliness = (q.timeliness?.values ?? []).map((kind) => timelinessSql(kind, p, q.timeliness!));
    if (timeliness.length) where.push(`(${timeliness.join(' OR ')})`);
    const total =
      where.length === counted
        ? await this.receivedCount(q)
        : (
            await this.db.query(`SELECT count(*)::int AS total FROM dossier d ${whereClause(where)}`, params)
          )[0].total;
    let newest = q.receivedTo && q.receivedTo < q.today ? q.receivedTo : q.today;
    if (q.after) {
      // The row comparison is the index's order; the day bound prunes the later months.
      const day = afterDay(q.after.receivedAt);
      const dayParam = p(day);
      where.push(
        `(d.received_day, d.received_at, d.id) < (${dayParam}::date, ${p(q.after.receivedAt)}::timestamptz, ${p(q.after.id)}::uuid)`,
        `d.received_day <= ${dayParam}::date`,
      );
      if (day < newest) newest = day;
    }
    return { rows: await this.newestFirst(where, params, newest, q), total };
  }

  /**
   * The page's rows, month by month from `newest`'s month (the first window also takes anything
   * later), then — past MONTHS_ONE_BY_ONE months, or at receivedFrom — the rest at once. PostgreSQL
   * 15 does not stop a sorted read of a range-partitioned table at the first month that fills the
   * page unless each month's rows come out of an index in the page's order (a unit's own list
   * does; a subtree's, `unit_path LIKE`, cannot), so the months are asked for one at a time. Most
   * pages take one statement; the first days of a month, two.
   */
  private async newestFirst(
    where: string[],
    params: unknown[],
    newest: string,
    q: DossierListQuery,
  ): Promise<DossierRow[]> {
    const rows: DossierRow[] = [];
    let from = monthStart(newest);
    let to: string | null = null;
    for (let month = 0; ; month++) {
      const rest = month === MONTHS_ONE_BY_ONE || (q.receivedFrom !== undefined && from <= q.receivedFrom);
      rows.push(...(await this.window(where, params, rest ? null : from, to, q.limit - rows.length)));
      if (rest || rows.length >= q.limit) return rows;
      [from, to] = [monthStart(from, -1), from];
    }
  }

  /**
   * One window [from, to) of receipt days: the page's keys first (an index-only top-N over
   * `dossier_unit_received` or `dossier_unit_id_received`), then only their rows, by primary key.
   */
  private window(
    where: string[],
    params: unknown[],
    from: string | null,
    to: string | null,
    limit: number,
  ): Promise<DossierRow[]> {
    const all = [...params];
    const p = (v: unknown) => `$${all.push(v)}`;
    const days: string[] = [];
    if (from) days.push(`d.received_day >= ${p(from)}::date`);
    if (to) days.push(`d.received_day < ${p(to)}::date`);
    const newestFirst = (t: string) => `${t}.received_day DESC, ${t}.received_at DESC, ${t}.id DESC`;
    return this.db.query(
      `WITH page AS (
         SELECT d.id, d.received_day, d.received_at FROM dossier d ${whereClause([...where, ...days])}
         ORDER BY ${newestFirst('d')} LIMIT ${p(limit)})
       SELECT ${DOSSIER_COLUMNS} FROM page JOIN dossier d ON d.id = page.id AND d.received_day = page.received_day
       ${whereClause(days)}
       ORDER BY ${newestFirst('page')}`,
      all,
    );
  }

  /**
   * How many dossiers a unit or subtree received over a period, from the daily rollups: one row
   * per unit and day (an index-only sum over `daily_stats_path_day`) instead of one per dossier.
   * Exact: every receipt and import adds its `received` in the transaction that writes the dossier.
   */
  private async receivedCount(q: DossierListQuery): Promise<number> {
    const params: unknown[] = [];
    const p = (v: unknown) => `$${params.push(v)}`;
    const where = [q.unitId ? `unit_id = ${p(q.unitId)}` : `unit_path LIKE ${p(`${q.pathPrefix ?? ''}%`)}`];
    if (q.receivedFrom) where.push(`day >= ${p(q.receivedFrom)}`);
    if (q.receivedTo) where.push(`day <= ${p(q.receivedTo)}`);
    const [{ total }] = await this.db.query(
      `SELECT coalesce(sum(received), 0)::int AS total FROM daily_stats WHERE ${where.join(' AND ')}`,
      params,
    );
    return total;
  }

  /**
   * Open dossiers whose current step is the official's, soonest due first. An open dossier's
   * current step has always started; saying so lets the partial index dossier_step_queue
   * (assignee_id, due_at) WHERE started_at IS NOT NULL AND completed_at IS NULL drive the query.
   */
  async workQueue(officialId: string, after: { dueAt: string; id: string } | undefined, limit: number) {
    const params: unknown[] = [officialId, limit];
    const keyset = after ? `AND (d.due_at, d.id) > ($3::timestamptz, $4::uuid)` : '';
    if (after) params.push(after.dueAt, after.id);
    const base = `FROM dossier d
      JOIN dossier_step s ON s.dossier_id = d.id AND s.received_day = d.received_day AND s.step_order = d.current_step
      WHERE s.assignee_id = $1 AND d.completed_at IS NULL AND s.started_at IS NOT NULL AND s.completed_at IS NULL`;
    const [{ total }] = await this.db.query(`SELECT count(*)::int AS total ${base}`, [officialId]);
    const rows: DossierRow[] = await this.db.query(
      `SELECT ${DOSSIER_COLUMNS} ${base} ${keyset} ORDER BY d.due_at, d.id LIMIT $2`,
      params,
    );
    return { rows, total };
  }

  /** Every unit's own figures over [from, to] (see unitFigures below). */
  unitFigures(from: string, to: string, now: Date): Promise<UnitFiguresRow[]> {
    return unitFigures(this.db, from, to, now);
  }

  /** Rollup sums for a unit or subtree and a range of days, plus the live open and overdue counts. */
  async stats(scope: { unitId?: string; pathPrefix?: string }, from: string, to: string, now: Date) {
    const unitFilter = scope.unitId ? `unit_id = $1` : `unit_path LIKE $1`;
    const key = scope.unitId ?? `${scope.pathPrefix}%`;
    const [sums] = await this.db.query(
      `SELECT coalesce(sum(received), 0)::int AS received, coalesce(sum(received_online), 0)::int AS "receivedOnline",
              coalesce(sum(resolved), 0)::int AS resolved, coalesce(sum(early), 0)::int AS early,
              coalesce(sum(on_time), 0)::int AS "onTime", coalesce(sum(late), 0)::int AS late,
              coalesce(sum(processing_hours), 0)::float8 AS "processingHours",
              coalesce(sum(rated), 0)::int AS rated, coalesce(sum(satisfied), 0)::int AS satisfied
       FROM daily_stats WHERE ${unitFilter} AND day BETWEEN $2 AND $3`,
      [key, from, to],
    );
    const [open] = await this.db.query(
      `SELECT count(*)::int AS open,
              count(*) FILTER (WHERE status <> 'SUPPLEMENT_REQUESTED' AND due_at < $4)::int AS overdue
       FROM dossier WHERE ${unitFilter.replace('unit_', 'unit_')} AND completed_at IS NULL
         AND status IN ('RECEIVED','IN_PROGRESS','SUPPLEMENT_REQUESTED') AND received_day BETWEEN $2 AND $3`,
      [key, from, to, now],
    );
    return { ...sums, ...open } as {
      received: number;
      receivedOnline: number;
      resolved: number;
      early: number;
      onTime: number;
      late: number;
      processingHours: number;
      rated: number;
      satisfied: number;
      open: number;
      overdue: number;
    };
  }
}

export interface UnitFiguresRow {
  unitId: string;
  received: number;
  receivedOnline: number;
  resolved: number;
  resolvedLate: number;
  open: number;
  openOverdue: number;
  electronicResults: number;
  digitizedWithElectronicResult: number;
  feeDue: number;
  paidOnline: number;
  proceduresWithFee: number;
  proceduresPaidOnline: number;
  rated: number;
  disliked: number;
}

/** Months a list page reads one by one before it reads the rest at once (see newestFirst). */
const MONTHS_ONE_BY_ONE = 3;

const whereClause = (conditions: string[]) => (conditions.length ? `WHERE ${conditions.join(' AND ')}` : '');

/** The receipt day of a keyset cursor's instant; a cursor that is no instant prunes nothing. */
function afterDay(receivedAt: string): string {
  const at = new Date(receivedAt);
  return Number.isNaN(at.getTime()) ? '9999-12-31' : dateInVietnam(at);
}

const VN_DAY = (column: string) => `(${column} AT TIME ZONE 'Asia/Ho_Chi_Minh')::date`;

/**
 * Every unit's own dossier figures over [from, to] (the audit service's nightly rankings; see
 * UnitDossierFigures in schema.graphql). It reads the dossiers, not the rollups: the index also
 * counts fees, online payment and electronic results, which the rollups do not keep. Dossiers
 * received before `from` count only when they ended, were rated or are still open.
 *
 * Two aggregates joined: the counts per unit, and the procedures with a fee (and paid online) per
 * unit, grouped by (unit, procedure) first. One GROUP BY with `count(DISTINCT procedure_id)` gave
 * the same rows, but DISTINCT made PostgreSQL sort every dossier of the year by unit (spilling to
 * disk) on one process instead of hashing in parallel: 2.5× slower on 1 M dossiers.
 */
export async function unitFigures(
  db: Pick<DataSource, 'query'>,
  from: string,
  to: string,
  now: Date,
): Promise<UnitFiguresRow[]> {
  const received = `d.received_day BETWEEN $1 AND $2`;
  const resolved = `d.status IN ('RESULT_READY','RETURNED') AND ${VN_DAY('d.completed_at')} BETWEEN $1 AND $2`;
  const late = `(d.supplement_requests > 1 OR ${VN_DAY('d.completed_at')} > ${VN_DAY('d.appointment_due_at')})`;
  const open = `d.completed_at IS NULL AND d.status IN ('RECEIVED','IN_PROGRESS','SUPPLEMENT_REQUESTED')`;
  const rated = `d.feedback_rating IS NOT NULL AND ${VN_DAY('d.feedback_at')} BETWEEN $1 AND $2`;
  const fee = `d.fee_due IS NOT NULL AND btrim(d.fee_due) <> '' AND d.fee_due !~* '^\\s*(không|miễn)'`;
  return db.query(
    `SELECT f.*, coalesce(p.with_fee, 0)::int AS "proceduresWithFee", coalesce(p.paid, 0)::int AS "proceduresPaidOnline"
     FROM (
       SELECT d.unit_id AS "unitId",
              count(*) FILTER (WHERE ${received})::int AS received,
              count(*) FILTER (WHERE ${received} AND d.channel = 'ONLINE')::int AS "receivedOnline",
              count(*) FILTER (WHERE ${resolved})::int AS resolved,
              count(*) FILTER (WHERE ${resolved} AND ${late})::int AS "resolvedLate",
              count(*) FILTER (WHERE ${open})::int AS open,
              count(*) FILTER (WHERE ${open} AND d.status <> 'SUPPLEMENT_REQUESTED' AND d.due_at < $3)::int AS "openOverdue",
              count(*) FILTER (WHERE ${resolved} AND d.electronic_result)::int AS "electronicResults",
              count(*) FILTER (WHERE ${resolved} AND d.electronic_result AND d.digitized)::int AS "digitizedWithElectronicResult",
              count(*) FILTER (WHERE ${received} AND ${fee})::int AS "feeDue",
              count(*) FILTER (WHERE ${received} AND ${fee} AND d.paid_online)::int AS "paidOnline",
              count(*) FILTER (WHERE ${rated})::int AS rated,
              count(*) FILTER (WHERE ${rated} AND d.feedback_rating <= 2)::int AS disliked
       FROM dossier d
       WHERE d.received_day <= $2
         AND (d.received_day >= $1 OR d.completed_at IS NULL OR d.completed_at >= $1::date - 1 OR d.feedback_at >= $1::date - 1)
       GROUP BY d.unit_id) f
     LEFT JOIN (
       SELECT unit_id, count(*) AS with_fee, count(*) FILTER (WHERE paid) AS paid
       FROM (SELECT d.unit_id, bool_or(d.paid_online) AS paid FROM dossier d
             WHERE ${received} AND ${fee} GROUP BY d.unit_id, d.procedure_id) per_procedure
       GROUP BY unit_id) p ON p.unit_id = f."unitId"`,
    [from, to, now],
  );
}

/** Timeliness in SQL, mirroring domain/timeliness.ts (closed ones by the day in Vietnam). */
function timelinessSql(kind: string, p: (v: unknown) => string, at: { now: Date; soon: Date }): string {
  const open = `d.completed_at IS NULL`;
  const running = `${open} AND d.status <> 'SUPPLEMENT_REQUESTED'`;
  const done = `(d.completed_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date`;
  const due = `(d.appointment_due_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date`;
  switch (kind) {
    case 'OVERDUE':
      return `(${running} AND d.due_at < ${p(at.now)})`;
    case 'DUE_SOON':
      return `(${running} AND d.due_at >= ${p(at.now)} AND d.due_at <= ${p(at.soon)})`;
    case 'ON_TRACK':
      return `(${open} AND (d.status = 'SUPPLEMENT_REQUESTED' OR d.due_at > ${p(at.soon)}))`;
    case 'EARLY':
      return `(d.completed_at IS NOT NULL AND d.supplement_requests <= 1 AND ${done} < ${due})`;
    case 'ON_TIME':
      return `(d.completed_at IS NOT NULL AND d.supplement_requests <= 1 AND ${done} = ${due})`;
    case 'LATE':
      return `(d.completed_at IS NOT NULL AND (d.supplement_requests > 1 OR ${done} > ${due}))`;
    default:
      throw new Error(`unknown timeliness ${kind}`);
  }
}
