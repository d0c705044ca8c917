/**
 * The partitioning migrations over a database that already holds dossiers: 1732600400000 (monthly
 * partitions and a DEFAULT one) and 1732600500000 (the DEFAULT partition's rows moved into their
 * months and the DEFAULT partition dropped). The rows and their lookups survive, a received_day
 * range reads only its months, keys unique across months stay unique, a row of a month without a
 * partition is refused until its month is made, and both migrations roll back and forward.
 */
import type { DataSource } from 'typeorm';
import { dateInVietnam } from '@eiso/calendar';
import { dossierMigrations } from '../src/db/migrations';
import { MonthPartitions, ensureDossierPartitions, monthStart } from '../src/db/partitions';
import { DossierCommands, type NewDossier } from '../src/db/commands';
import { dossierDataSource, freshDossierDatabase, type TestDatabase } from './database';

let database: TestDatabase;
let db: DataSource;
const today = dateInVietnam(new Date());
const twoMonthsAgo = `${monthStart(today, -2).slice(0, 8)}15`;
const unit = '00000000-0000-4000-8000-000000000001';
const procedure = '00000000-0000-4000-8000-000000000002';

const open = (migrations: typeof dossierMigrations) => dossierDataSource(database, migrations);

/** A dossier row with what NOT NULL asks for, and two steps; returns its id. */
async function insertDossier(
  q: Pick<DataSource, 'query'>,
  code: string,
  day: string,
  extra: { externalId?: string; idempotencyKey?: string } = {},
  stepDay?: string,
): Promise<string> {
  const [{ id }] = await q.query(
    `INSERT INTO dossier (code, unit_id, unit_path, procedure_id, channel, status, received_at, received_day, due_at,
       appointment_due_at, applicant_name, applicant_id_number, pin_hash, external_id, idempotency_key)
     VALUES ($1, $2, '/VN/22/', $3, 'COUNTER', 'RECEIVED', $4::date + time '09:00', $4, $4::date + 5, $4::date + 5,
       'Nguyễn Văn A', '001', 'x', $5, $6)
     RETURNING id`,
    [code, unit, procedure, day, extra.externalId ?? null, extra.idempotencyKey ?? null],
  );
  const stepColumns = stepDay ? ', received_day' : '';
  const stepValue = stepDay ? `, '${stepDay}'` : '';
  for (const order of [1, 2])
    await q.query(
      `INSERT INTO dossier_step (dossier_id, step_order, name, role, duration_hours${stepColumns})
       VALUES ($1, $2, 'Bước', 'HANDLER', 4${stepValue})`,
      [id, order],
    );
  return id;
}

/** The tables an EXPLAIN of `sql` reads. */
async function relationsRead(sql: string, params: unknown[] = []): Promise<string[]> {
  const [{ 'QUERY PLAN': plan }] = await db.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
  const names: string[] = [];
  const walk = (node: Record<string, unknown>) => {
    if (typeof node['Relation Name'] === 'string') names.push(node['Relation Name']);
    for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
  };
  walk(plan[0].Plan);
  return names.sort();
}

const ids: Record<string, string> = {};
/** How many migrations newer than the list-order one the schema has; the rollback undoes them first. */
let migrationsAfterListOrder = 0;

beforeAll(async () => {
  database = await freshDossierDatabase();
  // The schema before the migration, holding dossiers of three months (one years back).
  const upTo = (name: string) =>
    dossierMigrations.slice(
      0,
      dossierMigrations.findIndex((m) => m.name === name),
    );
  const before = open(upTo('PartitionByReceiptMonth1732600400000'));
  await before.initialize();
  await before.runMigrations({ transaction: 'each' });
  ids.old = await insertDossier(before, 'X-190315-0001', '2019-03-15', { externalId: 'legacy-1' });
  ids.recent = await insertDossier(before, `X-${twoMonthsAgo.slice(2).replace(/-/g, '')}-0001`, twoMonthsAgo);
  ids.today = await insertDossier(before, `X-${today.slice(2).replace(/-/g, '')}-0001`, today, {
    idempotencyKey: 'key-1',
  });
  await before.query(
    `INSERT INTO dossier_pause (dossier_id, seq, reason, started_at) VALUES ($1, 1, 'bổ sung', now())`,
    [ids.today],
  );
  await before.destroy();
  // Partitioned with a DEFAULT partition, which catches a dossier of a month far ahead.
  const partitioned = open(upTo('ListInMonthOrder1732600500000'));
  await partitioned.initialize();
  const applied = await partitioned.runMigrations({ transaction: 'each' });
  expect(applied.map((m) => m.name)).toEqual(['PartitionByReceiptMonth1732600400000']);
  ids.caught = await insertDossier(partitioned, 'X-300510-0001', '2030-05-10', {}, '2030-05-10');
  await partitioned.destroy();
  db = open(dossierMigrations);
  await db.initialize();
  const rest = await db.runMigrations({ transaction: 'each' });
  // The list-order migration, then whatever came after it (e.g. the outbox's traceparent).
  expect(rest[0].name).toBe('ListInMonthOrder1732600500000');
  migrationsAfterListOrder = rest.length - 1;
}, 60_000);

/** A receipt at the test unit on `day`, with one step. */
const receipt = (day: string, idempotencyKey: string): Omit<NewDossier, 'code'> => ({
  unitId: unit,
  unitPath: '/VN/22/',
  procedureId: procedure,
  processId: procedure,
  channel: 'ONLINE',
  receivedAt: new Date(`${day}T09:00:00+07:00`),
  receivedDay: day,
  dueAt: new Date(`${day}T17:00:00+07:00`),
  applicant: { name: 'Trần Thị B', idNumber: '002' },
  pinHash: 'x',
  idempotencyKey,
  feeDue: null,
  paidOnline: false,
  digitized: true,
  receivedBy: unit,
  steps: [
    {
      order: 1,
      name: 'Tiếp nhận',
      role: 'RECEIVER',
      durationHours: 1,
      startedAt: null,
      dueAt: null,
      assigneeId: null,
    },
  ],
});
const codeOn = (prefix: string, day: string) => (n: number) =>
  `${prefix}-${day.slice(2).replace(/-/g, '')}-${n}`;

afterAll(async () => {
  await db?.destroy();
  await database?.drop();
});

describe('the partitioning migration over existing dossiers', () => {
  it('keeps every dossier, step and pause, each step in its dossier’s month', async () => {
    const dossiers = await db.query(
      `SELECT id, received_day::text AS day FROM dossier ORDER BY received_day`,
    );
    expect(dossiers.map((d: { id: string }) => d.id)).toEqual([ids.old, ids.recent, ids.today, ids.caught]);
    const [{ steps, misplaced }] = await db.query(
      `SELECT count(*)::int AS steps,
              count(*) FILTER (WHERE s.received_day <> d.received_day)::int AS misplaced
       FROM dossier_step s JOIN dossier d ON d.id = s.dossier_id`,
    );
    expect({ steps, misplaced }).toEqual({ steps: 8, misplaced: 0 });
    expect(await db.query(`SELECT count(*)::int AS n FROM dossier_pause`)).toEqual([{ n: 1 }]);
  });

  it('partitions dossiers and steps by month: the old month, the last twelve, three ahead, no default', async () => {
    const partitions: { name: string }[] = await db.query(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'dossier'::regclass ORDER BY 1`,
    );
    const names = partitions.map((p) => p.name);
    const month = (day: string) => `dossier_${day.slice(0, 7).replace('-', '')}`;
    expect(names).toEqual(
      expect.arrayContaining([
        'dossier_201903',
        month(twoMonthsAgo),
        month(today),
        month(monthStart(today, 3)),
        month(monthStart(today, -12)),
        'dossier_203005',
      ]),
    );
    expect(names).not.toContain('dossier_default');
    expect(names).not.toContain(month(monthStart(today, 4)));
    expect(names).not.toContain('dossier_201904');
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'dossier_step'::regclass`,
    );
    expect(n).toBe(names.length);
    const where = await db.query(`SELECT tableoid::regclass::text AS part FROM dossier WHERE id = $1`, [
      ids.old,
    ]);
    expect(where).toEqual([{ part: 'dossier_201903' }]);
  });

  it('reads only the months a received_day range names', async () => {
    const first = monthStart(twoMonthsAgo);
    const last = monthStart(twoMonthsAgo, 1);
    expect(
      await relationsRead(`SELECT count(*) FROM dossier WHERE received_day >= $1 AND received_day < $2`, [
        first,
        last,
      ]),
    ).toEqual([`dossier_${first.slice(0, 7).replace('-', '')}`]);
    expect(
      await relationsRead(
        `SELECT * FROM dossier_step WHERE received_day = '2019-03-15' AND dossier_id = $1`,
        [ids.old],
      ),
    ).toEqual(['dossier_step_201903']);
  });

  it('keeps external ids and idempotency keys unique across months', async () => {
    expect(await db.query(`SELECT external_id, dossier_id FROM dossier_external_id`)).toEqual([
      { external_id: 'legacy-1', dossier_id: ids.old },
    ]);
    expect(await db.query(`SELECT idempotency_key, dossier_id FROM dossier_idempotency_key`)).toEqual([
      { idempotency_key: 'key-1', dossier_id: ids.today },
    ]);
    await expect(
      db.transaction((m) =>
        m.query(
          `INSERT INTO dossier_external_id (external_id, dossier_id, received_day) VALUES ('legacy-1', $1, $2)`,
          [ids.today, today],
        ),
      ),
    ).rejects.toThrow(/duplicate key/);
    // A step of no dossier (or of the right id in the wrong month) is refused by the key.
    await expect(
      db.query(
        `INSERT INTO dossier_step (dossier_id, step_order, name, role, duration_hours, received_day)
         VALUES ($1, 9, 'x', 'HANDLER', 1, $2)`,
        [ids.old, today],
      ),
    ).rejects.toThrow(/foreign key/);
  });

  it('moved what the DEFAULT partition caught into its month before dropping it', async () => {
    const where = async (table: string) =>
      db.query(
        `SELECT DISTINCT tableoid::regclass::text AS part FROM ${table} WHERE ${table === 'dossier' ? 'id' : 'dossier_id'} = $1`,
        [ids.caught],
      );
    expect(await where('dossier')).toEqual([{ part: 'dossier_203005' }]);
    expect(await where('dossier_step')).toEqual([{ part: 'dossier_step_203005' }]);
    expect(
      await db.query(`SELECT to_regclass('dossier_default') AS d, to_regclass('dossier_step_default') AS s`),
    ).toEqual([{ d: null, s: null }]);
  });

  it('refuses a row of a month without a partition; a receipt makes its month first', async () => {
    await expect(insertDossier(db, 'X-310110-0001', '2031-01-10', {}, '2031-01-10')).rejects.toThrow(
      /no partition of relation "dossier" found for row/,
    );
    await new MonthPartitions(db).ensure(['2031-01-10', '2031-01-25']);
    const id = await insertDossier(db, 'X-310110-0001', '2031-01-10', {}, '2031-01-10');
    expect(
      await db.query(`SELECT tableoid::regclass::text AS part FROM dossier WHERE id = $1`, [id]),
    ).toEqual([{ part: 'dossier_203101' }]);
    // A receipt on a day of a month that has no partition yet makes it, then writes.
    const received = await new DossierCommands(db).receive(
      receipt('2032-03-03', 'far-ahead'),
      codeOn('Z', '2032-03-03'),
    );
    expect(received.created).toBe(true);
    expect(
      await db.query(`SELECT tableoid::regclass::text AS part FROM dossier_step WHERE dossier_id = $1`, [
        received.dossier.id,
      ]),
    ).toEqual([{ part: 'dossier_step_203203' }]);
    // The months around 2031-01 are made once; again there is nothing to do.
    expect(await ensureDossierPartitions(db, '2030-12-01', '2031-02-28')).toBe(2);
    expect(await ensureDossierPartitions(db, '2030-12-01', '2031-02-28')).toBe(0);
    // A made month has the indexes and keys of its parent.
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM pg_indexes WHERE tablename = 'dossier_203101'`,
    );
    const [{ parent }] = await db.query(
      `SELECT count(*)::int AS parent FROM pg_indexes WHERE tablename = 'dossier'`,
    );
    expect(n).toBe(parent);
  });

  it('finds the dossier a receipt made in an earlier month when it is retried with its key', async () => {
    const commands = new DossierCommands(db);
    const first = await commands.receive(
      receipt(twoMonthsAgo, 'retry-across-months'),
      codeOn('Y', twoMonthsAgo),
    );
    const again = await commands.receive(receipt(today, 'retry-across-months'), codeOn('Y', today));
    expect(first.created).toBe(true);
    expect(again).toMatchObject({
      created: false,
      dossier: { id: first.dossier.id, receivedDay: twoMonthsAgo },
    });
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM dossier WHERE idempotency_key = 'retry-across-months'`,
    );
    expect(n).toBe(1);
  });

  it('rolls back, to a DEFAULT partition and then to the unpartitioned tables, and forward again with the rows', async () => {
    const count = async () =>
      (
        await db.query(
          `SELECT (SELECT count(*) FROM dossier)::int AS d, (SELECT count(*) FROM dossier_step)::int AS s`,
        )
      )[0];
    const before = await count();
    for (let i = 0; i < migrationsAfterListOrder; i++) {
      await db.undoLastMigration({ transaction: 'each' });
    }
    await db.undoLastMigration({ transaction: 'each' });
    expect(await count()).toEqual(before);
    expect(await db.query(`SELECT to_regclass('dossier_default')::text AS d`)).toEqual([
      { d: 'dossier_default' },
    ]);
    await db.undoLastMigration({ transaction: 'each' });
    expect(await count()).toEqual(before);
    expect(await db.query(`SELECT relkind FROM pg_class WHERE oid = 'dossier'::regclass`)).toEqual([
      { relkind: 'r' },
    ]);
    await db.runMigrations({ transaction: 'each' });
    expect(await count()).toEqual(before);
    expect(await db.query(`SELECT relkind FROM pg_class WHERE oid = 'dossier'::regclass`)).toEqual([
      { relkind: 'p' },
    ]);
  });
});
