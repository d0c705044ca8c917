/**
 * The nightly rankings (issue 7): every level ranked by the service-quality index of Decision
 * 766/2022 (domain/ranking.ts) for one day in Vietnam, stored one row per (level, parent, day).
 *
 * Figures come through the other services' APIs as the system caller, one bulk query each — the
 * dossier service's `unitFigures` and the catalog's `reviewFigures`, per unit for every unit — and
 * are rolled up here, in memory, to every ancestor by unit path: a ranked unit's figures are those
 * of its whole subtree (a province: its own office, its agencies, districts and communes; a
 * ministry: itself and its agencies). The unit tree is the audit service's replica of org's.
 *
 * The lists: PROVINCE and MINISTRY nationally (parent ''), DISTRICT within each province (parent
 * = the province code), COMMUNE within each province (parent = the province code) and within each
 * district (parent = the district code). A unit ranks on a day when it is in force that day.
 *
 * The period is the 365 days ending on the day (a moving year, so the ranking does not restart
 * every 1 January). Running a day again overwrites that day; previous ranks come from the latest
 * day before it.
 */
import { postSignedGraphQL, SYSTEM_CALLER } from '@eiso/auth';
import { addDays, isIsoDate, todayInVietnam } from '@eiso/calendar';
import type { Logger } from '@eiso/logging';
import { Queue, Worker } from 'bullmq';
import { inJobTrace, queueConnection, tracedProcessor, type RedisConnection } from '@eiso/outbox';
import type { Metrics } from '@eiso/server';
import type { DataSource } from 'typeorm';
import {
  addFigures,
  emptyFigures,
  rankUnits,
  type RankingEntryData,
  type RankingFigures,
} from '../domain/ranking';

export interface RankingSources {
  catalogUrl: string;
  dossierUrl: string;
  secret: string;
}

export type RankedLevel = 'PROVINCE' | 'MINISTRY' | 'DISTRICT' | 'COMMUNE';

export interface RankingSummary {
  day: string;
  from: string;
  /** Rows written: one per (level, parent). */
  lists: number;
  /** Entries per level (communes count twice: within their province and within their district). */
  entries: Record<RankedLevel, number>;
  /** Per-unit figure rows read from the dossier service and review rows from the catalog. */
  figureRows: number;
  reviewRows: number;
  /** Figure rows of units the directory does not know (not counted; the directory may lag org). */
  unknownUnits: number;
  ms: number;
}

interface TreeUnit {
  id: string;
  code: string;
  level: string;
  kind: string;
  path: string;
  provinceCode: string | null;
  validFrom: string;
  validTo: string | null;
}

/** How many days the ranking period spans, ending on the ranking day. */
export const RANKING_PERIOD_DAYS = 365;

const UNIT_FIGURES = `query RankingFigures($from: Date!, $to: Date!) {
  unitFigures(from: $from, to: $to) {
    unitId received receivedOnline resolved resolvedLate open openOverdue electronicResults
    digitizedWithElectronicResult feeDue paidOnline proceduresWithFee proceduresPaidOnline rated disliked
  }
}`;
const REVIEW_FIGURES = `query RankingReviews($from: Date!, $to: Date!) {
  reviewFigures(from: $from, to: $to) { ownerUnitId due onTime }
}`;

/** Computes and stores every level's ranking for `day` (default: today in Vietnam). */
export async function computeRankings(
  db: DataSource,
  sources: RankingSources,
  options: { day?: string; now?: Date; progress?: (message: string) => void } = {},
): Promise<RankingSummary> {
  const started = Date.now();
  const progress = options.progress ?? (() => undefined);
  const now = options.now ?? new Date();
  const day = options.day ?? todayInVietnam(now);
  if (!isIsoDate(day)) throw new RangeError(`not a date: ${day}`);
  const from = addDays(day, -(RANKING_PERIOD_DAYS - 1));

  const signed = { caller: SYSTEM_CALLER, secret: sources.secret, timeoutMs: 120_000 };
  const [units, dossiers, catalog] = await Promise.all([
    db.query(
      `SELECT id, code, level, kind, path, province_code AS "provinceCode", valid_from AS "validFrom",
              valid_to AS "validTo" FROM unit_directory`,
    ) as Promise<TreeUnit[]>,
    postSignedGraphQL<{ unitFigures: ({ unitId: string } & Partial<RankingFigures>)[] }>(
      sources.dossierUrl,
      UNIT_FIGURES,
      { from, to: day },
      signed,
    ),
    postSignedGraphQL<{ reviewFigures: { ownerUnitId: string; due: number; onTime: number }[] }>(
      sources.catalogUrl,
      REVIEW_FIGURES,
      { from, to: day },
      signed,
    ),
  ]);
  progress(
    `rankings ${day}: ${units.length} units, ${dossiers.unitFigures.length} units with dossiers, ` +
      `${catalog.reviewFigures.length} with legal reviews (${Date.now() - started} ms)`,
  );

  // Roll each unit's own figures up to every unit on its path (itself included).
  const byId = new Map(units.map((u) => [u.id, u]));
  const subtree = new Map<string, RankingFigures>();
  let unknownUnits = 0;
  const addUp = (unitId: string, figures: Partial<RankingFigures>) => {
    const unit = byId.get(unitId);
    if (!unit) {
      unknownUnits++;
      return;
    }
    for (const code of unit.path.split('/').filter(Boolean)) {
      let sum = subtree.get(code);
      if (!sum) subtree.set(code, (sum = emptyFigures()));
      addFigures(sum, figures);
    }
  };
  for (const { unitId, ...figures } of dossiers.unitFigures) addUp(unitId, figures);
  for (const r of catalog.reviewFigures) addUp(r.ownerUnitId, { reviewsDue: r.due, reviewsOnTime: r.onTime });

  const lists = rankingLists(units, day);
  const previous = await previousRanks(db, day);
  const rows: { level: RankedLevel; parentCode: string; entries: RankingEntryData[] }[] = [];
  const entries: Record<RankedLevel, number> = { PROVINCE: 0, MINISTRY: 0, DISTRICT: 0, COMMUNE: 0 };
  for (const list of lists) {
    const ranked = rankUnits(
      list.units.map((u) => ({ unitId: u.id, code: u.code, figures: subtree.get(u.code) ?? emptyFigures() })),
      previous.get(`${list.level}/${list.parentCode}`),
    );
    rows.push({ level: list.level, parentCode: list.parentCode, entries: ranked });
    entries[list.level] += ranked.length;
  }

  const rankedAt = Date.now();
  progress(`rankings ${day}: ${rows.length} lists ranked (${rankedAt - started} ms)`);
  await db.transaction(async (m) => {
    await m.query(`DELETE FROM ranking WHERE day = $1`, [day]);
    // One JSON document for all the lists: parsed once by the server (a text array of ~800 large
    // JSON values costs seconds to parse).
    await m.query(
      `INSERT INTO ranking (level, parent_code, day, computed_at, entries)
       SELECT level, parent_code, $1, $2, entries
       FROM jsonb_to_recordset($3::jsonb) AS t(level text, parent_code text, entries jsonb)`,
      [
        day,
        now,
        JSON.stringify(rows.map((r) => ({ level: r.level, parent_code: r.parentCode, entries: r.entries }))),
      ],
    );
  });
  const summary: RankingSummary = {
    day,
    from,
    lists: rows.length,
    entries,
    figureRows: dossiers.unitFigures.length,
    reviewRows: catalog.reviewFigures.length,
    unknownUnits,
    ms: Date.now() - started,
  };
  progress(
    `rankings ${day}: ${rows.length} lists — ${entries.PROVINCE} provinces, ${entries.MINISTRY} ministries, ` +
      `${entries.DISTRICT} districts, ${entries.COMMUNE} commune entries — in ${summary.ms} ms`,
  );
  return summary;
}

/** The lists ranked on a day: which units, at which level, within which parent. */
export function rankingLists(
  units: readonly TreeUnit[],
  day: string,
): { level: RankedLevel; parentCode: string; units: TreeUnit[] }[] {
  const inForce = (u: TreeUnit) => u.validFrom <= day && (u.validTo === null || u.validTo > day);
  // The units that form a level (as org's units(level)): not the agencies attached to it.
  const ranked = units.filter((u) => u.kind !== 'AGENCY' && inForce(u));
  const districtCodes = new Set(ranked.filter((u) => u.level === 'DISTRICT').map((u) => u.code));
  const lists = new Map<string, { level: RankedLevel; parentCode: string; units: TreeUnit[] }>();
  const add = (level: RankedLevel, parentCode: string, unit: TreeUnit) => {
    const key = `${level}/${parentCode}`;
    let list = lists.get(key);
    if (!list) lists.set(key, (list = { level, parentCode, units: [] }));
    list.units.push(unit);
  };
  for (const unit of ranked) {
    const codes = unit.path.split('/').filter(Boolean);
    const province = unit.provinceCode ?? codes[1] ?? '';
    switch (unit.level) {
      case 'PROVINCE':
      case 'MINISTRY':
        add(unit.level, '', unit);
        break;
      case 'DISTRICT':
        add('DISTRICT', province, unit);
        break;
      case 'COMMUNE': {
        add('COMMUNE', province, unit);
        const district = codes.find((c) => districtCodes.has(c));
        if (district) add('COMMUNE', district, unit);
        break;
      }
    }
  }
  return [...lists.values()];
}

/** Each list's ranks on the latest day before `day` that has it, keyed `level/parent` then unit id. */
async function previousRanks(db: DataSource, day: string): Promise<Map<string, Map<string, number>>> {
  const rows: { list: string; unitId: string; rank: number }[] = await db.query(
    `SELECT r.level || '/' || r.parent_code AS list, e->>'unitId' AS "unitId", (e->>'rank')::int AS rank
     FROM (SELECT DISTINCT ON (level, parent_code) level, parent_code, entries FROM ranking
           WHERE day < $1 ORDER BY level, parent_code, day DESC) r,
          jsonb_array_elements(r.entries) e`,
    [day],
  );
  const lists = new Map<string, Map<string, number>>();
  for (const row of rows) {
    let list = lists.get(row.list);
    if (!list) lists.set(row.list, (list = new Map()));
    list.set(row.unitId, row.rank);
  }
  return lists;
}

export const RANKINGS_QUEUE = 'audit.rankings';

/**
 * A night the workers missed (down at 01:00, or a fresh installation): when the latest stored day
 * is older than yesterday, yesterday is ranked at start-up. The job id is the day, so replicas
 * starting together queue it once.
 */
async function catchUpMissedNight(db: DataSource, queue: Queue, logger: Logger): Promise<void> {
  const yesterday = addDays(todayInVietnam(), -1);
  const [{ latest }] = await db.query(`SELECT to_char(max(day), 'YYYY-MM-DD') AS latest FROM ranking`);
  if (latest !== null && latest >= yesterday) return;
  logger.info({ latest, day: yesterday }, 'rankings: catching up the missed night');
  await queue.add(
    'rank',
    { day: yesterday },
    { jobId: `catch-up-${yesterday}`, removeOnComplete: 30, removeOnFail: 100 },
  );
}

/**
 * The nightly run: a BullMQ job scheduler at 01:00 Asia/Ho_Chi_Minh (upserted under one id, so
 * every replica's start-up upserts the same scheduler and a tick runs once) and the worker that
 * ranks the day just ended — a day's ranking counts its figures to the end of that day; a run
 * during the day (`pnpm eiso run rankings`) is provisional and the night overwrites it. A failed
 * run is retried with backoff and logged with its error; stop() lets a run in flight finish.
 */
export async function startRankingJobs(options: {
  db: DataSource;
  redis: RedisConnection;
  prefix: string;
  sources: RankingSources;
  logger: Logger;
  /** The worker's metrics: the rankings' jobs and queue. */
  metrics?: Pick<Metrics, 'watchWorker'>;
}): Promise<{ stop(): Promise<void> }> {
  const { db, redis, prefix, sources, logger } = options;
  const queue = new Queue(RANKINGS_QUEUE, queueConnection(redis, prefix, RANKINGS_QUEUE));
  await queue.upsertJobScheduler(
    'nightly-rankings',
    { pattern: '0 1 * * *', tz: 'Asia/Ho_Chi_Minh' },
    {
      name: 'rank',
      data: {},
      opts: {
        attempts: 4,
        backoff: { type: 'exponential', delay: 60_000 },
        removeOnComplete: 30,
        removeOnFail: 100,
      },
    },
  );
  await catchUpMissedNight(db, queue, logger);
  const worker = new Worker<{ day?: string }>(
    RANKINGS_QUEUE,
    tracedProcessor(async (job) => {
      const day = job.data.day ?? addDays(todayInVietnam(), -1);
      return computeRankings(db, sources, {
        day,
        progress: (message) => logger.debug({ job: job.id }, message),
      });
    }),
    { ...queueConnection(redis, prefix, RANKINGS_QUEUE), concurrency: 1, lockDuration: 120_000 },
  );
  worker.on('completed', (job, summary: RankingSummary) =>
    inJobTrace(job, () => logger.info({ job: job.id, ...summary }, 'rankings computed')),
  );
  worker.on('failed', (job, error) =>
    inJobTrace(job, () =>
      logger.error(
        { err: error, job: job?.id, attempt: job?.attemptsMade, of: job?.opts.attempts },
        'rankings failed',
      ),
    ),
  );
  options.metrics?.watchWorker(worker);
  worker.on('error', (error) => logger.error({ err: error }, 'rankings worker error'));
  return {
    stop: async () => {
      await worker.close();
      await queue.close();
    },
  };
}
