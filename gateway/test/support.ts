/** The real stack for end-to-end tests: the subgraphs and the gateway on free ports over a fresh database. */
import { auditModule } from '@eiso/audit';
import { catalogModule } from '@eiso/catalog';
import { notificationModule } from '@eiso/notification';
import { dossierModule } from '@eiso/dossier';
import { createLogger } from '@eiso/logging';
import { devTokenFor, orgModule } from '@eiso/org';
import { startStack, type Stack, type StackService } from '@eiso/testing';
import { loadGatewayConfig, startGateway } from '../src';

type Service = 'org' | 'catalog' | 'dossier' | 'audit' | 'notification';

/** Starts org (seeded with the given provinces, or the whole country) and the other services asked for. */
export function startEisoStack(
  options: { provinceCodes?: string[]; services?: Service[]; dossiers?: number } = {},
): Promise<Stack> {
  const wanted = options.services ?? ['org'];
  const services: StackService[] = [
    { ...orgModule, seed: (env) => orgModule.seed(env, { provinceCodes: options.provinceCodes }) },
  ];
  if (wanted.includes('catalog')) services.push(catalogModule);
  // Dossiers are seeded only when a test asks for some (its own counts stay exact otherwise).
  if (wanted.includes('dossier')) {
    services.push({
      ...dossierModule,
      seed: options.dossiers
        ? (env) => dossierModule.seed({ ...env, EISO_SEED_DOSSIERS: String(options.dossiers) })
        : undefined,
    });
  }
  if (wanted.includes('audit')) services.push(auditModule);
  if (wanted.includes('notification')) services.push(notificationModule);
  return startStack({
    services,
    seed: true,
    startGateway: (env) => startGateway(loadGatewayConfig(env), createLogger('gateway', env.LOG_LEVEL)),
  });
}

/** A development token for a seeded official, as `eiso token` makes it. */
export function tokenFor(stack: Stack, username: string): Promise<string> {
  return devTokenFor(username, stack.env);
}
