/**
 * The dossier service's replica of the catalog: what a receipt needs — procedures, target times and
 * approved process versions — pulled from the catalog's change feed (`catalogChanges`), the batch
 * road between services DESIGN.md allows. Each pull starts where the last stopped (a checkpoint
 * row), so after the first full load only changes travel.
 */
import { ANONYMOUS, postSignedGraphQL } from '@eiso/auth';
import type { DataSource } from 'typeorm';
import type { ReplicaProcedure } from '../db/queries';

const FEED = `query CatalogReplica($since: DateTime, $after: String) {
  catalogChanges(since: $since, first: 5000, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node {
      changedAt
      procedure { id code name level authority statutoryDays fee }
      targetTime { procedureId ownerUnitId ownerPath targetDays }
      process { id version effectiveFrom ownerPath ownerUnitId procedureId stepsJson }
    } }
  }
}`;

interface FeedNode {
  changedAt: string;
  procedure: ReplicaProcedure | null;
  targetTime: {
    procedureId: string;
    ownerUnitId: string;
    ownerPath: string;
    targetDays: number;
  } | null;
  process: {
    id: string;
    version: number;
    effectiveFrom: string;
    ownerPath: string;
    ownerUnitId: string;
    procedureId: string;
    stepsJson: { order: number; name: string; role: string; durationHours: number }[];
  } | null;
}
interface FeedPage {
  catalogChanges: {
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: { node: FeedNode }[];
  };
}

const OVERLAP_MS = 60_000;

export interface CatalogSource {
  catalogUrl: string;
  signingSecret: string;
}

/** Pulls every change since the checkpoint; returns how many rows it applied. */
export async function syncCatalogReplica(db: DataSource, source: CatalogSource): Promise<number> {
  const [checkpoint] = await db.query(`SELECT since FROM replica_checkpoint WHERE name = 'catalog'`);
  const since: string | null = checkpoint ? new Date(checkpoint.since).toISOString() : null;
  let latest = since;
  let applied = 0;
  // Pipelined: the next page is on its way while this one is written.
  let pending: Promise<FeedPage> | null = prefetch(source, { since, after: null });
  while (pending) {
    const page: FeedPage = await pending;
    const { hasNextPage, endCursor } = page.catalogChanges.pageInfo;
    pending = hasNextPage ? prefetch(source, { since, after: endCursor }) : null;
    const nodes = page.catalogChanges.edges.map((e) => e.node);
    await applyChanges(db, nodes);
    applied += nodes.length;
    for (const n of nodes) if (!latest || n.changedAt > latest) latest = n.changedAt;
  }
  if (latest) {
    // The next pull looks a minute back: a transaction stamped earlier may commit after this pull.
    // Re-reading is harmless (every write is an upsert); missing a row would not be.
    const next = new Date(Date.parse(latest) - OVERLAP_MS).toISOString();
    await db.query(
      `INSERT INTO replica_checkpoint (name, since) VALUES ('catalog', $1)
       ON CONFLICT (name) DO UPDATE SET since = greatest(replica_checkpoint.since, excluded.since)`,
      [next],
    );
  }
  return applied;
}

async function applyChanges(db: DataSource, nodes: FeedNode[]): Promise<void> {
  const procedures = nodes.flatMap((n) => (n.procedure ? [n.procedure] : []));
  const targets = nodes.flatMap((n) => (n.targetTime ? [n.targetTime] : []));
  const processes = nodes.flatMap((n) => (n.process ? [n.process] : []));
  await db.transaction(async (m) => {
    if (procedures.length) {
      await m.query(
        `INSERT INTO catalog_procedure (id, code, name, level, authority, statutory_days, fee)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::numeric[], $7::text[])
         ON CONFLICT (id) DO UPDATE SET code = excluded.code, name = excluded.name, level = excluded.level,
           authority = excluded.authority, statutory_days = excluded.statutory_days, fee = excluded.fee`,
        [
          procedures.map((p) => p.id),
          procedures.map((p) => p.code),
          procedures.map((p) => p.name),
          procedures.map((p) => p.level),
          procedures.map((p) => p.authority),
          procedures.map((p) => p.statutoryDays),
          procedures.map((p) => p.fee),
        ],
      );
    }
    if (targets.length) {
      await m.query(
        `INSERT INTO catalog_target (procedure_id, owner_unit_id, owner_path, target_days)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::numeric[])
         ON CONFLICT (procedure_id, owner_unit_id) DO UPDATE SET owner_path = excluded.owner_path, target_days = excluded.target_days`,
        [
          targets.map((t) => t.procedureId),
          targets.map((t) => t.ownerUnitId),
          targets.map((t) => t.ownerPath),
          targets.map((t) => t.targetDays),
        ],
      );
    }
    if (processes.length) {
      await m.query(
        `INSERT INTO catalog_process (id, procedure_id, owner_unit_id, owner_path, version, steps, effective_from)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::int[], $6::jsonb[], $7::date[])
         ON CONFLICT (id) DO UPDATE SET steps = excluded.steps, effective_from = excluded.effective_from`,
        [
          processes.map((p) => p.id),
          processes.map((p) => p.procedureId),
          processes.map((p) => p.ownerUnitId),
          processes.map((p) => p.ownerPath),
          processes.map((p) => p.version),
          processes.map((p) => JSON.stringify(p.stepsJson)),
          processes.map((p) => p.effectiveFrom),
        ],
      );
    }
  });
}

/** A page fetched ahead: its failure surfaces where it is awaited, not as an unhandled rejection meanwhile. */
function prefetch(source: CatalogSource, variables: Record<string, unknown>): Promise<FeedPage> {
  const page = fetchPage(source, variables);
  page.catch(() => undefined);
  return page;
}

function fetchPage(source: CatalogSource, variables: Record<string, unknown>): Promise<FeedPage> {
  return postSignedGraphQL<FeedPage>(source.catalogUrl, FEED, variables, {
    caller: ANONYMOUS,
    secret: source.signingSecret,
  });
}
