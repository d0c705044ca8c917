import DataLoader from 'dataloader';

/**
 * A per-request DataLoader over a "fetch many by key" query: one SQL statement for all the keys a
 * request asks for in one tick, answers in key order, null where nothing matched.
 */
export function keyedLoader<K extends string, V>(
  fetchMany: (keys: readonly K[]) => Promise<V[]>,
  keyOf: (value: V) => K,
): DataLoader<K, V | null> {
  return new DataLoader<K, V | null>(
    async (keys) => {
      const rows = await fetchMany(keys);
      const byKey = new Map(rows.map((row) => [keyOf(row), row]));
      return keys.map((key) => byKey.get(key) ?? null);
    },
    { maxBatchSize: 1000 },
  );
}

/** Like keyedLoader, for one-to-many: each key gets the list of rows that belong to it. */
export function groupedLoader<K extends string, V>(
  fetchMany: (keys: readonly K[]) => Promise<V[]>,
  keyOf: (value: V) => K,
): DataLoader<K, V[]> {
  return new DataLoader<K, V[]>(
    async (keys) => {
      const rows = await fetchMany(keys);
      const groups = new Map<K, V[]>();
      for (const row of rows) {
        const key = keyOf(row);
        const list = groups.get(key);
        if (list) list.push(row);
        else groups.set(key, [row]);
      }
      return keys.map((key) => groups.get(key) ?? []);
    },
    { maxBatchSize: 1000 },
  );
}
