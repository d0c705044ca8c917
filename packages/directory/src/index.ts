export * from './directory';
export * from './sync';
export * from './migration';
export * from './officials';
