/**
 * Notifications by e-mail through a real SMTP server started here (smtp-server), on real
 * PostgreSQL and Redis: a new notification is mailed once to its official; an official who turned
 * e-mail off, or muted the kind, gets none; a refused send is retried and arrives once.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { createTransport } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { createTestDatabase, type TestDatabase } from '@eiso/db';
import { createLogger } from '@eiso/logging';
import { createRedisConnection } from '@eiso/outbox';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import {
  createNotificationDataSource,
  loadNotificationConfig,
  migrateNotification,
  sendNotificationEmail,
  startDeliveryJobs,
  type DeliveryJobs,
  type NotificationConfig,
} from '../src';

let database: TestDatabase;
let db: DataSource;
let redis: Redis;
let smtp: SMTPServer;
let config: NotificationConfig;
let jobs: DeliveryJobs;
const mails: ParsedMail[] = [];
/** Addresses whose next message the server refuses once (a temporary failure). */
const refuseOnce = new Set<string>();

const people = {
  mailed: { id: randomUUID(), email: 'handler.22001@eiso.local' },
  off: { id: randomUUID(), email: 'leader.22001@eiso.local' },
  muted: { id: randomUUID(), email: 'iso.22001@eiso.local' },
  flaky: { id: randomUUID(), email: 'receiver.22001@eiso.local' },
  noAddress: { id: randomUUID(), email: null },
};

beforeAll(async () => {
  smtp = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (refuseOnce.delete(address.address)) {
        const error = new Error('Mailbox busy, try again') as Error & { responseCode: number };
        error.responseCode = 451;
        return callback(error);
      }
      callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => mails.push(mail))
        .then(() => callback(), callback);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const port = (smtp.server.address() as AddressInfo).port;

  database = await createTestDatabase();
  await migrateNotification({ DATABASE_URL: database.url });
  config = loadNotificationConfig({
    DATABASE_URL: database.url,
    LOG_LEVEL: 'silent',
    SMTP_URL: `smtp://127.0.0.1:${port}`,
    MAIL_FROM: 'eiso <no-reply@eiso.gov.vn>',
    WEBHOOK_BACKOFF_BASE_MS: '100',
    WEBHOOK_BACKOFF_MAX_MS: '200',
    DELIVERY_RELAY_INTERVAL_MS: '50',
  });
  db = createNotificationDataSource(config, 4).dataSource;
  await db.initialize();
  for (const [name, p] of Object.entries(people)) {
    await db.query(
      `INSERT INTO official_directory (id, username, unit_id, unit_path, roles, email)
       VALUES ($1, $2, gen_random_uuid(), '/VN/22/22001/', '{HANDLER}', $3)`,
      [p.id, name, p.email],
    );
  }
  await db.query(`INSERT INTO notification_preference (official_id, email) VALUES ($1, false)`, [
    people.off.id,
  ]);
  await db.query(
    `INSERT INTO notification_preference (official_id, email_muted_kinds) VALUES ($1, '{DUE_SOON}')`,
    [people.muted.id],
  );
  redis = createRedisConnection(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  jobs = await startDeliveryJobs({
    db,
    redis,
    prefix: `eiso-test-${randomBytes(4).toString('hex')}`,
    config,
    logger: createLogger('test', 'silent'),
  });
});

afterAll(async () => {
  await jobs?.stop();
  await redis?.quit();
  await db?.destroy();
  await database?.drop();
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
});

/** Inserts a notification as the in-app code does (the trigger queues its e-mail). */
async function notify(officialId: string, kind = 'OVERDUE'): Promise<string> {
  const [row] = await db.query(
    `INSERT INTO notification (official_id, kind, subject, threshold, title, body)
     VALUES ($1, $2, $3, 'dossier', $4, $5) RETURNING id`,
    [
      officialId,
      kind,
      `dossier:${randomUUID()}`,
      `Hồ sơ 22001-261123-0007 quá hạn`,
      'Hồ sơ đã quá hạn trả kết quả.',
    ],
  );
  return row.id;
}

async function eventually<T>(read: () => T | Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > until) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const mailsTo = (address: string) => mails.filter((m) => m.to && JSON.stringify(m.to).includes(address));
const emailRow = async (id: string) =>
  (await db.query(`SELECT status, attempts FROM email_delivery WHERE notification_id = $1`, [id]))[0];

describe('e-mail', () => {
  it('mails a new notification to its official, once, with its title and text', async () => {
    const id = await notify(people.mailed.id);
    const row = await eventually(
      () => emailRow(id),
      (r) => r?.status === 'SENT',
    );
    expect(row).toEqual({ status: 'SENT', attempts: 1 });
    const [mail, ...more] = mailsTo(people.mailed.email);
    expect(more).toHaveLength(0);
    expect(mail.subject).toBe('Hồ sơ 22001-261123-0007 quá hạn');
    expect(mail.text).toContain('Hồ sơ đã quá hạn trả kết quả.');
    expect(mail.from?.text).toContain('no-reply@eiso.gov.vn');
    expect(mail.messageId).toBe(`<${id}@notification.eiso>`);
  });

  it('sends nothing to an official who turned e-mail off, muted the kind, or has no address', async () => {
    const off = await notify(people.off.id);
    const muted = await notify(people.muted.id, 'DUE_SOON');
    const none = await notify(people.noAddress.id);
    // The muted official still gets the kinds not muted.
    const notMuted = await notify(people.muted.id, 'OVERDUE');
    await eventually(
      () => emailRow(notMuted),
      (r) => r?.status === 'SENT',
    );
    expect(await emailRow(off)).toBeUndefined();
    expect(await emailRow(muted)).toBeUndefined();
    expect(await emailRow(none)).toBeUndefined();
    expect(mailsTo(people.off.email)).toHaveLength(0);
    expect(mailsTo(people.muted.email)).toHaveLength(1);
    // In-app notifications are made all the same.
    expect(
      (
        await db.query(`SELECT count(*)::int AS n FROM notification WHERE id = ANY($1)`, [[off, muted, none]])
      )[0].n,
    ).toBe(3);
  });

  it('does not send mail queued before the official turned e-mail off', async () => {
    // Queued while e-mail was on, then turned off before the job ran: checked again at sending.
    const id = randomUUID();
    await db.transaction(async (m) => {
      await m.query(`ALTER TABLE notification DISABLE TRIGGER notification_email`);
      await m.query(
        `INSERT INTO notification (id, official_id, kind, subject, title, body) VALUES ($1, $2, 'OVERDUE', $3, 't', 'b')`,
        [id, people.off.id, `late-${id}`],
      );
      await m.query(
        `INSERT INTO email_delivery (notification_id, official_id, queued_at) VALUES ($1, $2, now())`,
        [id, people.off.id],
      );
      await m.query(`ALTER TABLE notification ENABLE TRIGGER notification_email`);
    });
    const transport = createTransport(config.SMTP_URL!);
    expect(await sendNotificationEmail(db, transport, config, id)).toBe('SKIPPED');
    transport.close();
    expect(mailsTo(people.off.email)).toHaveLength(0);
  });

  it('retries a refused send and delivers it once', async () => {
    refuseOnce.add(people.flaky.email);
    const id = await notify(people.flaky.id);
    const row = await eventually(
      () => emailRow(id),
      (r) => r?.status === 'SENT',
    );
    expect(row).toEqual({ status: 'SENT', attempts: 2 });
    expect(mailsTo(people.flaky.email)).toHaveLength(1);
  });
});
