/** The eiso gateway (port 4000). */
process.env.APOLLO_TELEMETRY_DISABLED ??= '1';
import { runServer } from '@eiso/server';
import { loadGatewayConfig } from './config';
import { startGateway } from './gateway';

runServer('gateway', () => loadGatewayConfig(), startGateway);
