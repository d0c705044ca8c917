export * from './event';
export * from './migration';
export * from './redis';
export * from './relay';
export * from './consumer';
export * from './periodic';
export * from './queues';
