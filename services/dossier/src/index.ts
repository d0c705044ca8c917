export * from './domain/lifecycle';
export * from './domain/codes';
export * from './domain/timeliness';
export * from './domain/receipt';
export * from './config';
export * from './module';
export * from './subgraph';
export * from './jobs/sweep';
export * from './jobs/digest';
export * from './jobs/worker-jobs';
export * from './metrics';
export * from './worker-start';
export { createDossierDataSource } from './db/database';
// The rankings' one SQL aggregate, timed alone by bench/rankings.ts as the rankings' lower bound.
export { unitFigures, type UnitFiguresRow } from './db/queries';
export { generateNationalYear, GenerateError, DEFAULT_GENERATE_DOSSIERS } from './generate';
export type { GenerateOptions, GenerateResult } from './generate';
