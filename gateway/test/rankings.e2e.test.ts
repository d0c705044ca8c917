/**
 * The nightly rankings through the real gateway, on a stack of three provinces — Quảng Ninh (22),
 * the catalog seed's one province late with its legal revision, Bạc Liêu (95) and Cà Mau (96) —
 * and the 22 ministries, without seeded dossiers so every figure is the test's own. The ranking
 * job runs in this process as the audit worker runs it: figures from the dossier and catalog APIs,
 * rolled up by unit path, stored per day.
 */
import { operation } from '@eiso/contract';
import { addDays, todayInVietnam } from '@eiso/calendar';
import {
  computeRankings,
  createAuditDataSource,
  RANKINGS_QUEUE,
  startRankingJobs,
  type RankingSources,
} from '@eiso/audit';
import { createLogger } from '@eiso/logging';
import { createRedisConnection } from '@eiso/outbox';
import { bearer, errorCodes, postGraphQL, type Stack } from '@eiso/testing';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { startEisoStack, tokenFor } from './support';

let stack: Stack;
let auditDb: DataSource;
let sources: RankingSources;
let redis: Redis;
const tokens: Record<string, string> = {};
const day1 = todayInVietnam();
const day2 = addDays(day1, 1);

const gql = (query: string, variables: Record<string, unknown> = {}, as?: string): Promise<any> =>
  postGraphQL(stack.gatewayUrl, query, variables, as ? bearer(tokens[as]) : {});

const rankings = async (variables: Record<string, unknown>) => {
  const answer = await gql(operation('Rankings'), variables, 'viewer.BKHCN');
  expect(answer.errors).toBeUndefined();
  return answer.data.rankings;
};

type Entry = {
  rank: number;
  previousRank: number | null;
  score: number;
  unit: { code: string; name: string };
  components: { key: string; label: string; score: number; maxScore: number }[];
};

/** Ranks are competition ranks of the scores; the components add up to each score. */
function expectWellFormed(entries: Entry[]) {
  for (const e of entries) {
    expect(e.components.map((c) => c.key)).toEqual(['CKMB', 'TDGQ', 'CLGQ', 'TTTT', 'MDHL', 'MDSH']);
    const sum = e.components.reduce((s, c) => s + c.score, 0);
    expect(Math.abs(sum - e.score)).toBeLessThanOrEqual(0.01);
    expect(e.score).toBeGreaterThanOrEqual(0);
    expect(e.score).toBeLessThanOrEqual(100);
    expect(e.rank).toBe(1 + entries.filter((o) => o.score > e.score).length);
    expect(e.unit.name).toEqual(expect.any(String));
  }
  for (let i = 1; i < entries.length; i++) expect(entries[i].score).toBeLessThanOrEqual(entries[i - 1].score);
}

beforeAll(async () => {
  stack = await startEisoStack({
    provinceCodes: ['22', '95', '96'],
    services: ['org', 'catalog', 'dossier', 'audit'],
  });
  tokens['viewer.BKHCN'] = await tokenFor(stack, 'viewer.BKHCN');
  auditDb = createAuditDataSource(stack.env, 2).dataSource;
  await auditDb.initialize();
  sources = {
    catalogUrl: stack.env.CATALOG_URL,
    dossierUrl: stack.env.DOSSIER_URL,
    secret: stack.env.GATEWAY_SIGNING_SECRET,
  };
}, 240_000);

afterAll(async () => {
  const keys = redis ? await redis.keys(`${stack.env.QUEUE_PREFIX}:*`) : [];
  if (keys.length) await redis.del(...keys);
  await redis?.quit();
  await auditDb?.destroy();
  await stack?.stop();
});

describe('Rankings', () => {
  it('answers null before the first computation', async () => {
    expect(await rankings({ level: 'PROVINCE' })).toBeNull();
  });

  it('ranks every province with ties sharing a rank (1, 1, 3)', async () => {
    const summary = await computeRankings(auditDb, sources, { day: day1 });
    expect(summary.entries.PROVINCE).toBe(3);
    expect(summary.entries.MINISTRY).toBe(22);
    const r = await rankings({ level: 'PROVINCE' });
    expect(r.date).toBe(day1);
    expect(r.computedAt).toEqual(expect.any(String));
    const entries: Entry[] = r.entries;
    expectWellFormed(entries);
    // No dossiers yet: only the legal-review indicator scores, and Quảng Ninh is late with its revision.
    expect(entries.map((e) => [e.unit.code, e.rank, e.previousRank, e.score])).toEqual([
      ['95', 1, null, 6],
      ['96', 1, null, 6],
      ['22', 3, null, 0],
    ]);
    expect(entries[0].components[0]).toEqual({
      key: 'CKMB',
      label: 'Công khai, minh bạch',
      score: 6,
      maxScore: 6,
    });
    expect(entries[0].components.reduce((s, c) => s + c.maxScore, 0)).toBe(62);
  });

  it('ranks the 22 ministries', async () => {
    const r = await rankings({ level: 'MINISTRY', date: day1 });
    expect(r.entries).toHaveLength(22);
    expectWellFormed(r.entries);
  });

  it('a later day with new figures shows each unit’s movement from its previous rank', async () => {
    const commune = (await gql(operation('UnitsByLevel'), { level: 'COMMUNE', underCode: '96', first: 1 }))
      .data.units.edges[0].node.code;
    for (const role of ['receiver', 'handler', 'leader'])
      tokens[role] = await tokenFor(stack, `${role}.${commune}`);
    const procedure = (
      await gql(operation('UnitProcedures'), { unitCode: commune, search: 'khai sinh', first: 1 })
    ).data.unit.procedures.edges[0].node;
    const received = await gql(
      operation('ReceiveDossier'),
      {
        input: {
          procedureCode: procedure.code,
          unitCode: commune,
          channel: 'ONLINE',
          applicant: { name: 'Lê Văn Bình', idNumber: '096090002222' },
          idempotencyKey: `ranking-${Date.now()}`,
        },
      },
      'receiver',
    );
    expect(received.errors).toBeUndefined();
    let version = received.data.receiveDossier.dossier.version;
    const id = received.data.receiveDossier.dossier.id;
    for (const step of procedure.process.steps) {
      const done = await gql(
        operation('CompleteStep'),
        { input: { dossierId: id, expectedVersion: version } },
        step.role.toLowerCase(),
      );
      expect(done.errors).toBeUndefined();
      version = done.data.completeStep.dossier.version;
    }
    const returned = await gql(
      operation('ReturnResult'),
      { input: { dossierId: id, expectedVersion: version, electronicResult: true } },
      'receiver',
    );
    expect(returned.data.returnResult.dossier.timeliness).toMatch(/EARLY|ON_TIME/);

    await computeRankings(auditDb, sources, { day: day2 });
    // Idempotent: running the day again overwrites it.
    await computeRankings(auditDb, sources, { day: day2 });
    const [{ rows }] = await auditDb.query(
      `SELECT count(*)::int AS rows FROM ranking WHERE day = $1 AND level = 'PROVINCE'`,
      [day2],
    );
    expect(rows).toBe(1);

    const latest = await rankings({ level: 'PROVINCE' });
    expect(latest.date).toBe(day2);
    expectWellFormed(latest.entries);
    expect(latest.entries.map((e: Entry) => [e.unit.code, e.rank, e.previousRank])).toEqual([
      ['96', 1, 1],
      ['95', 2, 1],
      ['22', 3, 3],
    ]);
    const caMau: Entry = latest.entries[0];
    // One online dossier finished on time, digitized, with an electronic result; no fee was due.
    expect(Object.fromEntries(caMau.components.map((c) => [c.key, c.score]))).toEqual({
      CKMB: 6,
      TDGQ: 20,
      CLGQ: 12,
      TTTT: 0,
      MDHL: 6,
      MDSH: 10,
    });
    expect(caMau.score).toBe(54);
    // The first day still answers as it was.
    expect((await rankings({ level: 'PROVINCE', date: day1 })).entries[0].unit.code).toBe('95');

    // Districts within their province, communes within their district.
    const district = (
      await gql(`query($c: String!) { unit(code: $c) { parent { code level } } }`, { c: commune })
    ).data.unit.parent;
    expect(district.level).toBe('DISTRICT');
    const districts = await rankings({ level: 'DISTRICT', parentCode: '96' });
    const districtCount = (
      await gql(operation('UnitsByLevel'), { level: 'DISTRICT', underCode: '96', first: 1 })
    ).data.units.totalCount;
    expect(districts.entries).toHaveLength(districtCount);
    expectWellFormed(districts.entries);
    expect(districts.entries[0]).toMatchObject({ rank: 1, unit: { code: district.code }, score: 54 });
    expect(districts.entries.slice(1).every((e: Entry) => e.rank === 2)).toBe(true);

    const communes = await rankings({ level: 'COMMUNE', parentCode: district.code });
    expectWellFormed(communes.entries);
    expect(communes.entries[0]).toMatchObject({ rank: 1, previousRank: 1, unit: { code: commune } });
    const inProvince = await rankings({ level: 'COMMUNE', parentCode: '96' });
    expect(inProvince.entries.length).toBeGreaterThan(communes.entries.length);
    expect(inProvince.entries[0].unit.code).toBe(commune);
    expect(await rankings({ level: 'DISTRICT', parentCode: '01' })).toBeNull();
  });
});

describe('the bulk figures behind them', () => {
  it('are for the system caller only: a ministry viewer and anonymous callers are refused', async () => {
    const range = { from: day1, to: day1 };
    const dossier = `query($from: Date!, $to: Date!) { unitFigures(from: $from, to: $to) { unitId received } }`;
    const catalog = `query($from: Date!, $to: Date!) { reviewFigures(from: $from, to: $to) { ownerUnitId due } }`;
    for (const query of [dossier, catalog]) {
      expect(errorCodes(await gql(query, range, 'viewer.BKHCN'))).toEqual(['FORBIDDEN']);
      expect(errorCodes(await gql(query, range))).toEqual(['UNAUTHENTICATED']);
    }
  });
});

describe('the nightly job', () => {
  it('is one scheduler at 01:00 Vietnam time however many workers start, and its worker ranks the day asked', async () => {
    redis = createRedisConnection(stack.env.REDIS_URL);
    const options = {
      db: auditDb,
      redis,
      prefix: stack.env.QUEUE_PREFIX,
      sources,
      logger: createLogger('test', 'silent'),
    };
    // Two replicas start: the scheduler is upserted, not added twice.
    const first = await startRankingJobs(options);
    const second = await startRankingJobs(options);
    const queue = new Queue(RANKINGS_QUEUE, { connection: redis, prefix: stack.env.QUEUE_PREFIX });
    try {
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers).toHaveLength(1);
      expect(schedulers[0]).toMatchObject({
        key: 'nightly-rankings',
        pattern: '0 1 * * *',
        tz: 'Asia/Ho_Chi_Minh',
      });
      const day3 = addDays(day1, 2);
      await queue.add('rank', { day: day3 });
      const deadline = Date.now() + 20_000;
      let rows = 0;
      while (rows === 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        [{ rows }] = await auditDb.query(`SELECT count(*)::int AS rows FROM ranking WHERE day = $1`, [day3]);
      }
      expect(rows).toBeGreaterThan(3);
      const r = await rankings({ level: 'PROVINCE' });
      expect(r.date).toBe(day3);
      expect(r.entries.map((e: Entry) => [e.unit.code, e.rank, e.previousRank])).toEqual([
        ['96', 1, 1],
        ['95', 2, 2],
        ['22', 3, 3],
      ]);
    } finally {
      await queue.close();
      await first.stop();
      await second.stop();
    }
  });

  it('ranks a missed night at start-up, once however many workers start', async () => {
    const yesterday = addDays(day1, -1);
    // As after a fresh installation, or workers down at 01:00: nothing stored for yesterday or later.
    await auditDb.query(`DELETE FROM ranking WHERE day >= $1`, [yesterday]);
    const options = {
      db: auditDb,
      redis,
      prefix: stack.env.QUEUE_PREFIX,
      sources,
      logger: createLogger('test', 'silent'),
    };
    const replicas = [await startRankingJobs(options), await startRankingJobs(options)];
    try {
      const deadline = Date.now() + 20_000;
      let rows = 0;
      while (rows === 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        [{ rows }] = await auditDb.query(
          `SELECT count(*)::int AS rows FROM ranking WHERE day = $1 AND level = 'PROVINCE'`,
          [yesterday],
        );
      }
      expect(rows).toBe(1);
      const r = await rankings({ level: 'PROVINCE' });
      expect(r.date).toBe(yesterday);
      expect(r.entries).toHaveLength(3);
      const queue = new Queue(RANKINGS_QUEUE, { connection: redis, prefix: stack.env.QUEUE_PREFIX });
      const counts = await queue.getJobCounts('completed', 'active', 'waiting', 'failed');
      await queue.close();
      // The scheduled day-3 job and one catch-up: the second replica's catch-up was the same job.
      expect(counts.completed + counts.active + counts.waiting + counts.failed).toBe(2);
    } finally {
      for (const replica of replicas) await replica.stop();
    }
  });
});
