export * from './domain/lifecycle';
export * from './domain/codes';
export * from './domain/timeliness';
export * from './domain/receipt';
export * from './config';
export * from './module';
export * from './subgraph';
