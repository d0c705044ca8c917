/**
 * The seed's one look at org's officials: who receives, handles and signs at each sampled unit, so
 * the demo steps have real assignees. A batch job with the signing secret acts as a system caller.
 */
import { postSignedGraphQL, SYSTEM_CALLER } from '@eiso/auth';
import type { DirectoryUnit } from '@eiso/directory';
import type { UnitOfficials } from './plan';

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
    type Answer = Record<
      string,
      { id: string; officials: { edges: { node: { id: string; roles: string[] } }[] } } | null
    >;
    const answer = await postSignedGraphQL<Answer>(orgUrl, query, {}, { caller: SYSTEM_CALLER, secret });
    for (const unit of Object.values(answer)) {
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
