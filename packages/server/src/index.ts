export * from './subgraph-host';
export * from './shutdown';
export * from './listen';
export * from './run';
