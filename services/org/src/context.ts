import type DataLoader from 'dataloader';
import { keyedLoader, groupedLoader, type CursorCodec } from '@eiso/graphql';
import type { RequestScope } from '@eiso/server';
import type { AdministrativeUnitEntity, OfficialEntity, UnitSuccessionEntity } from './db/entities';
import type { OrgQueries } from './db/queries';

/** What every org resolver gets: the verified caller, the queries, and this request's loaders. */
export interface OrgContext extends RequestScope {
  queries: OrgQueries;
  cursors: CursorCodec;
  loaders: OrgLoaders;
}

export interface OrgLoaders {
  unitById: DataLoader<string, AdministrativeUnitEntity | null>;
  unitByCode: DataLoader<string, AdministrativeUnitEntity | null>;
  officialById: DataLoader<string, OfficialEntity | null>;
  successionsByUnit: DataLoader<string, SuccessionLink[]>;
}

export function createOrgLoaders(queries: OrgQueries): OrgLoaders {
  return {
    unitById: keyedLoader(
      (ids) => queries.unitsByIds(ids),
      (u) => u.id,
    ),
    unitByCode: keyedLoader(
      (codes) => queries.unitsByCodes(codes),
      (u) => u.code,
    ),
    officialById: keyedLoader(
      (ids) => queries.officialsByIds(ids),
      (o) => o.id,
    ),
    successionsByUnit: successionLoader(queries),
  };
}

/** A succession seen from one of its two units. */
export interface SuccessionLink {
  owner: string;
  row: UnitSuccessionEntity;
}

/** Each succession belongs to both its units, so it is grouped under each. */
function successionLoader(queries: OrgQueries): DataLoader<string, SuccessionLink[]> {
  return groupedLoader(
    async (ids) => {
      const rows = await queries.successionsOf(ids);
      const wanted = new Set(ids);
      return rows.flatMap((row) =>
        [row.predecessorId, row.successorId].filter((id) => wanted.has(id)).map((owner) => ({ owner, row })),
      );
    },
    (link) => link.owner,
  );
}
