/** The org subgraph (port 4001): the unit tree and its officials. */
import { createLogger } from '@eiso/logging';
import { exitOnSignals } from '@eiso/server';
import { loadOrgConfig } from './config';
import { startOrgService } from './subgraph';

async function main(): Promise<void> {
  const config = loadOrgConfig();
  const logger = createLogger('org', config.LOG_LEVEL);
  const service = await startOrgService(config, logger);
  logger.info({ url: service.url }, 'org subgraph ready');
  exitOnSignals(logger, () => service.stop());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
