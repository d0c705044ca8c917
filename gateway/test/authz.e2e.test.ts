/**
 * Authorization, everywhere (issue 8): every cell of the table in gateway/test/authz/matrix.ts
 * (docs/authorization.md) — operation × role × scope — sent through the real gateway with a real
 * token to all five subgraphs over two provinces, and its answer compared with the table. Refusals
 * aim at shared objects (and must leave them as they were); each expected success acts on an object
 * of its own.
 */
import { contractOperations, operation } from '@eiso/contract';
import { covers, MATRIX, ROLES, SCOPES, type CallerRole, type Row, type Scope } from './authz/matrix';
import { observe, REQUESTS } from './authz/requests';
import { pool, World, type DossierFixture } from './authz/world';

const world = new World();
const retried: string[] = [];

beforeAll(() => world.start(), 300_000);
afterAll(async () => {
  if (retried.length) console.warn(`authz: retried after an internal error: ${retried.join(', ')}`);
  await world.stop();
});

interface Cell {
  role: CallerRole;
  scope: Scope | null;
}

const cellsOf = (row: Row): Cell[] =>
  ROLES.flatMap((role) => (row.scoped ? SCOPES.map((scope) => ({ role, scope })) : [{ role, scope: null }]));

async function run(row: Row, cell: Cell): Promise<string | null> {
  const scope = cell.scope ?? 'own';
  const expected = row.expect(cell.role, scope);
  const request = await REQUESTS[row.id](world, cell.role, scope, expected === 'ok');
  let answer = await world.gql(world.token(cell.role), request.query, request.variables);
  // Once more after an internal error: under load the gateway's pooled connection to a subgraph is
  // sometimes reset (ECONNRESET, see docs/security.md); a real internal error shows again.
  if (observe(answer, request) === 'INTERNAL_SERVER_ERROR') {
    retried.push(`${row.id} × ${cell.role} × ${cell.scope ?? '—'}`);
    answer = await world.gql(world.token(cell.role), request.query, request.variables);
  }
  const seen = observe(answer, request);
  if (seen === expected) return null;
  const detail = answer.errors?.map((e) => e.message).join('; ');
  return `${cell.role} × ${cell.scope ?? '—'}: expected ${expected}, got ${seen}${detail ? ` (${detail})` : ''}`;
}

describe('the authorization table, through the gateway', () => {
  it('has a request for every row, and every row has a unique id', () => {
    expect(new Set(MATRIX.map((r) => r.id)).size).toBe(MATRIX.length);
    expect(MATRIX.filter((r) => !REQUESTS[r.id]).map((r) => r.id)).toEqual([]);
  });

  it('names every contract operation', () => {
    const inTable = new Set(MATRIX.filter((r) => r.contract).map((r) => r.what.split(' ')[0]));
    const missing = [...CONTRACT_OPERATIONS].filter((name) => !inTable.has(name));
    expect(missing).toEqual([]);
  });

  it('lets no unit-bound official read or write another province’s objects, except the public ones', () => {
    const publicRows = new Set(MATRIX.filter((r) => r.expect('anonymous', 'own') === 'ok').map((r) => r.id));
    const leaks = MATRIX.filter((r) => r.scoped && !publicRows.has(r.id)).flatMap((r) =>
      ROLES.filter((role) => !['anonymous', 'MINISTRY_VIEWER', 'SYSTEM_ADMIN'].includes(role))
        .filter(
          (role) =>
            ['ok', 'NOOP'].includes(r.expect(role, 'otherProvince')) && r.id !== 'MarkNotificationsRead',
        )
        .map((role) => `${r.id} × ${role}`),
    );
    expect(leaks).toEqual([]);
    expect(covers('AUDITOR', 'otherProvince')).toBe(false);
  });

  describe.each(['org', 'catalog', 'dossier', 'audit', 'notification'])('%s', (subgraph) => {
    const rows = MATRIX.filter((r) => r.subgraph === subgraph);
    // A row is up to 45 requests; on a loaded 2-core machine that can outlast jest's default minute.
    it.each(rows.map((r) => [r.what, r] as const))(
      '%s',
      async (_what, row) => {
        const mismatches = (await pool(cellsOf(row), 8, (cell) => run(row, cell))).filter(Boolean);
        expect(mismatches).toEqual([]);
      },
      240_000,
    );
  });

  it('left every dossier that only refused requests aimed at as it was', async () => {
    const stages = ['received', 'handling', 'approval', 'supplement', 'ready'] as const;
    const changed: string[] = [];
    for (const scope of SCOPES) {
      for (const stage of stages) {
        const d = (await world.shared(`${scope}:${stage}`, () =>
          world.dossier(scope, stage),
        )) as DossierFixture;
        const now = await world.gql('admin', operation('DossierDetail'), { code: d.code });
        if (now.data?.dossier?.version !== d.version) changed.push(`${scope}:${stage} ${d.code}`);
      }
    }
    expect(changed).toEqual([]);
  });
});

/** Every operation of the contract (packages/contract's copy of shared/contract/operations.graphql). */
const CONTRACT_OPERATIONS = [...contractOperations().keys()];
