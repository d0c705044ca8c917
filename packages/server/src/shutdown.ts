import type { Logger } from '@eiso/logging';

/**
 * Graceful shutdown: on SIGTERM or SIGINT run `stop` (drain in-flight requests, close pools) once,
 * then exit. A second signal, or a drain that takes longer than `timeoutMs`, exits at once.
 */
export function exitOnSignals(logger: Logger, stop: () => Promise<void>, timeoutMs = 10_000): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'draining, then exiting');
    const timer = setTimeout(() => {
      logger.error('drain timed out: exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
