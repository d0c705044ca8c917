/**
 * The org service's reads. Each batch read is one statement whatever the number of keys, which is
 * what lets a page of 200 entities cost a fixed number of queries.
 */
import { In, type DataSource, type SelectQueryBuilder } from 'typeorm';
import { AdministrativeUnitEntity, OfficialEntity, UnitSuccessionEntity } from './entities';
import { subtreePattern, type UnitLevel } from '../domain/unit';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface UnitListQuery {
  level: UnitLevel;
  under?: AdministrativeUnitEntity;
  afterCode?: string;
  limit: number;
  includeAgencies: boolean;
  includeDissolved: boolean;
  today: string;
}

export class OrgQueries {
  constructor(private readonly db: DataSource) {}

  private get units() {
    return this.db.getRepository(AdministrativeUnitEntity);
  }
  private get officials() {
    return this.db.getRepository(OfficialEntity);
  }

  unitsByIds(ids: readonly string[]): Promise<AdministrativeUnitEntity[]> {
    const valid = ids.filter((id) => UUID.test(id));
    return valid.length ? this.units.findBy({ id: In(valid) }) : Promise.resolve([]);
  }

  unitsByCodes(codes: readonly string[]): Promise<AdministrativeUnitEntity[]> {
    return codes.length ? this.units.findBy({ code: In([...codes]) }) : Promise.resolve([]);
  }

  officialsByIds(ids: readonly string[]): Promise<OfficialEntity[]> {
    const valid = ids.filter((id) => UUID.test(id));
    return valid.length ? this.officials.findBy({ id: In(valid) }) : Promise.resolve([]);
  }

  officialByUsername(username: string): Promise<OfficialEntity | null> {
    return this.officials.findOneBy({ username });
  }

  async listUnits(query: UnitListQuery): Promise<{ rows: AdministrativeUnitEntity[]; total: number }> {
    const qb = this.units.createQueryBuilder('u').where('u.level = :level', { level: query.level });
    if (!query.includeAgencies) qb.andWhere(`u.kind <> 'AGENCY'`);
    if (!query.includeDissolved)
      qb.andWhere('(u.validTo IS NULL OR u.validTo > :today)', { today: query.today });
    if (query.under) {
      qb.andWhere('u.path LIKE :prefix AND u.id <> :underId', {
        prefix: subtreePattern(query.under.path),
        underId: query.under.id,
      });
    }
    return pageByCode(qb, query.afterCode, query.limit);
  }

  async listChildren(parentId: string, afterCode: string | undefined, limit: number) {
    const qb = this.units.createQueryBuilder('u').where('u.parentId = :parentId', { parentId });
    return pageByCode(qb, afterCode, limit);
  }

  /** Officials with their unit's path, in username order (the directory other services keep). */
  officialDirectory(afterUsername: string | undefined, limit: number) {
    return this.db.query(
      `SELECT o.id, o.username, o.unit_id AS "unitId", u.path AS "unitPath", o.roles, o.email
       FROM official o JOIN administrative_unit u ON u.id = o.unit_id
       WHERE ($1::text IS NULL OR o.username > $1) ORDER BY o.username LIMIT $2`,
      [afterUsername ?? null, limit],
    ) as Promise<
      { id: string; username: string; unitId: string; unitPath: string; roles: string[]; email: string | null }[]
    >;
  }

  async listOfficials(unitId: string, afterUsername: string | undefined, limit: number) {
    const qb = this.officials.createQueryBuilder('o').where('o.unitId = :unitId', { unitId });
    const total = await qb.getCount();
    if (afterUsername !== undefined) qb.andWhere('o.username > :after', { after: afterUsername });
    const rows = await qb.orderBy('o.username', 'ASC').limit(limit).getMany();
    return { rows, total };
  }

  /** Successions touching any of the units, for successors and predecessors alike. */
  successionsOf(unitIds: readonly string[]): Promise<UnitSuccessionEntity[]> {
    if (unitIds.length === 0) return Promise.resolve([]);
    return this.db
      .getRepository(UnitSuccessionEntity)
      .find({ where: [{ predecessorId: In([...unitIds]) }, { successorId: In([...unitIds]) }] });
  }
}

async function pageByCode(
  qb: SelectQueryBuilder<AdministrativeUnitEntity>,
  afterCode: string | undefined,
  limit: number,
): Promise<{ rows: AdministrativeUnitEntity[]; total: number }> {
  const total = await qb.getCount();
  if (afterCode !== undefined) qb.andWhere('u.code > :afterCode', { afterCode });
  const rows = await qb.orderBy('u.code', 'ASC').limit(limit).getMany();
  return { rows, total };
}
