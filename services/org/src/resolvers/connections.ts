import { toConnection } from '@eiso/graphql';
import type { AdministrativeUnitEntity } from '../db/entities';
import type { OrgContext } from '../context';

/** Units come in code order; the cursor is the last code seen. */
export function unitConnection(
  rows: AdministrativeUnitEntity[],
  first: number,
  total: number,
  ctx: OrgContext,
  kind: string,
) {
  // Entities fetched here are primed into the loader, so their parents and ancestors batch with them.
  for (const row of rows) ctx.loaders.unitById.prime(row.id, row);
  return toConnection(rows, first, total, (u) => ctx.cursors.encode(kind, [u.code]));
}
