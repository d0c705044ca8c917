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
    // Handlers first: whoever reads "ready" may signal at once.
    exitOnSignals(logger, () => running.stop());
    stopWithSupervisor(logger);
    logger.info({ url: running.url }, `${name} ready`);
  };
  boot().catch((error: unknown) => {
    process.stderr.write(`${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}

/**
 * Under `eiso start` (which sets EISO_SUPERVISOR_PID), a server that outlives its supervisor —
 * killed outright, so it could not stop its children — drains and exits by itself.
 */
function stopWithSupervisor(logger: Logger): void {
  const supervisor = Number(process.env.EISO_SUPERVISOR_PID);
  if (!Number.isInteger(supervisor) || supervisor <= 0) return;
  const timer = setInterval(() => {
    try {
      process.kill(supervisor, 0);
    } catch {
      clearInterval(timer);
      logger.warn({ supervisor }, 'supervisor gone: stopping');
      process.kill(process.pid, 'SIGTERM');
    }
  }, 2000);
  timer.unref();
}
