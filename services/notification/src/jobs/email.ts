/**
 * Notifications by e-mail, when SMTP is configured (SMTP_URL, MAIL_FROM).
 *
 * The row to send (`email_delivery`) is created by a trigger in the transaction that inserts the
 * notification (see the 1732800300000 migration), only while the e-mail channel is on and for an
 * official with an address who has not turned e-mail, or that kind, off. The relay hands rows to
 * BullMQ (one job per notification, id `email-<notification>`), and the job sends the mail and
 * marks the row SENT — re-checking the address and the preferences first, so turning e-mail off
 * stops mail not yet sent. A failed send is retried with the webhooks' jittered backoff, then the
 * row is DEAD. Each mail carries a Message-ID made from the notification id: in the one case that
 * can send twice (killed between the server's acceptance and the mark), mail systems see the same
 * message.
 */
import { Queue, Worker, type Job } from 'bullmq';
import { inJobTrace, queueConnection, tracedProcessor, type RedisConnection } from '@eiso/outbox';
import { createTransport, type Transporter } from 'nodemailer';
import type { DataSource } from 'typeorm';
import type { Logger } from '@eiso/logging';
import type { NotificationConfig } from '../config';
import { backoffDelay } from '../domain/webhooks';
import { JITTER_BACKOFF, jitterStrategy, relayRows, RetryLater } from './webhooks';

export const EMAIL_QUEUE = 'notification.emails';

/** Turns the e-mail channel on or off for new notifications (the trigger reads it). */
export async function setMailChannel(db: DataSource, enabled: boolean): Promise<void> {
  await db.query(`UPDATE mail_channel SET enabled = $1, updated_at = now() WHERE id = 1`, [enabled]);
}

interface EmailRow {
  status: string;
  attempts: number;
  kind: string;
  title: string;
  body: string;
  email: string | null;
  emailOn: boolean | null;
  muted: string[] | null;
}

export type EmailOutcome = 'SENT' | 'SKIPPED' | 'DEAD' | 'DONE_ALREADY';

export async function sendNotificationEmail(
  db: DataSource,
  transport: Transporter,
  config: NotificationConfig,
  notificationId: string,
): Promise<EmailOutcome> {
  const [row]: EmailRow[] = await db.query(
    `SELECT e.status, e.attempts, n.kind, n.title, n.body, o.email, p.email AS "emailOn", p.email_muted_kinds AS muted
     FROM email_delivery e JOIN notification n ON n.id = e.notification_id
     LEFT JOIN official_directory o ON o.id = e.official_id
     LEFT JOIN notification_preference p ON p.official_id = e.official_id
     WHERE e.notification_id = $1`,
    [notificationId],
  );
  if (!row || row.status !== 'PENDING') return 'DONE_ALREADY';
  if (!row.email || row.emailOn === false || (row.muted ?? []).includes(row.kind)) {
    await mark(db, notificationId, 'SKIPPED', row.email ? 'turned off by the official' : 'no e-mail address');
    return 'SKIPPED';
  }
  try {
    await transport.sendMail({
      from: config.MAIL_FROM,
      to: row.email,
      subject: row.title,
      text: `${row.body}\n\n— eiso: Hệ thống quản lý chất lượng ISO điện tử. Đổi cách nhận thông báo trong phần Cài đặt.`,
      messageId: `<${notificationId}@notification.eiso>`,
      headers: { 'x-eiso-notification': notificationId, 'x-eiso-kind': row.kind },
    });
  } catch (e) {
    const error = (e as Error).message.slice(0, 500);
    const attempts = row.attempts + 1;
    if (attempts >= config.EMAIL_MAX_ATTEMPTS) {
      await mark(db, notificationId, 'DEAD', error);
      return 'DEAD';
    }
    await db.query(
      `UPDATE email_delivery SET attempts = attempts + 1, last_error = $2 WHERE notification_id = $1 AND status = 'PENDING'`,
      [notificationId, error],
    );
    throw new RetryLater(
      backoffDelay(attempts, config.WEBHOOK_BACKOFF_BASE_MS, config.WEBHOOK_BACKOFF_MAX_MS),
      error,
    );
  }
  await mark(db, notificationId, 'SENT', null);
  return 'SENT';
}

function mark(db: DataSource, id: string, status: 'SENT' | 'SKIPPED' | 'DEAD', error: string | null) {
  return db.query(
    `UPDATE email_delivery SET status = $2::text, last_error = $3,
       attempts = attempts + CASE WHEN $2::text = 'SKIPPED' THEN 0 ELSE 1 END,
       sent_at = CASE WHEN $2::text = 'SENT' THEN now() END
     WHERE notification_id = $1 AND status = 'PENDING'`,
    [id, status, error],
  );
}

/** The e-mail worker and its relay; null when SMTP is not configured (and the channel is then off). */
export async function startEmailDelivery(options: {
  db: DataSource;
  redis: RedisConnection;
  prefix: string;
  config: NotificationConfig;
  logger: Logger;
}): Promise<{ queue: Queue; worker: Worker; relay: () => Promise<number>; close(): void } | null> {
  const { db, redis, prefix, config, logger } = options;
  await setMailChannel(db, Boolean(config.SMTP_URL));
  if (!config.SMTP_URL) return null;
  const transport = createTransport(config.SMTP_URL);
  const queue = new Queue(EMAIL_QUEUE, queueConnection(redis, prefix, EMAIL_QUEUE));
  const worker = new Worker(
    EMAIL_QUEUE,
    tracedProcessor(async (job: Job<{ id: string }>) =>
      sendNotificationEmail(db, transport, config, job.data.id),
    ),
    {
      ...queueConnection(redis, prefix, EMAIL_QUEUE),
      concurrency: 5,
      settings: { backoffStrategy: jitterStrategy(config) },
    },
  );
  worker.on('failed', (job, error) => {
    if (!job) return;
    if (job.attemptsMade >= (job.opts.attempts ?? 1)) {
      void mark(db, job.data.id, 'DEAD', `gave up: ${error.message}`).catch(() => undefined);
    }
    inJobTrace(job, () =>
      logger.warn({ notification: job.data.id, err: error.message }, 'e-mail try failed'),
    );
  });
  const relay = () =>
    relayRows(db, queue, 'email_delivery', {
      attempts: config.EMAIL_MAX_ATTEMPTS + 2,
      backoff: { type: JITTER_BACKOFF },
      jobIdPrefix: 'email-',
    });
  return { queue, worker, relay, close: () => transport.close() };
}
