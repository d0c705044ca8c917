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

export interface KeepSyncedOptions {
  intervalMs: number;
  /** How long the first sync may keep failing (the source still starting) before start-up fails. */
  startupTimeoutMs: number;
  log: (message: string, error?: unknown) => void;
}

/**
 * Runs `sync` until it first succeeds (retrying every 500 ms until the start-up timeout: the
 * source may still be starting), then again every interval; later failures are logged, and the
 * replica keeps serving its last good copy. Returns the function that stops the repeats.
 * `what` names the replica in the log lines ("unit directory", "catalog replica").
 */
export async function keepSynced(
  what: string,
  sync: () => Promise<number>,
  options: KeepSyncedOptions,
): Promise<() => void> {
  const deadline = Date.now() + options.startupTimeoutMs;
  for (;;) {
    try {
      options.log(`${what} synced: ${await sync()}`);
      break;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`could not sync the ${what}: ${String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  const timer = setInterval(() => {
    sync().catch((error: unknown) => options.log(`${what} sync failed`, error));
  }, options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** The unit directory, kept in sync from org's `units`. */
export function keepUnitDirectorySynced(
  directory: UnitDirectory,
  source: SyncSource,
  options: KeepSyncedOptions,
): Promise<() => void> {
  return keepSynced('unit directory', () => syncUnitDirectory(directory, source), options);
}
