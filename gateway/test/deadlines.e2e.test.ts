/**
 * The dossier worker's deadline sweep and morning digest on a real stack, at chosen instants (so
 * nothing depends on when the test runs): what each announces, in working time by the national
 * calendar, and that each deadline is announced once — again only when the deadline moves.
 */
import { nationalCalendar } from '@eiso/calendar';
import { operation } from '@eiso/contract';
import { createDossierDataSource, emitOverdueDigest, sweepDeadlines } from '@eiso/dossier';
import { bearer, postGraphQL, type Stack } from '@eiso/testing';
import type { DataSource } from 'typeorm';
import { startEisoStack, tokenFor } from './support';

let stack: Stack;
let db: DataSource;
let commune: string;
let procedureCode: string;
const tokens: Record<string, string> = {};
let counter = 0;

const gql = (query: string, variables: Record<string, unknown> = {}, as?: string): Promise<any> =>
  postGraphQL(stack.gatewayUrl, query, variables, as ? bearer(tokens[as]) : {});

/** An instant given in Vietnam's local time (UTC+7). */
const vn = (local: string) => new Date(`${local}:00+07:00`);

beforeAll(async () => {
  stack = await startEisoStack({ provinceCodes: ['22'], services: ['org', 'catalog', 'dossier'] });
  const communes = await gql(operation('UnitsByLevel'), { level: 'COMMUNE', underCode: '22', first: 1 });
  commune = communes.data.units.edges[0].node.code;
  tokens.receiver = await tokenFor(stack, `receiver.${commune}`);
  const list = await gql(operation('UnitProcedures'), { unitCode: commune, first: 1 });
  procedureCode = list.data.unit.procedures.edges[0].node.code;
  db = createDossierDataSource(stack.env, 2).dataSource;
  await db.initialize();
}, 180_000);

afterAll(async () => {
  await db?.destroy();
  await stack?.stop();
});

/** A dossier received now, then given the due time (and its running step the step due time) asked for. */
async function dossierDue(dueAt: Date, stepDueAt = new Date('2099-01-01T00:00:00Z')) {
  const received = await gql(
    operation('ReceiveDossier'),
    {
      input: {
        procedureCode,
        unitCode: commune,
        channel: 'COUNTER',
        applicant: { name: 'Đỗ Thị Hoa', idNumber: '022091002345' },
        idempotencyKey: `deadline-${Date.now()}-${counter++}`,
      },
    },
    'receiver',
  );
  expect(received.errors).toBeUndefined();
  const dossier = received.data.receiveDossier.dossier;
  await db.query(`UPDATE dossier SET due_at = $2 WHERE id = $1`, [dossier.id, dueAt]);
  await db.query(
    `UPDATE dossier_step SET due_at = $2 FROM dossier d
     WHERE d.id = $1 AND dossier_step.dossier_id = d.id AND dossier_step.step_order = d.current_step`,
    [dossier.id, stepDueAt],
  );
  return dossier as { id: string; code: string; version: number };
}

/** The events the outbox holds about one dossier: "type" or "type@step". */
async function eventsOf(id: string): Promise<{ type: string; payload: Record<string, any> }[]> {
  return db.query(
    `SELECT type, payload FROM outbox WHERE aggregate_id = $1 AND type <> 'dossier.received' ORDER BY sequence`,
    [id],
  );
}
const typesOf = async (id: string) => (await eventsOf(id)).map((e) => e.type);
const sweep = (now: Date) => sweepDeadlines(db, nationalCalendar, now);

describe('the deadline sweep', () => {
  it('announces due-soon in the last 8 working hours, overdue after the due time, each once', async () => {
    const d = await dossierDue(vn('2026-11-16T10:00')); // a Monday
    await sweep(vn('2026-11-13T09:59')); // the Friday before: 8 h 01 of working time ahead
    expect(await typesOf(d.id)).toEqual([]);
    await sweep(vn('2026-11-13T10:00'));
    await sweep(vn('2026-11-16T09:00'));
    expect(await typesOf(d.id)).toEqual(['dossier.due_soon']);
    await sweep(vn('2026-11-16T10:01'));
    await sweep(vn('2026-11-16T11:00'));
    expect(await typesOf(d.id)).toEqual(['dossier.due_soon', 'dossier.overdue']);
    const [, overdue] = await eventsOf(d.id);
    expect(overdue.payload).toMatchObject({
      id: d.id,
      code: d.code,
      unitCode: commune,
      apologized: false,
      dueAt: vn('2026-11-16T10:00').toISOString(),
    });
  });

  it('escalates one working day after the due time, counting working hours across a weekend', async () => {
    const d = await dossierDue(vn('2026-11-20T16:00')); // a Friday, one working hour before closing
    await sweep(vn('2026-11-20T17:00'));
    await sweep(vn('2026-11-23T15:59')); // Monday: 1 + 4 + 2:59 = 7:59 working hours late
    expect(await typesOf(d.id)).toEqual(['dossier.overdue']);
    await sweep(vn('2026-11-23T16:00'));
    await sweep(vn('2026-11-24T09:00'));
    expect(await typesOf(d.id)).toEqual(['dossier.overdue', 'dossier.escalated']);
  });

  it("announces the running step's own deadline: due soon, then overdue, with its number", async () => {
    const d = await dossierDue(new Date('2099-01-01T00:00:00Z'), vn('2026-11-18T15:00'));
    await sweep(vn('2026-11-18T08:00'));
    await sweep(vn('2026-11-18T15:30'));
    await sweep(vn('2026-11-18T16:00'));
    const events = await eventsOf(d.id);
    expect(events.map((e) => [e.type, e.payload.step])).toEqual([
      ['dossier.step_due_soon', 1],
      ['dossier.step_overdue', 1],
    ]);
  });

  it('announces a moved deadline again: an apology’s new date that passes too is overdue once more', async () => {
    const d = await dossierDue(vn('2026-11-16T10:00'));
    await sweep(vn('2026-11-16T11:00'));
    const newDueAt = new Date(Date.now() + 3 * 86_400_000);
    const apology = await gql(
      operation('IssueApology'),
      { input: { dossierId: d.id, expectedVersion: d.version, reason: 'Cần xác minh thêm', newDueAt } },
      'receiver',
    );
    expect(apology.errors).toBeUndefined();
    await sweep(new Date(newDueAt.getTime() + 3_600_000));
    await sweep(new Date(newDueAt.getTime() + 7_200_000));
    const overdue = (await eventsOf(d.id)).filter((e) => e.type === 'dossier.overdue');
    expect(overdue.map((e) => [e.payload.dueAt, e.payload.apologized])).toEqual([
      [vn('2026-11-16T10:00').toISOString(), false],
      [newDueAt.toISOString(), true],
    ]);
  });
});

describe('the morning digest', () => {
  it("lists each unit's escalated open dossiers on working days only", async () => {
    const d = await dossierDue(vn('2026-11-09T10:00'));
    await sweep(vn('2026-11-11T10:00'));
    expect(await typesOf(d.id)).toContain('dossier.escalated');
    expect((await emitOverdueDigest(db, nationalCalendar, vn('2026-11-22T08:00'))).units).toBe(0); // a Sunday
    const digest = await emitOverdueDigest(db, nationalCalendar, vn('2026-11-24T08:00'));
    expect(digest).toMatchObject({ day: '2026-11-24' });
    expect(digest.units).toBeGreaterThanOrEqual(1);
    const [event] = await db.query(
      `SELECT payload FROM outbox WHERE type = 'unit.overdue_digest' AND aggregate_id = $1`,
      [`${commune}:2026-11-24`],
    );
    expect(event.payload.unitCode).toBe(commune);
    expect(event.payload.codes).toContain(d.code);
    expect(event.payload.count).toBeGreaterThanOrEqual(event.payload.codes.length);
  });
});
