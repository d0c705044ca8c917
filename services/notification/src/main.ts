/** The notification subgraph (port 4005): officials' notifications and webhook subscriptions. */
import { runServer } from '@eiso/server';
import { loadNotificationConfig } from './config';
import { startNotificationService } from './subgraph';

runServer('notification', () => loadNotificationConfig(), startNotificationService);
