/**
 * Keeps a service's unit directory in step with org, by the one road DESIGN.md allows a batch job
 * between services: org's own GraphQL API. It pages through every level (agencies and dissolved
 * units included), signed as the gateway signs, and upserts what it reads — ~12,000 units in
 * ~60 pages of 200.
 */
import { ANONYMOUS, postSignedGraphQL } from '@eiso/auth';
import type { DirectoryUnit, UnitDirectory } from './directory';

const LEVELS = ['NATIONAL', 'MINISTRY', 'PROVINCE', 'DISTRICT', 'COMMUNE'] as const;
const PAGE = 200;

const UNITS_QUERY = `query DirectorySync($level: UnitLevel!, $first: Int!, $after: String) {
  units(level: $level, first: $first, after: $after, includeAgencies: true, includeDissolved: true) {
    pageInfo { hasNextPage endCursor }
    edges { node { id code name level kind provinceCode path validFrom validTo parent { id } } }
  }
}`;

interface UnitNode extends Omit<DirectoryUnit, 'parentId'> {
  parent: { id: string } | null;
}
interface UnitsPage {
  units: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: UnitNode }[] };
}

export interface SyncSource {
  /** org's GraphQL endpoint, e.g. http://127.0.0.1:4001/graphql */
  orgUrl: string;
  signingSecret: string;
}

export async function syncUnitDirectory(directory: UnitDirectory, source: SyncSource): Promise<number> {
  let total = 0;
  for (const level of LEVELS) {
    let after: string | null = null;
    do {
      const page: UnitsPage = await fetchPage(source, { level, first: PAGE, after });
      const units = page.units.edges.map(({ node: { parent, ...unit } }) => ({
        ...unit,
        parentId: parent?.id ?? null,
      }));
      await directory.upsert(units);
      total += units.length;
      after = page.units.pageInfo.hasNextPage ? page.units.pageInfo.endCursor : null;
    } while (after);
  }
  return total;
}

function fetchPage(source: SyncSource, variables: Record<string, unknown>): Promise<UnitsPage> {
  return postSignedGraphQL<UnitsPage>(source.orgUrl, UNITS_QUERY, variables, {
    caller: ANONYMOUS,
    secret: source.signingSecret,
    requestId: `directory-sync-${Date.now()}`,
    timeoutMs: 15_000,
  });
}

/**
 * Syncs once, retrying while org is not up yet (services start together), then again every
 * `intervalMs` in the background. Returns a stop function.
 */
export async function keepUnitDirectorySynced(
  directory: UnitDirectory,
  source: SyncSource,
  options: { intervalMs: number; startupTimeoutMs: number; log: (message: string, error?: unknown) => void },
): Promise<() => void> {
  const deadline = Date.now() + options.startupTimeoutMs;
  for (;;) {
    try {
      const count = await syncUnitDirectory(directory, source);
      options.log(`unit directory synced: ${count} units`);
      break;
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`could not sync the unit directory from ${source.orgUrl}: ${String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  const timer = setInterval(() => {
    syncUnitDirectory(directory, source).catch((error: unknown) =>
      options.log('unit directory sync failed', error),
    );
  }, options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
