import type { PrivateAddressPolicy } from './domain/addresses';
import { DEV_DEFAULTS, env, loadConfig, loadServerConfig, z } from '@eiso/config';

const databaseEnv = () => ({
  DATABASE_URL: env.url(DEV_DEFAULTS.databaseUrl),
  NOTIFICATION_DATABASE_URL: env.optionalUrl(),
});

/** The notification service's environment; see README "Configuration". */
export function loadNotificationConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadServerConfig(
    {
      NOTIFICATION_PORT: env.port(4005),
      ...databaseEnv(),
      REDIS_URL: env.url(DEV_DEFAULTS.redisUrl),
      QUEUE_PREFIX: env.queuePrefix(),
      REDIS_CLUSTER_NODES: env.redisClusterNodes(),
      ORG_URL: env.url('http://127.0.0.1:4001/graphql'),
      // The QMS reminders read what falls due from the catalog and audit APIs.
      CATALOG_URL: env.url('http://127.0.0.1:4002/graphql'),
      AUDIT_URL: env.url('http://127.0.0.1:4004/graphql'),
      REMINDER_SWEEP_INTERVAL_MS: z.coerce.number().int().min(1000).default(3_600_000),
      DIRECTORY_SYNC_INTERVAL_MS: z.coerce.number().int().min(1000).default(600_000),
      REPLICA_STARTUP_TIMEOUT_MS: z.coerce.number().int().min(0).default(60_000),
      ...deliveryEnv(),
      /**
       * Seals the webhook signing secrets at rest (AES-256-GCM). Unset: derived from
       * GATEWAY_SIGNING_SECRET, which production requires to be set and not the development one.
       */
      WEBHOOK_SECRET_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
      /**
       * During a rotation of WEBHOOK_SECRET_KEY: the key secrets were sealed with until now. Secrets
       * still sealed with it are opened with it and re-sealed with the current key (the worker at
       * start-up; `eiso run reseal-webhook-secrets`); then it is unset.
       */
      WEBHOOK_SECRET_KEY_PREVIOUS: z.string().min(32, 'must be at least 32 characters').optional(),
    },
    source,
  );
}

/** The key that seals webhook signing secrets: WEBHOOK_SECRET_KEY, else the gateway signing secret. */
export const webhookSealingKey = (config: { WEBHOOK_SECRET_KEY?: string; GATEWAY_SIGNING_SECRET: string }) =>
  config.WEBHOOK_SECRET_KEY ?? config.GATEWAY_SIGNING_SECRET;

/**
 * The keys a sealed webhook secret is opened with, the sealing key first: then
 * WEBHOOK_SECRET_KEY_PREVIOUS, and — when the sealing key is derived from the gateway signing
 * secret (WEBHOOK_SECRET_KEY unset) — GATEWAY_SIGNING_SECRET_PREVIOUS, so rotating the gateway
 * secret does not lock the webhook secrets away.
 */
export function webhookOpeningKeys(config: {
  WEBHOOK_SECRET_KEY?: string;
  WEBHOOK_SECRET_KEY_PREVIOUS?: string;
  GATEWAY_SIGNING_SECRET: string;
  GATEWAY_SIGNING_SECRET_PREVIOUS?: string;
}): string[] {
  const keys = [
    webhookSealingKey(config),
    config.WEBHOOK_SECRET_KEY_PREVIOUS,
    config.WEBHOOK_SECRET_KEY ? undefined : config.GATEWAY_SIGNING_SECRET_PREVIOUS,
  ];
  return [...new Set(keys.filter((key): key is string => key !== undefined))];
}
/** Loopback is for development (front-ends on localhost); production reaches public addresses only unless told. */
export const webhookPrivateAddresses = (config: {
  NODE_ENV: string;
  WEBHOOK_PRIVATE_ADDRESSES?: PrivateAddressPolicy;
}): PrivateAddressPolicy =>
  config.WEBHOOK_PRIVATE_ADDRESSES ?? (config.NODE_ENV === 'production' ? 'none' : 'loopback');

/**
 * Webhook and e-mail delivery (README "Configuration"). Tries are exponential with full jitter:
 * try n waits a random time up to min(WEBHOOK_BACKOFF_MAX_MS, WEBHOOK_BACKOFF_BASE_MS × 2^(n-1));
 * with the defaults, 8 tries span up to about two hours before a delivery is DEAD. Tests shorten
 * them. E-mail goes out only when SMTP_URL is set (smtp://user:pass@host:587, smtps://…).
 */
const deliveryEnv = () => ({
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  /** Which private addresses webhooks may reach: none, loopback, all (default: none in production, else loopback). */
  WEBHOOK_PRIVATE_ADDRESSES: z.enum(['none', 'loopback', 'all']).optional(),
  WEBHOOK_BACKOFF_BASE_MS: z.coerce.number().int().min(1).default(60_000),
  WEBHOOK_BACKOFF_MAX_MS: z.coerce.number().int().min(1).default(3_600_000),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(20),
  /** How often the delivery and e-mail relays move new rows to BullMQ. */
  DELIVERY_RELAY_INTERVAL_MS: z.coerce.number().int().min(10).default(1000),
  SMTP_URL: env.optionalUrl(),
  MAIL_FROM: z.string().min(3).default('eiso <no-reply@eiso.gov.vn>'),
  EMAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
});

export type NotificationConfig = ReturnType<typeof loadNotificationConfig>;

export function loadNotificationDatabaseConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(databaseEnv(), source);
}
