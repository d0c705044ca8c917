import { signingSecrets } from '@eiso/config';
import { databaseChecks } from '@eiso/db';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gql } from 'graphql-tag';
import { nationalCalendar, todayInVietnam } from '@eiso/calendar';
import {
  keepOfficialDirectorySynced,
  keepUnitDirectorySynced,
  OfficialDirectory,
  UnitDirectory,
} from '@eiso/directory';
import { CursorCodec } from '@eiso/graphql';
import type { Logger } from '@eiso/logging';
import { startSubgraph, type RunningSubgraph } from '@eiso/server';
import type { AuditConfig } from './config';
import { createAuditLoaders, type AuditContext } from './context';
import { createAuditDataSource } from './db/database';
import { auditResolvers } from './resolvers';

export const AUDIT_SCHEMA_PATH = path.join(__dirname, '..', 'schema.graphql');
export const auditTypeDefs = gql(readFileSync(AUDIT_SCHEMA_PATH, 'utf8'));

/** Starts the audit subgraph once its replicas of the unit tree and the officials are in step with org. */
export async function startAuditService(config: AuditConfig, logger: Logger): Promise<RunningSubgraph> {
  const { dataSource } = createAuditDataSource(config);
  await dataSource.initialize();
  const directory = new UnitDirectory(dataSource);
  const officials = new OfficialDirectory(dataSource);
  const source = { orgUrl: config.ORG_URL, signingSecret: config.GATEWAY_SIGNING_SECRET };
  const log = (message: string, error?: unknown) =>
    error ? logger.warn({ err: error }, message) : logger.info(message);
  const sync = {
    intervalMs: config.DIRECTORY_SYNC_INTERVAL_MS,
    startupTimeoutMs: config.REPLICA_STARTUP_TIMEOUT_MS,
    log,
  };
  const stopDirectorySync = await keepUnitDirectorySynced(directory, source, sync);
  const stopOfficialsSync = await keepOfficialDirectorySynced(dataSource, source, sync);
  const cursors = new CursorCodec(signingSecrets(config));
  const running = await startSubgraph<Omit<AuditContext, 'caller' | 'requestId' | 'logger'>>(
    {
      name: 'audit',
      typeDefs: auditTypeDefs,
      resolvers: auditResolvers as never,
      signingSecret: signingSecrets(config),
      logger,
      production: config.NODE_ENV === 'production',
      auditTrail: dataSource,
      context: () => ({
        db: dataSource,
        directory,
        officials,
        calendar: nationalCalendar,
        cursors,
        today: todayInVietnam(),
        loaders: createAuditLoaders(directory),
        compliance: {
          catalogUrl: config.CATALOG_URL,
          dossierUrl: config.DOSSIER_URL,
          secret: config.GATEWAY_SIGNING_SECRET,
        },
      }),
      healthChecks: databaseChecks(dataSource),
    },
    config.AUDIT_PORT,
    config.HOST,
  );
  return {
    ...running,
    stop: async () => {
      stopOfficialsSync();
      stopDirectorySync();
      await running.stop();
      await dataSource.destroy();
    },
  };
}
