/**
 * Notifications from dossier events on real PostgreSQL: who is told, and that a replayed event or
 * a second sweep adds nothing (the unique key, not luck).
 */
import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@eiso/db';
import type { EisoEvent } from '@eiso/outbox';
import type { DataSource } from 'typeorm';
import {
  createNotificationDataSource,
  migrateNotification,
  notifyFromDossierEvent,
  notifyFromDossierEvents,
} from '../src';

let database: TestDatabase;
let db: DataSource;
const unitPath = '/VN/22/22001/';
const deskUnitPath = '/VN/22/22003/';
const people = {
  handler1: randomUUID(),
  handler2: randomUUID(),
  leader: randomUUID(),
  other: randomUUID(),
  deskReceiver: randomUUID(),
  deskHead: randomUUID(),
  deskLeader: randomUUID(),
};
const dueAt = '2026-11-20T10:00:00.000Z';

beforeAll(async () => {
  database = await createTestDatabase();
  await migrateNotification({ DATABASE_URL: database.url });
  db = createNotificationDataSource({ DATABASE_URL: database.url }, 1).dataSource;
  await db.initialize();
  const official = (id: string, username: string, path: string, roles: string[]) =>
    db.query(
      `INSERT INTO official_directory (id, username, unit_id, unit_path, roles) VALUES ($1, $2, gen_random_uuid(), $3, $4)`,
      [id, username, path, roles],
    );
  await official(people.handler1, 'handler.a', unitPath, ['HANDLER']);
  await official(people.handler2, 'handler.b', unitPath, ['HANDLER', 'RECEIVER']);
  await official(people.leader, 'leader.a', unitPath, ['LEADER']);
  await official(people.other, 'handler.elsewhere', '/VN/22/22004/', ['HANDLER']);
  // A unit whose one-stop desk has a head: a receiver who is also a leader.
  await official(people.deskReceiver, 'receiver.desk', deskUnitPath, ['RECEIVER']);
  await official(people.deskHead, 'head.desk', deskUnitPath, ['RECEIVER', 'LEADER']);
  await official(people.deskLeader, 'leader.desk', deskUnitPath, ['LEADER']);
});

afterAll(async () => {
  await db?.destroy();
  await database?.drop();
});

const event = (type: string, payload: Record<string, unknown>, path = unitPath): EisoEvent => ({
  id: randomUUID(),
  type,
  occurredAt: new Date().toISOString(),
  unitPath: path,
  aggregateId: String(payload.id),
  payload: { code: `22001-261123-${String(payload.id).slice(0, 4)}`, unitCode: '22001', dueAt, ...payload },
});

const toldAbout = async (id: string) =>
  db.query(
    `SELECT official_id, kind, read_at IS NOT NULL AS read FROM notification WHERE subject = $1 ORDER BY kind, official_id`,
    [`dossier:${id}`],
  );

const inboxOf = async (officialId: string) =>
  (await db.query(`SELECT kind FROM notification WHERE official_id = $1 ORDER BY kind`, [officialId])).map(
    (r: { kind: string }) => r.kind,
  );

describe('notifications from dossier events', () => {
  it('tell a run of events at once exactly what they tell one by one, apologies in their place', async () => {
    const run = (id: string) => [
      event('dossier.step_completed', { id, nextStep: 2, assigneeId: people.handler2 }),
      event('dossier.due_soon', { id }),
      event('dossier.overdue', { id, assigneeId: people.handler1 }),
      event('dossier.overdue', { id, assigneeId: people.handler1 }),
      event('dossier.apology_issued', { id }),
      event('dossier.escalated', { id }),
      event('dossier.overdue', { id, assigneeId: people.handler1 }, deskUnitPath),
    ];
    const told = async (id: string) =>
      (
        await db.query(
          `SELECT official_id, kind, threshold, read_at IS NOT NULL AS read FROM notification
           WHERE subject = $1 ORDER BY official_id, kind, threshold`,
          [`dossier:${id}`],
        )
      ).map((r: object) => JSON.stringify(r));
    const [single, batched] = [randomUUID(), randomUUID()];
    let created = 0;
    for (const e of run(single)) created += await notifyFromDossierEvent(e, db.manager);
    const createdAtOnce = await db.transaction((m) => notifyFromDossierEvents(run(batched), m));
    expect(createdAtOnce).toBe(created);
    expect(await told(batched)).toEqual(await told(single));
    expect(await told(batched)).toContainEqual(
      expect.stringContaining('"kind":"APOLOGY_REQUIRED","threshold":"dossier","read":true'),
    );
  });

  it("tell an unassigned dossier's due-soon to the unit's handlers only", async () => {
    const id = randomUUID();
    const created = await notifyFromDossierEvent(
      event('dossier.due_soon', { id, assigneeId: null }),
      db.manager,
    );
    expect(created).toBe(2);
    const told = await db.query(`SELECT official_id FROM notification WHERE dossier_id = $1`, [id]);
    expect(told.map((r: { official_id: string }) => r.official_id).sort()).toEqual(
      [people.handler1, people.handler2].sort(),
    );
  });

  it('tell an overdue dossier to its assignee (with the apology owed) and to the one-stop desk, once', async () => {
    const id = randomUUID();
    const overdue = event('dossier.overdue', { id, assigneeId: people.handler1, apologized: false });
    expect(await notifyFromDossierEvent(overdue, db.manager)).toBe(3);
    // The same event replayed, and the sweep announcing it again under a new event id.
    expect(await notifyFromDossierEvent(overdue, db.manager)).toBe(0);
    expect(await notifyFromDossierEvent({ ...overdue, id: randomUUID() }, db.manager)).toBe(0);
    // No head at this desk (no RECEIVER who is a LEADER): its receivers are told; leaders are not.
    expect(await toldAbout(id)).toEqual(
      [
        { official_id: people.handler1, kind: 'APOLOGY_REQUIRED', read: false },
        { official_id: people.handler1, kind: 'OVERDUE', read: false },
        { official_id: people.handler2, kind: 'OVERDUE', read: false },
      ].sort((a, b) => a.kind.localeCompare(b.kind) || a.official_id.localeCompare(b.official_id)),
    );
  });

  it("tell the desk's head, not every receiver or leader, where the desk has one", async () => {
    const id = randomUUID();
    await notifyFromDossierEvent(
      event('dossier.overdue', { id, assigneeId: people.handler1, apologized: true }, deskUnitPath),
      db.manager,
    );
    // An apology was already given: none is asked for again.
    expect(await toldAbout(id)).toEqual(
      [
        { official_id: people.deskHead, kind: 'OVERDUE', read: false },
        { official_id: people.handler1, kind: 'OVERDUE', read: false },
      ].sort((a, b) => a.official_id.localeCompare(b.official_id)),
    );
  });

  it('settle the apology owed once it is issued, and tell a moved deadline again when it passes', async () => {
    const id = randomUUID();
    await notifyFromDossierEvent(event('dossier.overdue', { id, assigneeId: people.handler1 }), db.manager);
    await notifyFromDossierEvent(event('dossier.apology_issued', { id }), db.manager);
    const afterApology = await toldAbout(id);
    expect(afterApology.find((r: { kind: string }) => r.kind === 'APOLOGY_REQUIRED')).toMatchObject({
      read: true,
    });
    // The apology's new date passes too: OVERDUE again for the new deadline, no second apology asked.
    const newDueAt = '2026-11-27T10:00:00.000Z';
    const again = event('dossier.overdue', {
      id,
      assigneeId: people.handler1,
      apologized: true,
      dueAt: newDueAt,
    });
    expect(await notifyFromDossierEvent(again, db.manager)).toBe(2);
    const kinds = (await toldAbout(id)).map((r: { kind: string }) => r.kind);
    expect(kinds.filter((k: string) => k === 'OVERDUE')).toHaveLength(4);
    expect(kinds.filter((k: string) => k === 'APOLOGY_REQUIRED')).toHaveLength(1);
  });

  it('escalate to the leaders a day later, then a daily digest: one per leader and day', async () => {
    const id = randomUUID();
    expect(
      await notifyFromDossierEvent(
        event('dossier.escalated', { id, assigneeId: people.handler1 }),
        db.manager,
      ),
    ).toBe(1);
    expect(await toldAbout(id)).toEqual([{ official_id: people.leader, kind: 'ESCALATION', read: false }]);
    const digest = (day: string) =>
      event('unit.overdue_digest', { id: `22001:${day}`, day, count: 3, codes: ['A', 'B'] });
    expect(await notifyFromDossierEvent(digest('2026-11-24'), db.manager)).toBe(1);
    expect(await notifyFromDossierEvent(digest('2026-11-24'), db.manager)).toBe(0);
    expect(await notifyFromDossierEvent(digest('2026-11-25'), db.manager)).toBe(1);
    const [told] = await db.query(
      `SELECT official_id, body FROM notification WHERE subject = 'unit:22001' AND threshold = 'digest-2026-11-24'`,
    );
    expect(told.official_id).toBe(people.leader);
    expect(told.body).toContain('A, B, …');
  });

  it('tell a step entering its last hours to its assignee, once per deadline', async () => {
    const id = randomUUID();
    const soon = event('dossier.step_due_soon', { id, assigneeId: people.handler2, step: 2 });
    expect(await notifyFromDossierEvent(soon, db.manager)).toBe(1);
    expect(await notifyFromDossierEvent({ ...soon, id: randomUUID() }, db.manager)).toBe(0);
    expect(await toldAbout(id)).toEqual([{ official_id: people.handler2, kind: 'DUE_SOON', read: false }]);
  });

  it('tell each overdue step separately, and a hand-over only to whoever receives it', async () => {
    const id = randomUUID();
    const step = (n: number) => event('dossier.step_overdue', { id, assigneeId: people.handler2, step: n });
    expect(await notifyFromDossierEvent(step(1), db.manager)).toBe(1);
    expect(await notifyFromDossierEvent(step(2), db.manager)).toBe(1);
    expect(await notifyFromDossierEvent(step(2), db.manager)).toBe(0);
    const handover = event('dossier.step_completed', { id, assigneeId: people.handler1, nextStep: 2 });
    expect(await notifyFromDossierEvent(handover, db.manager)).toBe(1);
    expect(
      await notifyFromDossierEvent(event('dossier.step_completed', { id, nextStep: 3 }), db.manager),
    ).toBe(0);
  });

  it('ignore events nobody is told about, and never reach another unit', async () => {
    expect(await notifyFromDossierEvent(event('dossier.received', { id: randomUUID() }), db.manager)).toBe(0);
    expect(await inboxOf(people.other)).toEqual([]);
  });
});
