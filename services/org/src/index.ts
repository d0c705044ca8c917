export * from './config';
export * from './subgraph';
export * from './db/database';
export { OrgQueries } from './db/queries';
export * from './domain/unit';
export * from './seed/country';
export * from './seed/write';
export * from './module';
export * from './dev-token';
