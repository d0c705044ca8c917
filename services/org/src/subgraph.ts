import { signingSecrets } from '@eiso/config';
import { databaseChecks } from '@eiso/db';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gql } from 'graphql-tag';
import { CursorCodec } from '@eiso/graphql';
import { startSubgraph, type RunningSubgraph } from '@eiso/server';
import type { Logger } from '@eiso/logging';
import { createOrgDataSource } from './db/database';
import { OrgQueries } from './db/queries';
import { createOrgLoaders, type OrgContext } from './context';
import { orgResolvers } from './resolvers';
import type { OrgConfig } from './config';

export const ORG_SCHEMA_PATH = path.join(__dirname, '..', 'schema.graphql');
export const orgTypeDefs = gql(readFileSync(ORG_SCHEMA_PATH, 'utf8'));

export interface RunningOrgService extends RunningSubgraph {
  /** SQL statements issued so far (tests use it to prove batching). */
  statementCount(): number;
}

export async function startOrgService(config: OrgConfig, logger: Logger): Promise<RunningOrgService> {
  const { dataSource, statements } = createOrgDataSource(config);
  await dataSource.initialize();
  const queries = new OrgQueries(dataSource);
  const cursors = new CursorCodec(signingSecrets(config));
  const running = await startSubgraph<Omit<OrgContext, 'caller' | 'requestId' | 'logger'>>(
    {
      name: 'org',
      typeDefs: orgTypeDefs,
      resolvers: orgResolvers,
      signingSecret: signingSecrets(config),
      logger,
      production: config.NODE_ENV === 'production',
      auditTrail: dataSource,
      context: () => ({ queries, cursors, loaders: createOrgLoaders(queries) }),
      healthChecks: databaseChecks(dataSource),
    },
    config.ORG_PORT,
    config.HOST,
  );
  return {
    ...running,
    statementCount: () => statements.count,
    stop: async () => {
      await running.stop();
      await dataSource.destroy();
    },
  };
}
