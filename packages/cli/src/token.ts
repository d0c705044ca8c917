import { signToken } from '@eiso/auth';
import { createOrgDataSource, OrgQueries } from '@eiso/org';

/** A development JWT for a seeded official, signed with the development key. */
export async function devTokenFor(username: string, urls: { DATABASE_URL: string }): Promise<string> {
  const { dataSource: db } = createOrgDataSource(urls, 1);
  await db.initialize();
  try {
    const queries = new OrgQueries(db);
    const official = await queries.officialByUsername(username);
    if (!official)
      throw new UsageError(
        `No official with username "${username}" (seeded ones look like handler.22, leader.BTP, admin)`,
      );
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
    await db.destroy();
  }
}

export class UsageError extends Error {}
