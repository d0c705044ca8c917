/**
 * One TypeORM DataSource per service, on the service's own PostgreSQL schema and role.
 *
 * With a shared administrative URL (development, tests) the connection takes the service's role at
 * session start (`-c role=…`), so every table it creates or reads is checked against that role's
 * grants, exactly as with a dedicated login in production (`<SERVICE>_DATABASE_URL`).
 */
import 'reflect-metadata';
import { types } from 'pg';
import { DataSource, type Logger as TypeOrmLogger, type MixedList, type EntitySchema } from 'typeorm';

// `date` columns stay 'YYYY-MM-DD' strings: a calendar date has no time zone to get wrong.
types.setTypeParser(1082, (value: string) => value);
// bigint counts (count(*)) as numbers; eiso never counts past 2^53.
types.setTypeParser(20, (value: string) => Number(value));

export interface ServiceDatabaseOptions {
  url: string;
  /** PostgreSQL schema owned by the service, e.g. `org`. */
  schema: string;
  /** Role the service acts as; omitted when the URL already logs in as that role. */
  role?: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  poolSize?: number;
  applicationName?: string;
}

/** Counts SQL statements, so tests can prove that batching keeps a request to a fixed number. */
export class StatementCounter implements TypeOrmLogger {
  count = 0;
  logQuery(): void {
    this.count += 1;
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

export function createServiceDataSource(options: ServiceDatabaseOptions): {
  dataSource: DataSource;
  statements: StatementCounter;
} {
  const statements = new StatementCounter();
  const startup = [`-c search_path=${quoteIdent(options.schema)},public`];
  if (options.role) startup.push(`-c role=${quoteIdent(options.role)}`);
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: ['query'],
    logger: statements,
    applicationName: options.applicationName ?? `eiso-${options.schema}`,
    poolSize: options.poolSize ?? 10,
    extra: { options: startup.join(' ') },
  });
  return { dataSource, statements };
}

export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe SQL identifier: ${name}`);
  return name;
}
