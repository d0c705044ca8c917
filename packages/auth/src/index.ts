export * from './caller';
export * from './jwt';
export * from './context-signature';
export * from './scope';
export * from './signed-request';
