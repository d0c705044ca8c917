import DataLoader from 'dataloader';
import type { CursorCodec } from '@eiso/graphql';
import { groupedLoader, keyedLoader } from '@eiso/graphql';
import { createDirectoryLoaders, type DirectoryLoaders, type UnitDirectory } from '@eiso/directory';
import type { RequestScope } from '@eiso/server';
import type { CatalogCommands } from './db/commands';
import type { CatalogFeedQueries, CatalogQueries } from './db/queries';
import type { LegalDocumentRow, ProcedureRow, ProcessRow, TargetRow } from './db/rows';
import { nearestOwner, pathPrefixes } from './domain/handling';

/** What every catalog resolver gets: the verified caller, data access, and this request's loaders. */
export interface CatalogContext extends RequestScope {
  queries: CatalogQueries;
  feed: CatalogFeedQueries;
  commands: CatalogCommands;
  directory: UnitDirectory;
  cursors: CursorCodec;
  /** Today in Vietnam, fixed for the whole request so every status in one answer agrees. */
  today: string;
  loaders: CatalogLoaders;
}

export interface CatalogLoaders extends DirectoryLoaders {
  procedureById: DataLoader<string, ProcedureRow | null>;
  procedureByCode: DataLoader<string, ProcedureRow | null>;
  legalBasesByProcedure: DataLoader<string, LegalDocumentRow[]>;
  legalDocumentById: DataLoader<string, LegalDocumentRow | null>;
  processById: DataLoader<string, ProcessRow | null>;
  /** Key `procedureId|unitPath`: the process in force for the unit, its own or inherited. */
  processForUnit: DataLoader<string, ProcessRow | null>;
  /** Key `procedureId|ownerPath`: that very owner's version in force. */
  processOfOwner: DataLoader<string, ProcessRow | null>;
  /** Key `procedureId|unitPath`: the unit's target time, its own or inherited. */
  targetForUnit: DataLoader<string, TargetRow | null>;
  /** Key `procedureId|ownerUnitId`: the earliest open review date. */
  reviewDueBy: DataLoader<string, string | null>;
  /** Key `procedureId|ownerUnitId`: every version of that owner, newest first. */
  versionsOfOwner: DataLoader<string, ProcessRow[]>;
}

export const pairKey = (a: string, b: string) => `${a}|${b}`;
const splitKey = (key: string) => key.split('|') as [string, string];

export function createCatalogLoaders(
  queries: CatalogQueries,
  directory: UnitDirectory,
  today: string,
): CatalogLoaders {
  return {
    ...createDirectoryLoaders(directory),
    procedureById: keyedLoader(
      (ids) => queries.proceduresByIds(ids),
      (p) => p.id,
    ),
    procedureByCode: keyedLoader(
      (codes) => queries.proceduresByCodes(codes),
      (p) => p.code,
    ),
    legalBasesByProcedure: groupedLoader(
      (ids) => queries.legalBasesOf(ids),
      (d) => d.procedureId,
    ),
    legalDocumentById: keyedLoader(
      (ids) => queries.legalDocumentsByIds(ids),
      (d) => d.id,
    ),
    processById: keyedLoader(
      (ids) => queries.processesByIds(ids),
      (p) => p.id,
    ),
    processForUnit: nearestOwnerLoader((procedureIds, paths) =>
      queries.processesInForce(procedureIds, paths, today),
    ),
    processOfOwner: new DataLoader(async (keys: readonly string[]) => {
      const pairs = keys.map(splitKey);
      const rows = await queries.processesInForce(
        unique(pairs.map((p) => p[0])),
        unique(pairs.map((p) => p[1])),
        today,
      );
      const byKey = new Map(rows.map((r) => [pairKey(r.procedureId, r.ownerPath), r]));
      return keys.map((key) => byKey.get(key) ?? null);
    }),
    targetForUnit: nearestOwnerLoader((procedureIds, paths) => queries.targetsFor(procedureIds, paths)),
    reviewDueBy: new DataLoader(async (keys: readonly string[]) => {
      const rows = await queries.openReviewDates(
        keys.map(splitKey).map(([procedureId, ownerUnitId]) => ({ procedureId, ownerUnitId })),
      );
      const byKey = new Map(rows.map((r) => [pairKey(r.procedureId, r.ownerUnitId), r.dueBy]));
      return keys.map((key) => byKey.get(key) ?? null);
    }),
    versionsOfOwner: new DataLoader(async (keys: readonly string[]) => {
      const pairs = keys.map(splitKey);
      const rows = await queries.processVersions(
        unique(pairs.map((p) => p[0])),
        unique(pairs.map((p) => p[1])),
      );
      return keys.map((key) => rows.filter((r) => pairKey(r.procedureId, r.ownerUnitId) === key));
    }),
  };
}

/**
 * Loads, for keys `procedureId|unitPath`, the row of the owner nearest the unit: one statement for
 * all keys, asking for every prefix of every unit path (the unit itself, its district, its province…).
 */
function nearestOwnerLoader<T extends { procedureId: string; ownerPath: string }>(
  fetch: (procedureIds: string[], ownerPaths: string[]) => Promise<T[]>,
): DataLoader<string, T | null> {
  return new DataLoader(async (keys: readonly string[]) => {
    const pairs = keys.map(splitKey);
    const rows = await fetch(
      unique(pairs.map((p) => p[0])),
      unique(pairs.flatMap((p) => pathPrefixes(p[1]))),
    );
    return pairs.map(([procedureId, unitPath]) =>
      nearestOwner(
        unitPath,
        rows.filter((r) => r.procedureId === procedureId),
      ),
    );
  });
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
