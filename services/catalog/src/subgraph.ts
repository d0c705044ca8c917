import { signingSecrets } from '@eiso/config';
import { databaseChecks } from '@eiso/db';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gql } from 'graphql-tag';
import { todayInVietnam } from '@eiso/calendar';
import { keepUnitDirectorySynced, UnitDirectory } from '@eiso/directory';
import { CursorCodec } from '@eiso/graphql';
import type { Logger } from '@eiso/logging';
import { startSubgraph, type RunningSubgraph } from '@eiso/server';
import type { CatalogConfig } from './config';
import { createCatalogLoaders, type CatalogContext } from './context';
import { CatalogCommands } from './db/commands';
import { createCatalogDataSource } from './db/database';
import { CatalogFeedQueries, CatalogQueries } from './db/queries';
import { catalogResolvers } from './resolvers';

export const CATALOG_SCHEMA_PATH = path.join(__dirname, '..', 'schema.graphql');
export const catalogTypeDefs = gql(readFileSync(CATALOG_SCHEMA_PATH, 'utf8'));

export interface RunningCatalogService extends RunningSubgraph {
  statementCount(): number;
}

/** Starts the catalog subgraph once its unit directory is in step with org. */
export async function startCatalogService(
  config: CatalogConfig,
  logger: Logger,
): Promise<RunningCatalogService> {
  const { dataSource, statements } = createCatalogDataSource(config);
  await dataSource.initialize();
  const directory = new UnitDirectory(dataSource);
  const stopSync = await keepUnitDirectorySynced(
    directory,
    { orgUrl: config.ORG_URL, signingSecret: config.GATEWAY_SIGNING_SECRET },
    {
      intervalMs: config.DIRECTORY_SYNC_INTERVAL_MS,
      startupTimeoutMs: config.DIRECTORY_STARTUP_TIMEOUT_MS,
      log: (message, error) => (error ? logger.warn({ err: error }, message) : logger.info(message)),
    },
  );
  const queries = new CatalogQueries(dataSource);
  const feed = new CatalogFeedQueries(dataSource);
  const commands = new CatalogCommands(dataSource);
  const cursors = new CursorCodec(signingSecrets(config));
  const running = await startSubgraph<Omit<CatalogContext, 'caller' | 'requestId' | 'logger'>>(
    {
      name: 'catalog',
      typeDefs: catalogTypeDefs,
      resolvers: catalogResolvers,
      signingSecret: signingSecrets(config),
      logger,
      production: config.NODE_ENV === 'production',
      auditTrail: dataSource,
      context: () => {
        const today = todayInVietnam();
        return {
          queries,
          feed,
          commands,
          directory,
          cursors,
          today,
          loaders: createCatalogLoaders(queries, directory, today),
        };
      },
      healthChecks: databaseChecks(dataSource),
    },
    config.CATALOG_PORT,
    config.HOST,
  );
  return {
    ...running,
    statementCount: () => statements.count,
    stop: async () => {
      stopSync();
      await running.stop();
      await dataSource.destroy();
    },
  };
}
