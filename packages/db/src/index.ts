export * from './data-source';
export * from './service-schema';
export * from './test-database';
export * from './readiness';
