import { Redis } from 'ioredis';

/**
 * A Redis connection as BullMQ needs it: commands wait for a reconnect instead of failing
 * (`maxRetriesPerRequest: null`). The caller owns it and quits it: BullMQ does not close a
 * connection it was given.
 */
export function createRedisConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
}

/** Queue names and job ids may not hold ':' (BullMQ); this keeps both safe. */
export function queueName(...parts: string[]): string {
  return parts.join('.').replace(/[^A-Za-z0-9._-]/g, '-');
}
