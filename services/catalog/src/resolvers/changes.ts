import { errors } from '@eiso/errors';
import { toConnection } from '@eiso/graphql';
import type { CatalogContext } from '../context';

export const MAX_CHANGES_PAGE = 5000;

/** One page of the change feed, each row resolved to its procedure, target time or process. */
export async function catalogChanges(
  ctx: CatalogContext,
  args: { since?: Date | string | null; first: number; after?: string | null },
) {
  if (!Number.isInteger(args.first) || args.first < 0 || args.first > MAX_CHANGES_PAGE) {
    throw errors.badInput(`"first" must be an integer from 0 to ${MAX_CHANGES_PAGE}`, 'first');
  }
  const after = args.after ? ctx.cursors.decode(args.after, 'change') : undefined;
  const feed = ctx.feed;
  const rows = await feed.changes({
    since: args.since ? new Date(args.since) : null,
    after: after ? { changedAt: String(after[0]), kind: String(after[1]), key: String(after[2]) } : undefined,
    limit: args.first + 1,
  });
  const page = rows.slice(0, args.first);
  const targets = await feed.targets(
    page
      .filter((r) => r.kind === 'target')
      .map((r) => ({ procedureId: r.procedureId, ownerUnitId: r.ownerUnitId! })),
  );
  const targetOf = new Map(targets.map((t) => [`${t.procedureId}/${t.ownerUnitId}`, t]));
  const nodes = await Promise.all(
    rows.map(async (row) => ({
      row,
      changedAt: row.changedAt,
      procedure: row.kind === 'procedure' ? await ctx.loaders.procedureById.load(row.procedureId) : null,
      targetTime: row.kind === 'target' ? (targetOf.get(row.key) ?? null) : null,
      process: row.kind === 'process' ? await ctx.loaders.processById.load(row.processId!) : null,
    })),
  );
  const connection = toConnection(nodes, args.first, 0, (n) =>
    ctx.cursors.encode('change', [n.row.cursorTime, n.row.kind, n.row.key]),
  );
  return { pageInfo: connection.pageInfo, edges: connection.edges };
}
