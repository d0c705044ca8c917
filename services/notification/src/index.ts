export * from './config';
export * from './module';
export * from './subgraph';
export * from './db/database';
export * from './domain/events';
export * from './jobs/dossier-notifications';
