import fc from 'fast-check';
import { GraphQLError } from 'graphql';
import { CursorCodec, MAX_PAGE_SIZE, checkFirst, toConnection } from '../src/connection';

function badInput(run: () => unknown): GraphQLError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).extensions.code).toBe('BAD_USER_INPUT');
    return error as GraphQLError;
  }
  throw new Error('expected BAD_USER_INPUT');
}

describe('checkFirst', () => {
  it('accepts every integer from 0 to 200', () => {
    expect(MAX_PAGE_SIZE).toBe(200);
    for (let first = 0; first <= 200; first++) expect(checkFirst(first)).toBe(first);
  });

  it.each([-1, 201, 1.5, NaN, Infinity])('refuses %p with BAD_USER_INPUT naming the field', (first) => {
    expect(badInput(() => checkFirst(first)).extensions.field).toBe('first');
  });

  it('names the field it was given', () => {
    expect(badInput(() => checkFirst(500, 'last')).extensions.field).toBe('last');
  });
});

describe('CursorCodec', () => {
  const codec = new CursorCodec('cursor-secret');
  const kind = fc.string({ minLength: 1, maxLength: 20, unit: 'binary' });
  const values = fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.integer()), {
    maxLength: 5,
  });
  const sample = codec.encode('units', ['/VN/22/', 42]);

  it('decodes what it encoded, for any kind and string/integer values', () => {
    fc.assert(
      fc.property(kind, values, (k, vs) => {
        expect(codec.decode(codec.encode(k, vs), k)).toEqual(vs);
      }),
    );
  });

  it('refuses a cursor of another kind, naming the field', () => {
    const error = badInput(() => codec.decode(sample, 'officials', 'after'));
    expect(error.extensions.field).toBe('after');
  });

  it('refuses a cursor made with another secret', () => {
    const other = new CursorCodec('another-secret').encode('units', ['/VN/22/', 42]);
    badInput(() => codec.decode(other, 'units'));
  });

  it('during a rotation, signs with the first secret and still reads cursors of the others', () => {
    const rotating = new CursorCodec(['new-cursor-secret', 'cursor-secret']);
    const fresh = rotating.encode('units', ['/VN/22/', 42]);
    expect(fresh).toBe(new CursorCodec('new-cursor-secret').encode('units', ['/VN/22/', 42]));
    expect(rotating.decode(sample, 'units')).toEqual(codec.decode(sample, 'units'));
    expect(rotating.decode(fresh, 'units')).toEqual(['/VN/22/', 42]);
    badInput(() =>
      rotating.decode(new CursorCodec('a-third-secret').encode('units', ['/VN/22/', 42]), 'units'),
    );
    // The previous secret dropped: its cursors are refused.
    badInput(() => new CursorCodec(['new-cursor-secret']).decode(sample, 'units'));
  });

  it('refuses a cursor with any one character changed', () => {
    const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ é';
    fc.assert(
      fc.property(fc.nat(sample.length - 1), fc.constantFrom(...chars), (index, char) => {
        fc.pre(sample[index] !== char);
        badInput(() => codec.decode(sample.slice(0, index) + char + sample.slice(index + 1), 'units'));
      }),
    );
  });

  it('refuses a cursor whose payload was swapped for another well-formed payload', () => {
    const [, mac] = sample.split('.');
    const [forged] = codec.encode('units', ['/VN/24/', 42]).split('.');
    badInput(() => codec.decode(`${forged}.${mac}`, 'units'));
  });

  it('refuses random strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (cursor) => {
        badInput(() => codec.decode(cursor, 'units'));
      }),
    );
  });

  it('refuses an empty cursor and one with extra dot-separated parts', () => {
    badInput(() => codec.decode('', 'units'));
    badInput(() => codec.decode(`${sample}.x`, 'units'));
    badInput(() => codec.decode(`.${sample}`, 'units'));
  });

  it('refuses an over-long cursor, even one it signed itself', () => {
    const long = codec.encode('units', ['x'.repeat(2000)]);
    expect(long.length).toBeGreaterThan(1024);
    badInput(() => codec.decode(long, 'units'));
  });
});

describe('toConnection', () => {
  const cursorOf = (n: number) => `c${n}`;

  it('with fewer rows than first: every row is an edge and there is no next page', () => {
    const c = toConnection([1, 2], 3, 2, cursorOf);
    expect(c).toEqual({
      totalCount: 2,
      pageInfo: { hasNextPage: false, endCursor: 'c2' },
      edges: [
        { cursor: 'c1', node: 1 },
        { cursor: 'c2', node: 2 },
      ],
    });
  });

  it('with exactly first rows: no next page', () => {
    const c = toConnection([1, 2, 3], 3, 3, cursorOf);
    expect(c.pageInfo).toEqual({ hasNextPage: false, endCursor: 'c3' });
    expect(c.edges.map((e) => e.node)).toEqual([1, 2, 3]);
  });

  it('with first + 1 rows: the extra row is dropped and says there is a next page', () => {
    const c = toConnection([1, 2, 3, 4], 3, 10, cursorOf);
    expect(c.totalCount).toBe(10);
    expect(c.pageInfo).toEqual({ hasNextPage: true, endCursor: 'c3' });
    expect(c.edges.map((e) => e.node)).toEqual([1, 2, 3]);
  });

  it('with no rows: no edges and a null endCursor', () => {
    expect(toConnection([], 5, 0, cursorOf)).toEqual({
      totalCount: 0,
      pageInfo: { hasNextPage: false, endCursor: null },
      edges: [],
    });
  });

  it('with first = 0: no edges, a null endCursor, and a next page when a row exists', () => {
    expect(toConnection([1], 0, 7, cursorOf)).toEqual({
      totalCount: 7,
      pageInfo: { hasNextPage: true, endCursor: null },
      edges: [],
    });
    expect(toConnection([], 0, 0, cursorOf).pageInfo).toEqual({ hasNextPage: false, endCursor: null });
  });
});
