/**
 * The keys and indexes `eiso generate` drops before its load and builds again after it (their
 * exact definitions, `pg_get_constraintdef` and `pg_get_indexdef`).
 *
 * Everything goes, primary keys included: building a key once from the loaded rows costs less than
 * keeping it up row by row (a month of steps: 1.3 s of COPY with its primary key, 0.75 s without and
 * 0.25 s to build it), and the builds of different tables run side by side on two connections. The
 * foreign keys from and to the loaded tables go too — the load empties each partition it fills
 * (copy.ts), which a key to it forbids, though the tables holding such keys are empty — and come
 * back last, validated.
 */
import type { Client } from 'pg';
import { quoteIdent } from '@eiso/db';

export interface Dropped {
  /** Each table's primary key, unique constraints and indexes, in building order. */
  tables: { table: string; statements: string[] }[];
  /** The foreign keys, added once the keys they point to are back. */
  foreignKeys: string[];
}

export function droppedCount(dropped: Dropped): number {
  return dropped.tables.reduce((n, t) => n + t.statements.length, dropped.foreignKeys.length);
}

/** Drops the keys and indexes of `tables` (qualified names), or only the foreign keys. */
export async function dropIndexes(db: Client, tables: string[], foreignKeysOnly: boolean): Promise<Dropped> {
  const { rows: constraints } = await db.query<{ table: string; name: string; type: string; def: string }>(
    `SELECT conrelid::regclass::text AS table, conname AS name, contype AS type, pg_get_constraintdef(oid) AS def
     FROM pg_constraint
     WHERE (conrelid = ANY($1::regclass[]) OR (contype = 'f' AND confrelid = ANY($1::regclass[])))
       AND contype = ANY($2)
       -- the parents' constraints only: a key to a partitioned table has a child row per partition
       AND conparentid = 0
     ORDER BY contype = 'p' DESC, conname`,
    [tables, foreignKeysOnly ? ['f'] : ['p', 'u', 'f']],
  );
  const { rows: plain } = foreignKeysOnly
    ? { rows: [] }
    : await db.query<{ table: string; name: string; def: string }>(
        // A partitioned table's index is defined `ON ONLY` the parent; rebuilt on every partition.
        `SELECT indrelid::regclass::text AS table, indexrelid::regclass::text AS name,
                replace(pg_get_indexdef(indexrelid), ' ON ONLY ', ' ON ') AS def
         FROM pg_index i WHERE indrelid = ANY($1::regclass[])
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)
         ORDER BY 2`,
        [tables],
      );
  const add = (c: { table: string; name: string; def: string }) =>
    `ALTER TABLE ${c.table} ADD CONSTRAINT ${quoteIdent(c.name)} ${c.def}`;
  const keys = constraints.filter((c) => c.type !== 'f');
  const foreignKeys = constraints.filter((c) => c.type === 'f');
  // The foreign keys first: they depend on the keys they point to.
  for (const c of [...foreignKeys, ...keys])
    await db.query(`ALTER TABLE ${c.table} DROP CONSTRAINT ${quoteIdent(c.name)}`);
  for (const i of plain) await db.query(`DROP INDEX ${i.name}`);
  const byTable = new Map<string, string[]>();
  for (const [table, statement] of [
    ...keys.map((c) => [c.table, add(c)]),
    ...plain.map((i) => [i.table, i.def]),
  ])
    byTable.set(table, [...(byTable.get(table) ?? []), statement]);
  return {
    tables: [...byTable].map(([table, statements]) => ({ table, statements })),
    foreignKeys: foreignKeys.map(add),
  };
}

/**
 * Builds the tables' keys and indexes, a table at a time on each connection (the statements of one
 * table would wait for each other's locks), the largest tables first; then analyzes each table
 * if `analyze` (the foreign keys' validation is planned on its statistics). Returns the seconds
 * spent analyzing, added up over the connections.
 */
export async function buildIndexes(clients: Client[], dropped: Dropped, analyze = false): Promise<number> {
  const sizes = new Map<string, number>();
  const { rows } = await clients[0].query<{ table: string; size: string }>(
    `SELECT t AS table, (SELECT coalesce(sum(pg_relation_size(r)), 0) FROM pg_partition_tree(t::regclass) p(r))::text AS size
     FROM unnest($1::text[]) t`,
    [dropped.tables.map((t) => t.table)],
  );
  for (const r of rows) sizes.set(r.table, Number(r.size));
  const queue = [...dropped.tables].sort((a, b) => sizes.get(b.table)! - sizes.get(a.table)!);
  let analyzing = 0;
  await Promise.all(
    clients.map(async (db) => {
      // The sorts of the largest keys (tens of millions of steps) stay in memory.
      await db.query(`SET maintenance_work_mem = '512MB'`);
      for (let t = queue.shift(); t; t = queue.shift()) {
        for (const s of t.statements) await db.query(s);
        const started = Date.now();
        if (analyze) await db.query(`ANALYZE ${t.table}`);
        analyzing += Date.now() - started;
      }
    }),
  );
  return analyzing / 1000;
}

/**
 * Adds the foreign keys back, validating them. The step → dossier key is checked partition by
 * partition against all the dossiers: by hash join, every dossier is hashed again for each month
 * of steps; by merge join (ids count up with the months) a month's check reads the dossiers up to
 * its own, ~20 % faster at 3 M and no hash table to spill.
 */
export async function addForeignKeys(db: Client, dropped: Dropped): Promise<void> {
  await db.query('BEGIN');
  try {
    await db.query('SET LOCAL enable_hashjoin = off');
    for (const statement of dropped.foreignKeys) await db.query(statement);
    await db.query('COMMIT');
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
