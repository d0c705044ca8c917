import { checkFirst, toConnection } from '@eiso/graphql';
import { errors } from '@eiso/errors';
import type { CatalogContext } from '../context';
import type { ProcedureNode } from '../db/rows';
import { prefixQuery } from '../domain/search';

const MAX_SEARCH = 200;

/**
 * A page of procedures: searched ones by relevance (the cursor carries the offset), the rest in
 * code order (the cursor carries the last code). `contextUnitPath` lets targetDays answer for the
 * unit whose list this is.
 */
export async function procedurePage(
  ctx: CatalogContext,
  args: { search?: string | null; first: number; after?: string | null },
  filter: { level?: string; authority?: string },
  contextUnitPath?: string,
) {
  const first = checkFirst(args.first);
  if (args.search && args.search.length > MAX_SEARCH) {
    throw errors.badInput(`search has at most ${MAX_SEARCH} characters`, 'search');
  }
  const tsquery = prefixQuery(args.search);
  const kind = tsquery ? `procedure-search:${tsquery}` : 'procedure';
  const [position] = args.after ? ctx.cursors.decode(args.after, kind) : [];
  const { rows, total } = await ctx.queries.listProcedures({
    ...filter,
    tsquery,
    offset: tsquery ? Number(position ?? 0) : undefined,
    afterCode: !tsquery && position !== undefined ? String(position) : undefined,
    limit: first + 1,
  });
  for (const row of rows) ctx.loaders.procedureById.prime(row.id, row);
  const nodes: ProcedureNode[] = rows.map((row) => ({ ...row, contextUnitPath }));
  const offset = tsquery ? Number(position ?? 0) : 0;
  return toConnection(nodes, first, total, (node) =>
    ctx.cursors.encode(kind, [tsquery ? offset + nodes.indexOf(node) + 1 : node.code]),
  );
}
