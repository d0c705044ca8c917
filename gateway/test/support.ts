/** The real stack for end-to-end tests: the subgraphs and the gateway on free ports over a fresh database. */
import { signToken } from '@eiso/auth';
import { catalogModule } from '@eiso/catalog';
import { createLogger } from '@eiso/logging';
import { createOrgDataSource, orgModule, OrgQueries } from '@eiso/org';
import { startStack, type Stack, type StackService } from '@eiso/testing';
import { loadGatewayConfig, startGateway } from '../src';

type Service = 'org' | 'catalog';

/** Starts org (seeded with the given provinces, or the whole country) and the other services asked for. */
export function startEisoStack(
  options: { provinceCodes?: string[]; services?: Service[] } = {},
): Promise<Stack> {
  const wanted = options.services ?? ['org'];
  const services: StackService[] = [
    { ...orgModule, seed: (env) => orgModule.seed(env, { provinceCodes: options.provinceCodes }) },
  ];
  if (wanted.includes('catalog')) services.push(catalogModule);
  return startStack({
    services,
    seed: true,
    startGateway: (env) => startGateway(loadGatewayConfig(env), createLogger('gateway', env.LOG_LEVEL)),
  });
}

/** A development token for a seeded official, as `eiso token` makes it. */
export async function tokenFor(stack: Stack, username: string): Promise<string> {
  const { dataSource } = createOrgDataSource(stack.env, 1);
  await dataSource.initialize();
  try {
    const queries = new OrgQueries(dataSource);
    const official = await queries.officialByUsername(username);
    if (!official) throw new Error(`no official ${username}`);
    const [unit] = await queries.unitsByIds([official.unitId]);
    return signToken({
      officialId: official.id,
      username: official.username,
      unitId: unit.id,
      unitCode: unit.code,
      unitPath: unit.path,
      roles: official.roles,
    });
  } finally {
    await dataSource.destroy();
  }
}
