/** The real stack for end-to-end tests: org and the gateway on free ports over a fresh database. */
import { createLogger } from '@eiso/logging';
import { orgModule } from '@eiso/org';
import { startStack, type Stack } from '@eiso/testing';
import { loadGatewayConfig, startGateway } from '../src';

export function startOrgStack(options: { provinceCodes?: string[] } = {}): Promise<Stack> {
  return startStack({
    services: [
      { ...orgModule, seed: (env) => orgModule.seed(env, { provinceCodes: options.provinceCodes }) },
    ],
    seed: true,
    startGateway: (env) => startGateway(loadGatewayConfig(env), createLogger('gateway', 'silent')),
  });
}
