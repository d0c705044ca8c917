/**
 * `eiso generate`: a national year written by COPY is consistent — the counts, the codes (the same
 * seed gives the same codes), about a tenth not yet returned, and UnitStatistics through the
 * gateway agreeing with the rows.
 */
import { Client } from 'pg';
import { operation } from '@eiso/contract';
import { todayInVietnam } from '@eiso/calendar';
import { generateNationalYear, type GenerateResult } from '@eiso/dossier';
import { bearer, postGraphQL, type Stack } from '@eiso/testing';
import { startEisoStack, tokenFor } from './support';

let stack: Stack;
let db: Client;
let result: GenerateResult;
const now = new Date();
const N = 2000;

const generate = (seed: number) =>
  generateNationalYear({ DATABASE_URL: stack.env.DATABASE_URL, dossiers: N, seed, now, replace: true });
const one = async (sql: string) => Object.values((await db.query(sql)).rows[0])[0] as number;
const codes = async () =>
  (await db.query(`SELECT code FROM dossier.dossier ORDER BY id`)).rows.map((r) => r.code);

beforeAll(async () => {
  stack = await startEisoStack({ provinceCodes: ['22'], services: ['org', 'catalog', 'dossier'] });
  db = new Client({ connectionString: stack.env.DATABASE_URL });
  await db.connect();
  result = await generate(42);
}, 240_000);
afterAll(async () => {
  await db?.end();
  await stack?.stop();
});

describe('eiso generate', () => {
  it('writes the dossiers asked for, with their steps, events, sequences and rollups', async () => {
    expect(result.dossiers).toBe(N);
    expect(await one(`SELECT count(*)::int FROM dossier.dossier`)).toBe(N);
    expect(await one(`SELECT count(*)::int FROM dossier.dossier_step`)).toBe(result.steps);
    expect(result.steps).toBeGreaterThanOrEqual(N * 3);
    // One event per dossier (its latest), already relayed.
    expect(await one(`SELECT count(*)::int FROM dossier.outbox WHERE sent_at IS NOT NULL`)).toBe(N);
    // Each unit-day's sequence is the number of codes it gave, numbered 1..n.
    expect(
      await one(`SELECT count(*)::int FROM dossier.dossier_sequence s
        WHERE s.last <> (SELECT count(*) FROM dossier.dossier d WHERE d.unit_id = s.unit_id AND d.received_day = s.day)
           OR s.last <> (SELECT max(split_part(d.code, '-', -1)::int) FROM dossier.dossier d WHERE d.unit_id = s.unit_id AND d.received_day = s.day)`),
    ).toBe(0);
    // The indexes and the step → dossier key dropped for the load are back.
    expect(
      await one(
        // conparentid = 0: the key itself, not its clone for each partition of the dossiers
        `SELECT count(*)::int FROM pg_constraint WHERE conrelid = 'dossier.dossier_step'::regclass AND contype = 'f' AND conparentid = 0`,
      ),
    ).toBe(1);
    expect(
      await one(
        `SELECT count(*)::int FROM pg_indexes WHERE schemaname = 'dossier' AND tablename = 'dossier'`,
      ),
    ).toBe(6);
    // Every dossier and step went into its month's partition: there is no DEFAULT one to catch them.
    expect(
      await one(
        `SELECT count(*)::int FROM pg_partitioned_table WHERE partdefid <> 0
         AND partrelid IN ('dossier.dossier'::regclass, 'dossier.dossier_step'::regclass)`,
      ),
    ).toBe(0);
  });

  it('keeps about a tenth open and mostly on time', async () => {
    expect(result.open / N).toBeGreaterThan(0.05);
    expect(result.open / N).toBeLessThan(0.16);
    const late = await one(`SELECT count(*)::int FROM dossier.dossier WHERE completed_at IS NOT NULL
      AND (completed_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date > (due_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date`);
    const resolved = await one(`SELECT count(*)::int FROM dossier.dossier WHERE completed_at IS NOT NULL`);
    expect(late).toBeGreaterThan(0);
    expect(late / resolved).toBeLessThan(0.15);
  });

  it('agrees with UnitStatistics through the gateway', async () => {
    const viewer = await tokenFor(stack, 'viewer.BKHCN');
    const { data, errors } = await postGraphQL(
      stack.gatewayUrl,
      operation('UnitStatistics'),
      { unitCode: 'VN', from: result.window.from, to: todayInVietnam(now), includeDescendants: true },
      bearer(viewer),
    );
    expect(errors).toBeUndefined();
    const s = (data as any).unit.dossierStats;
    expect(s.received).toBe(N);
    expect(s.resolved).toBe(
      await one(`SELECT count(*)::int FROM dossier.dossier WHERE completed_at IS NOT NULL`),
    );
    expect(s.open).toBe(await one(`SELECT count(*)::int FROM dossier.dossier WHERE completed_at IS NULL`));
    expect(s.late).toBe(
      await one(`SELECT count(*)::int FROM dossier.dossier WHERE completed_at IS NOT NULL
        AND (completed_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date > (due_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date`),
    );
  });

  it('is deterministic from the seed', async () => {
    const first = await codes();
    await generate(42);
    expect(await codes()).toEqual(first);
    await generate(43);
    expect(await codes()).not.toEqual(first);
  }, 120_000);

  it('refuses to add to dossiers already there unless told to replace them', async () => {
    await expect(
      generateNationalYear({ DATABASE_URL: stack.env.DATABASE_URL, dossiers: 10, seed: 1, now }),
    ).rejects.toThrow(/--replace/);
  });
});
