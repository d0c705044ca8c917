import { signToken } from '@eiso/auth';
import { createOrgDataSource } from './db/database';
import { OrgQueries } from './db/queries';

export class UnknownOfficialError extends Error {}

/**
 * A development JWT for a seeded official, signed with the development key: the official's id,
 * unit and roles read from org, as an identity provider would put them in its token. Used by
 * `eiso token` and by the end-to-end tests.
 */
export async function devTokenFor(
  username: string,
  urls: { DATABASE_URL: string; ORG_DATABASE_URL?: string },
): Promise<string> {
  const { dataSource } = createOrgDataSource(urls, 1);
  await dataSource.initialize();
  try {
    const queries = new OrgQueries(dataSource);
    const official = await queries.officialByUsername(username);
    if (!official) {
      throw new UnknownOfficialError(
        `No official with username "${username}" (seeded ones look like handler.22, leader.BTP, admin)`,
      );
    }
    const [unit] = await queries.unitsByIds([official.unitId]);
    return signToken({
      officialId: official.id,
      username: official.username,
      unitId: unit.id,
      unitCode: unit.code,
      unitPath: unit.path,
      roles: official.roles,
    });
  } finally {
    await dataSource.destroy();
  }
}
