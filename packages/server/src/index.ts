export * from './subgraph-host';
export * from './audit-trail';
export * from './shutdown';
export * from './listen';
export * from './run';
export * from './worker-health';
export * from './metrics';
