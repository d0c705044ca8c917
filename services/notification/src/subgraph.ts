import { signingSecrets } from '@eiso/config';
import { databaseChecks } from '@eiso/db';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gql } from 'graphql-tag';
import { createDirectoryLoaders, keepUnitDirectorySynced, UnitDirectory } from '@eiso/directory';
import { CursorCodec } from '@eiso/graphql';
import type { Logger } from '@eiso/logging';
import { startSubgraph, type RunningSubgraph } from '@eiso/server';
import { webhookPrivateAddresses, webhookSealingKey, type NotificationConfig } from './config';
import type { NotificationContext } from './context';
import { createNotificationDataSource } from './db/database';
import { notificationResolvers } from './resolvers';

export const NOTIFICATION_SCHEMA_PATH = path.join(__dirname, '..', 'schema.graphql');
export const notificationTypeDefs = gql(readFileSync(NOTIFICATION_SCHEMA_PATH, 'utf8'));

export async function startNotificationService(
  config: NotificationConfig,
  logger: Logger,
): Promise<RunningSubgraph> {
  const { dataSource } = createNotificationDataSource(config);
  await dataSource.initialize();
  const directory = new UnitDirectory(dataSource);
  const stopSync = await keepUnitDirectorySynced(
    directory,
    { orgUrl: config.ORG_URL, signingSecret: config.GATEWAY_SIGNING_SECRET },
    {
      intervalMs: config.DIRECTORY_SYNC_INTERVAL_MS,
      startupTimeoutMs: config.REPLICA_STARTUP_TIMEOUT_MS,
      log: (message, error) => (error ? logger.warn({ err: error }, message) : logger.info(message)),
    },
  );
  const cursors = new CursorCodec(signingSecrets(config));
  const running = await startSubgraph<Omit<NotificationContext, 'caller' | 'requestId' | 'logger'>>(
    {
      name: 'notification',
      typeDefs: notificationTypeDefs,
      resolvers: notificationResolvers as never,
      signingSecret: signingSecrets(config),
      logger,
      production: config.NODE_ENV === 'production',
      auditTrail: dataSource,
      context: () => ({
        db: dataSource,
        cursors,
        loaders: createDirectoryLoaders(directory),
        secretKey: webhookSealingKey(config),
        webhookPrivateAddresses: webhookPrivateAddresses(config),
      }),
      healthChecks: databaseChecks(dataSource),
    },
    config.NOTIFICATION_PORT,
    config.HOST,
  );
  return {
    ...running,
    stop: async () => {
      stopSync();
      await running.stop();
      await dataSource.destroy();
    },
  };
}
