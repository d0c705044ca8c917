/**
 * Every BullMQ queue of eiso, in one list: what the gateway's queue board (/admin/queues) shows.
 * A queue a worker creates must be listed here; gateway/test/queue-board.e2e.test.ts starts the
 * real workers and compares the queues they create in Redis with this list, so a queue added to a
 * worker and forgotten here fails that test.
 */
export interface QueueInfo {
  /** The queue's name (keys `<QUEUE_PREFIX>:<name>:…`, hash-tagged on a Redis Cluster: redis.ts). */
  name: string;
  /** The service whose worker consumes it. */
  service: 'dossier' | 'audit' | 'notification';
  /** What its jobs are, for an operator. */
  description: string;
}

export const EISO_QUEUES: readonly QueueInfo[] = [
  {
    name: 'dossier.sweeps',
    service: 'dossier',
    description:
      'The deadline sweep every minute, the leaders’ overdue digest at 08:00 and the monthly partitions at 01:30 (job schedulers).',
  },
  {
    name: 'audit.dossier-events',
    service: 'audit',
    description: 'Dossier events relayed from the dossier outbox; a late dossier opens a nonconformity.',
  },
  {
    name: 'audit.rankings',
    service: 'audit',
    description: 'Nightly rankings at 01:00 Asia/Ho_Chi_Minh, and the catch-up of a missed night.',
  },
  {
    name: 'notification.dossier-events',
    service: 'notification',
    description:
      'Dossier and unit events relayed from the dossier outbox: in-app notifications and webhooks.',
  },
  {
    name: 'notification.audit-events',
    service: 'notification',
    description: 'QMS and nonconformity events relayed from the audit outbox, for webhooks.',
  },
  {
    name: 'notification.reminders',
    service: 'notification',
    description: 'The hourly QMS reminders: process reviews after a law change, audits, corrective actions.',
  },
  {
    name: 'notification.webhook-deliveries',
    service: 'notification',
    description: 'Signed webhook deliveries to the provinces’ endpoints, retried with backoff.',
  },
  {
    name: 'notification.emails',
    service: 'notification',
    description: 'E-mails of notifications (only when SMTP_URL is set).',
  },
];
