/**
 * The notification worker: in-app notifications from the dossier events; the hourly QMS reminders
 * (jobs/reminders.ts); webhook deliveries of the dossier and audit events; e-mails of notifications
 * when SMTP is configured (jobs/delivery-jobs.ts). See worker-start.ts.
 */
import { runServer } from '@eiso/server';
import { loadNotificationConfig } from './config';
import { startNotificationWorker } from './worker-start';

runServer(
  'notification-worker',
  () => loadNotificationConfig(),
  (config, logger) => startNotificationWorker(config, logger),
);
