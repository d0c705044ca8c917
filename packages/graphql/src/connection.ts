/**
 * Relay connections. `first` runs from 0 to 200; cursors are opaque and signed, so a cursor eiso
 * did not issue (or one tampered with) is refused with BAD_USER_INPUT rather than silently
 * paging from somewhere else.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { errors } from '@eiso/errors';

export const MAX_PAGE_SIZE = 200;

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}
export interface Edge<T> {
  cursor: string;
  node: T;
}
export interface Connection<T> {
  totalCount: number;
  pageInfo: PageInfo;
  edges: Edge<T>[];
}

export function checkFirst(first: number, field = 'first'): number {
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw errors.badInput(`"${field}" must be an integer from 0 to ${MAX_PAGE_SIZE}`, field);
  }
  return first;
}

export class CursorCodec {
  private readonly key: Buffer;
  /** Keys a cursor is accepted by: the signing one first, then those of previous secrets. */
  private readonly keys: Buffer[];
  /**
   * `secrets`: the secret cursors are signed with, or that first and then the secrets a cursor is
   * still accepted by (the previous one during a rotation, so a client's next page keeps working).
   */
  constructor(secrets: string | readonly string[]) {
    const all = typeof secrets === 'string' ? [secrets] : secrets;
    if (all.length === 0) throw new Error('CursorCodec: a secret is required');
    this.keys = all.map((secret) => createHmac('sha256', secret).update('eiso-cursor-v1').digest());
    this.key = this.keys[0];
  }

  encode(kind: string, values: (string | number)[]): string {
    const payload = Buffer.from(JSON.stringify([kind, ...values])).toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  /** Decodes a cursor of `kind` into its values, or throws BAD_USER_INPUT naming `field`. */
  decode(cursor: string, kind: string, field = 'after'): (string | number)[] {
    const refuse = () => errors.badInput(`"${field}" is not a cursor issued by eiso for this list`, field);
    const [payload, mac, extra] = cursor.split('.');
    if (!payload || !mac || extra !== undefined || cursor.length > 1024) throw refuse();
    const given = Buffer.from(mac);
    const signed = this.keys.some((key) => {
      const expected = Buffer.from(this.mac(payload, key));
      return expected.length === given.length && timingSafeEqual(expected, given);
    });
    if (!signed) throw refuse();
    const decoded: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (!Array.isArray(decoded) || decoded[0] !== kind) throw refuse();
    return decoded.slice(1) as (string | number)[];
  }

  private mac(payload: string, key = this.key): string {
    return createHmac('sha256', key).update(payload).digest('base64url').slice(0, 22);
  }
}

/**
 * Builds a connection from rows fetched with `first + 1` (keyset pagination): the extra row only
 * says whether another page exists.
 */
export function toConnection<T>(
  rows: T[],
  first: number,
  totalCount: number,
  cursorOf: (row: T) => string,
): Connection<T> {
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ cursor: cursorOf(node), node }));
  return {
    totalCount,
    pageInfo: {
      hasNextPage: rows.length > first,
      endCursor: edges.length ? edges[edges.length - 1].cursor : null,
    },
    edges,
  };
}
