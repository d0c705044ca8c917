import { groupedLoader, keyedLoader } from '../src/loaders';

interface Unit {
  id: string;
  name: string;
}
interface Official {
  id: string;
  unitId: string;
}

/** A fetchMany over an in-memory table that records the keys of every call. */
function recordingFetch<V>(table: V[], keyOf: (v: V) => string) {
  const calls: string[][] = [];
  const fetchMany = async (keys: readonly string[]) => {
    calls.push([...keys]);
    // Rows come back in table order, not key order, as SQL `WHERE id = ANY($1)` would.
    return table.filter((row) => keys.includes(keyOf(row)));
  };
  return { calls, fetchMany };
}

describe('keyedLoader', () => {
  const units: Unit[] = [
    { id: 'u1', name: 'Quảng Ninh' },
    { id: 'u2', name: 'Hạ Long' },
    { id: 'u3', name: 'Bắc Ninh' },
  ];

  it('fetches every key loaded in one tick with one call', async () => {
    const { calls, fetchMany } = recordingFetch(units, (u) => u.id);
    const loader = keyedLoader(fetchMany, (u: Unit) => u.id);
    await Promise.all([loader.load('u3'), loader.load('u1'), loader.load('u2')]);
    expect(calls).toEqual([['u3', 'u1', 'u2']]);
  });

  it('answers in key order, with null where no row matched', async () => {
    const { fetchMany } = recordingFetch(units, (u) => u.id);
    const loader = keyedLoader(fetchMany, (u: Unit) => u.id);
    const answers = await loader.loadMany(['u3', 'missing', 'u1']);
    expect(answers).toEqual([units[2], null, units[0]]);
  });

  it('asks for a key once even when it is loaded twice', async () => {
    const { calls, fetchMany } = recordingFetch(units, (u) => u.id);
    const loader = keyedLoader(fetchMany, (u: Unit) => u.id);
    const [a, b] = await Promise.all([loader.load('u2'), loader.load('u2')]);
    expect(a).toBe(units[1]);
    expect(b).toBe(units[1]);
    expect(calls).toEqual([['u2']]);
  });

  it('makes a new call for keys loaded in a later tick', async () => {
    const { calls, fetchMany } = recordingFetch(units, (u) => u.id);
    const loader = keyedLoader(fetchMany, (u: Unit) => u.id);
    await loader.load('u1');
    await loader.load('u2');
    expect(calls).toEqual([['u1'], ['u2']]);
  });
});

describe('groupedLoader', () => {
  const officials: Official[] = [
    { id: 'o1', unitId: 'u1' },
    { id: 'o2', unitId: 'u2' },
    { id: 'o3', unitId: 'u1' },
  ];

  it('groups rows by key in one call, with [] for a key without rows', async () => {
    const { calls, fetchMany } = recordingFetch(officials, (o) => o.unitId);
    const loader = groupedLoader(fetchMany, (o: Official) => o.unitId);
    const [u2, none, u1] = await Promise.all([loader.load('u2'), loader.load('u9'), loader.load('u1')]);
    expect(u1).toEqual([officials[0], officials[2]]);
    expect(u2).toEqual([officials[1]]);
    expect(none).toEqual([]);
    expect(calls).toEqual([['u2', 'u9', 'u1']]);
  });
});
