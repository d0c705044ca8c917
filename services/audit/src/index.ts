export * from './domain/clauses';
export * from './domain/nonconformity';
export * from './domain/risk';
export * from './domain/compliance';
export * from './db/database';
export * from './config';
export * from './module';
export * from './subgraph';
