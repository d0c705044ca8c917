import { Cluster, Redis } from 'ioredis';

/** What BullMQ and our jobs are given: one Redis server, or a Redis Cluster. */
export type RedisConnection = Redis | Cluster;

/**
 * A Redis connection as BullMQ needs it: commands wait for a reconnect instead of failing
 * (`maxRetriesPerRequest: null`). With `clusterNodes` (`REDIS_CLUSTER_NODES`, `host:port` seeds)
 * it is a Redis Cluster client and `url` only lends its credentials and TLS. The caller owns it
 * and quits it: BullMQ does not close a connection it was given.
 */
export function createRedisConnection(url: string, clusterNodes: readonly string[] = []): RedisConnection {
  const options = { maxRetriesPerRequest: null, enableReadyCheck: true } as const;
  if (clusterNodes.length === 0) return new Redis(url, options);
  const { username, password, protocol } = new URL(url);
  const nodes = clusterNodes.map((node) => {
    const [host, port] = splitHostPort(node);
    return { host, port };
  });
  return new Cluster(nodes, {
    redisOptions: {
      ...options,
      ...(username ? { username: decodeURIComponent(username) } : {}),
      ...(password ? { password: decodeURIComponent(password) } : {}),
      ...(protocol === 'rediss:' ? { tls: {} } : {}),
    },
  });
}

function splitHostPort(node: string): [string, number] {
  const at = node.lastIndexOf(':');
  const port = Number(node.slice(at + 1));
  if (at <= 0 || !Number.isInteger(port) || port < 1 || port > 65535)
    throw new RangeError(`REDIS_CLUSTER_NODES: "${node}" is not host:port`);
  return [node.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port];
}

/**
 * The connection and key prefix of one BullMQ queue (for its Queue and its Worker alike). BullMQ's
 * scripts touch several keys of a queue at once, so on a Redis Cluster they must share a hash slot:
 * each queue gets its own hash tag, `{<prefix>:<queue>}`, which keeps a queue's keys together and
 * spreads the queues over the cluster's nodes (one tag for all, `{eiso}`, would put every queue on
 * one node). A prefix that already holds a tag is kept as the operator wrote it. On one server the
 * keys stay `<prefix>:<queue>:…`, as they always were.
 */
export function queueConnection(
  connection: RedisConnection,
  prefix: string,
  queue: string,
): { connection: RedisConnection; prefix: string } {
  const tagged = connection.isCluster && !prefix.includes('{') ? `{${prefix}:${queue}}` : prefix;
  return { connection, prefix: tagged };
}

/** Queue names and job ids may not hold ':' (BullMQ); this keeps both safe. */
export function queueName(...parts: string[]): string {
  return parts.join('.').replace(/[^A-Za-z0-9._-]/g, '-');
}
