/**
 * The seed's one look at org's officials: who receives, handles and signs at each sampled unit, so
 * the demo steps have real assignees. A batch job with the signing secret acts as a system caller.
 */
import { signCallerContext, type Caller } from '@eiso/auth';
import type { DirectoryUnit } from '@eiso/directory';
import type { UnitOfficials } from './plan';

const SYSTEM: Caller = {
  kind: 'official',
  officialId: '00000000-0000-4000-8000-000000000000',
  username: 'eiso-seed',
  unitId: '00000000-0000-4000-8000-000000000000',
  unitCode: 'VN',
  unitPath: '/VN/',
  roles: ['SYSTEM_ADMIN'],
};

export async function officialsOf(
  units: DirectoryUnit[],
  orgUrl: string,
  secret: string,
): Promise<Map<string, UnitOfficials>> {
  const result = new Map<string, UnitOfficials>();
  for (let i = 0; i < units.length; i += 50) {
    const batch = units.slice(i, i + 50);
    const query = `{ ${batch
      .map(
        (u, j) =>
          `u${j}: unit(code: ${JSON.stringify(u.code)}) { id officials(first: 20) { edges { node { id roles } } } }`,
      )
      .join(' ')} }`;
    const requestId = `seed-officials-${i}`;
    const response = await fetch(orgUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-request-id': requestId,
        ...signCallerContext(SYSTEM, { requestId, query }, secret),
      },
      body: JSON.stringify({ query }),
    });
    const body = (await response.json()) as {
      data?: Record<
        string,
        { id: string; officials: { edges: { node: { id: string; roles: string[] } }[] } } | null
      >;
    };
    for (const unit of Object.values(body.data ?? {})) {
      if (!unit) continue;
      const withRole = (role: string) =>
        unit.officials.edges.find((e) => e.node.roles.includes(role))?.node.id ?? null;
      result.set(unit.id, {
        receiver: withRole('RECEIVER'),
        handler: withRole('HANDLER'),
        leader: withRole('LEADER'),
      });
    }
  }
  return result;
}
