export * from './http';
export * from './stack';
export * from './wait';
export * from './metrics';
