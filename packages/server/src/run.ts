import { createLogger, type Logger } from '@eiso/logging';
import { exitOnSignals } from './shutdown';

export interface Running {
  url: string;
  stop(): Promise<void>;
}

/**
 * A server process's `main`: load the configuration (a bad one ends the process with its message),
 * start, log the URL, and drain on SIGTERM or Ctrl-C.
 */
export function runServer<C extends { LOG_LEVEL: string }>(
  name: string,
  loadConfig: () => C,
  start: (config: C, logger: Logger) => Promise<Running>,
): void {
  const boot = async () => {
    const config = loadConfig();
    const logger = createLogger(name, config.LOG_LEVEL);
    const running = await start(config, logger);
    logger.info({ url: running.url }, `${name} ready`);
    exitOnSignals(logger, () => running.stop());
  };
  boot().catch((error: unknown) => {
    process.stderr.write(`${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
