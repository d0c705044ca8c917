/**
 * Reads of the unit directory replica (see migration.ts). One statement per batch of keys.
 */
import type { DataSource } from 'typeorm';
import { keyedLoader } from '@eiso/graphql';
import type DataLoader from 'dataloader';

export type UnitLevel = 'NATIONAL' | 'MINISTRY' | 'PROVINCE' | 'DISTRICT' | 'COMMUNE';
export type UnitKind = 'GOVERNMENT' | 'MINISTRY' | 'MINISTRY_AGENCY' | 'PEOPLES_COMMITTEE' | 'AGENCY';

export interface DirectoryUnit {
  id: string;
  code: string;
  name: string;
  level: UnitLevel;
  kind: UnitKind;
  provinceCode: string | null;
  parentId: string | null;
  /** Materialized path of codes, `/VN/22/144/`. */
  path: string;
  validFrom: string;
  validTo: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COLUMNS = `id, code, name, level, kind, province_code AS "provinceCode", parent_id AS "parentId", path,
  valid_from AS "validFrom", valid_to AS "validTo"`;

export class UnitDirectory {
  constructor(private readonly db: DataSource) {}

  async byCodes(codes: readonly string[]): Promise<DirectoryUnit[]> {
    if (codes.length === 0) return [];
    return this.db.query(`SELECT ${COLUMNS} FROM unit_directory WHERE code = ANY($1)`, [codes]);
  }

  async byIds(ids: readonly string[]): Promise<DirectoryUnit[]> {
    const valid = ids.filter((id) => UUID.test(id));
    if (valid.length === 0) return [];
    return this.db.query(`SELECT ${COLUMNS} FROM unit_directory WHERE id = ANY($1)`, [valid]);
  }

  async byCode(code: string): Promise<DirectoryUnit | null> {
    return (await this.byCodes([code]))[0] ?? null;
  }

  /** The unit's ancestors and itself, root first (the codes on its path). */
  async lineage(unit: DirectoryUnit): Promise<DirectoryUnit[]> {
    const codes = unit.path.split('/').filter(Boolean);
    const found = await this.byCodes(codes);
    return found.sort((a, b) => a.path.length - b.path.length);
  }

  /** Units in the subtree under `path` (itself included). */
  async subtree(path: string): Promise<DirectoryUnit[]> {
    return this.db.query(`SELECT ${COLUMNS} FROM unit_directory WHERE path LIKE $1 ORDER BY path`, [
      `${path}%`,
    ]);
  }

  async count(): Promise<number> {
    const [{ count }] = await this.db.query(`SELECT count(*)::int AS count FROM unit_directory`);
    return count;
  }

  /** Inserts new units and refreshes known ones; units are never deleted (they are dissolved). */
  async upsert(units: DirectoryUnit[]): Promise<void> {
    if (units.length === 0) return;
    await this.db.query(
      `INSERT INTO unit_directory (id, code, name, level, kind, province_code, parent_id, path, valid_from, valid_to, synced_at)
       SELECT * , now() FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::uuid[],
                             $8::text[], $9::date[], $10::date[])
       ON CONFLICT (id) DO UPDATE SET code = excluded.code, name = excluded.name, level = excluded.level,
         kind = excluded.kind, province_code = excluded.province_code, parent_id = excluded.parent_id,
         path = excluded.path, valid_from = excluded.valid_from, valid_to = excluded.valid_to, synced_at = now()`,
      [
        units.map((u) => u.id),
        units.map((u) => u.code),
        units.map((u) => u.name),
        units.map((u) => u.level),
        units.map((u) => u.kind),
        units.map((u) => u.provinceCode),
        units.map((u) => u.parentId),
        units.map((u) => u.path),
        units.map((u) => u.validFrom),
        units.map((u) => u.validTo),
      ],
    );
  }
}

export interface DirectoryLoaders {
  unitById: DataLoader<string, DirectoryUnit | null>;
  unitByCode: DataLoader<string, DirectoryUnit | null>;
}

export function createDirectoryLoaders(directory: UnitDirectory): DirectoryLoaders {
  return {
    unitById: keyedLoader(
      (ids) => directory.byIds(ids),
      (u) => u.id,
    ),
    unitByCode: keyedLoader(
      (codes) => directory.byCodes(codes),
      (u) => u.code,
    ),
  };
}
