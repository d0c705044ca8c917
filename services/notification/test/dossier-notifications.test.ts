/**
 * Notifications from dossier events on real PostgreSQL: who is told, and that a replayed event or
 * a second sweep adds nothing (the unique key, not luck).
 */
import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@eiso/db';
import type { EisoEvent } from '@eiso/outbox';
import type { DataSource } from 'typeorm';
import { createNotificationDataSource, migrateNotification, notifyFromDossierEvent } from '../src';

let database: TestDatabase;
let db: DataSource;
const unitPath = '/VN/22/22001/';
const people = { handler1: randomUUID(), handler2: randomUUID(), leader: randomUUID(), other: randomUUID() };

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
});

afterAll(async () => {
  await db?.destroy();
  await database?.drop();
});

const event = (type: string, payload: Record<string, unknown>): EisoEvent => ({
  id: randomUUID(),
  type,
  occurredAt: new Date().toISOString(),
  unitPath,
  aggregateId: String(payload.id),
  payload: { code: `22001-261123-${String(payload.id).slice(0, 4)}`, unitCode: '22001', ...payload },
});

const inboxOf = async (officialId: string) =>
  (await db.query(`SELECT kind FROM notification WHERE official_id = $1 ORDER BY kind`, [officialId])).map(
    (r: { kind: string }) => r.kind,
  );

describe('notifications from dossier events', () => {
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

  it('tell an overdue dossier to its assignee (with the apology owed) and to the leaders, once', async () => {
    const id = randomUUID();
    const overdue = event('dossier.overdue', { id, assigneeId: people.handler1 });
    expect(await notifyFromDossierEvent(overdue, db.manager)).toBe(3);
    // The same event replayed, and the sweep announcing it again under a new event id.
    expect(await notifyFromDossierEvent(overdue, db.manager)).toBe(0);
    expect(await notifyFromDossierEvent({ ...overdue, id: randomUUID() }, db.manager)).toBe(0);
    const kinds = await db.query(
      `SELECT official_id, kind FROM notification WHERE dossier_id = $1 ORDER BY kind, official_id`,
      [id],
    );
    expect(kinds).toEqual(
      expect.arrayContaining([
        { official_id: people.handler1, kind: 'OVERDUE' },
        { official_id: people.handler1, kind: 'APOLOGY_REQUIRED' },
        { official_id: people.leader, kind: 'OVERDUE' },
      ]),
    );
    expect(kinds).toHaveLength(3);
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
