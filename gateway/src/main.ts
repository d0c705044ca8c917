/** The eiso gateway (port 4000). */
process.env.APOLLO_TELEMETRY_DISABLED ??= '1';
import { createLogger } from '@eiso/logging';
import { exitOnSignals } from '@eiso/server';
import { loadGatewayConfig } from './config';
import { startGateway } from './gateway';

async function main(): Promise<void> {
  const config = loadGatewayConfig();
  const logger = createLogger('gateway', config.LOG_LEVEL);
  const gateway = await startGateway(config, logger);
  logger.info({ url: gateway.url }, 'gateway ready');
  exitOnSignals(logger, () => gateway.stop());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
