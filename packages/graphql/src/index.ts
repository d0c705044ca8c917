export * from './scalars';
export * from './connection';
export * from './loaders';
