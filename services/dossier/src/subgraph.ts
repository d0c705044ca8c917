import { signingSecrets } from '@eiso/config';
import { databaseChecks } from '@eiso/db';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gql } from 'graphql-tag';
import { nationalCalendar } from '@eiso/calendar';
import {
  keepOfficialDirectorySynced,
  keepSynced,
  keepUnitDirectorySynced,
  OfficialDirectory,
  UnitDirectory,
} from '@eiso/directory';
import { CursorCodec } from '@eiso/graphql';
import type { Logger } from '@eiso/logging';
import { startSubgraph, type RunningSubgraph } from '@eiso/server';
import type { DossierConfig } from './config';
import { createDossierLoaders, type DossierContext } from './context';
import { DossierCommands } from './db/commands';
import { createDossierDataSource } from './db/database';
import { DossierQueries } from './db/queries';
import { PinLock } from './db/pin-lock';
import { syncCatalogReplica } from './replica/catalog-sync';
import { dossierResolvers } from './resolvers';
import { dossierMetrics } from './metrics';

export const DOSSIER_SCHEMA_PATH = path.join(__dirname, '..', 'schema.graphql');
export const dossierTypeDefs = gql(readFileSync(DOSSIER_SCHEMA_PATH, 'utf8'));

export interface RunningDossierService extends RunningSubgraph {
  statementCount(): number;
  /** Pulls the catalog's changes now (tests, and the interval timer). */
  syncCatalog(): Promise<number>;
}

/** Starts the dossier subgraph once its replicas of the unit tree and the catalog are in step. */
export async function startDossierService(
  config: DossierConfig,
  logger: Logger,
): Promise<RunningDossierService> {
  const { dataSource, statements } = createDossierDataSource(config);
  await dataSource.initialize();
  const directory = new UnitDirectory(dataSource);
  const log = (message: string, error?: unknown) =>
    error ? logger.warn({ err: error }, message) : logger.info(message);
  const orgSource = { orgUrl: config.ORG_URL, signingSecret: config.GATEWAY_SIGNING_SECRET };
  const directorySync = {
    intervalMs: config.DIRECTORY_SYNC_INTERVAL_MS,
    startupTimeoutMs: config.REPLICA_STARTUP_TIMEOUT_MS,
    log,
  };
  const stopDirectorySync = await keepUnitDirectorySynced(directory, orgSource, directorySync);
  const stopOfficialsSync = await keepOfficialDirectorySynced(dataSource, orgSource, directorySync);
  const catalogSource = { catalogUrl: config.CATALOG_URL, signingSecret: config.GATEWAY_SIGNING_SECRET };
  const syncCatalog = () => syncCatalogReplica(dataSource, catalogSource);
  const stopCatalogSync = await keepSynced('catalog replica', syncCatalog, {
    ...directorySync,
    intervalMs: config.CATALOG_SYNC_INTERVAL_MS,
  });

  const queries = new DossierQueries(dataSource);
  const officials = new OfficialDirectory(dataSource);
  const commands = new DossierCommands(dataSource);
  const pinLock = new PinLock(dataSource, {
    maxFailures: config.PIN_MAX_FAILURES,
    lockMs: config.PIN_LOCK_MS,
  });
  const cursors = new CursorCodec(signingSecrets(config));
  const running = await startSubgraph<Omit<DossierContext, 'caller' | 'requestId' | 'logger'>>(
    {
      name: 'dossier',
      typeDefs: dossierTypeDefs,
      resolvers: dossierResolvers,
      signingSecret: signingSecrets(config),
      logger,
      production: config.NODE_ENV === 'production',
      auditTrail: dataSource,
      // /metrics adds the open dossiers by timeliness (metrics.ts).
      metrics: dossierMetrics(dataSource, nationalCalendar),
      context: () => {
        const now = new Date();
        return {
          queries,
          commands,
          pinLock,
          directory,
          officials,
          calendar: nationalCalendar,
          cursors,
          now: () => now,
          loaders: createDossierLoaders(queries, directory),
        };
      },
      healthChecks: databaseChecks(dataSource),
    },
    config.DOSSIER_PORT,
    config.HOST,
  );
  return {
    ...running,
    statementCount: () => statements.count,
    syncCatalog,
    stop: async () => {
      stopCatalogSync();
      stopOfficialsSync();
      stopDirectorySync();
      await running.stop();
      await dataSource.destroy();
    },
  };
}
