export { devTokenFor } from '@eiso/org';
export class UsageError extends Error {}
