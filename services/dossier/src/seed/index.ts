/**
 * The dossier demo seed: a year of dossiers (EISO_SEED_DOSSIERS, default 10,000) for a sample of
 * units in every province and ministry. Needs org and catalog running (their APIs feed the unit and
 * catalog replicas, and name the officials).
 */
import { nationalCalendar } from '@eiso/calendar';
import { syncUnitDirectory, UnitDirectory, type DirectoryUnit } from '@eiso/directory';
import type { DataSource } from 'typeorm';
import type { DossierConfig } from '../config';
import { createDossierDataSource } from '../db/database';
import { syncCatalogReplica } from '../replica/catalog-sync';
import type { ProcessVersion } from '../domain/receipt';
import { officialsOf } from './officials';
import { planDemoDossiers, type SeedProcedure } from './plan';
import { isDossierSeeded, writeDemoDossiers, DEMO_PIN } from './write';

export { DEMO_PIN };
export const DEFAULT_SEED_DOSSIERS = 10_000;

export async function seedDossiersIfEmpty(
  config: DossierConfig,
  count: number,
  progress: (message: string) => void,
): Promise<string> {
  const { dataSource: db } = createDossierDataSource(config, 2);
  await db.initialize();
  try {
    if (await isDossierSeeded(db)) return 'dossier: already seeded';
    const directory = new UnitDirectory(db);
    await syncUnitDirectory(directory, {
      orgUrl: config.ORG_URL,
      signingSecret: config.GATEWAY_SIGNING_SECRET,
    });
    const changes = await syncCatalogReplica(db, {
      catalogUrl: config.CATALOG_URL,
      signingSecret: config.GATEWAY_SIGNING_SECRET,
    });
    progress(`dossier: replicas synced (${changes} catalog rows)`);
    const units = sampleUnits(await directory.subtree('/'));
    const officials = await officialsOf(units, config.ORG_URL, config.GATEWAY_SIGNING_SECRET);
    const dossiers = planDemoDossiers({
      units,
      procedures: await seedProcedures(db),
      officials,
      calendar: nationalCalendar,
      now: new Date(),
      count,
    });
    const written = await writeDemoDossiers(db, dossiers, nationalCalendar, progress);
    return `dossier: seeded ${written} dossiers in ${units.length} units (demo PIN ${DEMO_PIN})`;
  } finally {
    await db.destroy();
  }
}

/** Per province its committee, three agencies, two districts and six communes; every ministry. */
export function sampleUnits(all: DirectoryUnit[]): DirectoryUnit[] {
  const byCode = [...all].sort((a, b) => (a.code < b.code ? -1 : 1));
  const chosen: DirectoryUnit[] = byCode.filter((u) => u.level === 'MINISTRY' && u.kind !== 'AGENCY');
  for (const province of byCode.filter((u) => u.level === 'PROVINCE' && u.kind === 'PEOPLES_COMMITTEE')) {
    const inside = byCode.filter((u) => u.provinceCode === province.code);
    chosen.push(
      province,
      ...inside.filter((u) => u.kind === 'AGENCY').slice(0, 3),
      ...inside.filter((u) => u.level === 'DISTRICT').slice(0, 2),
      ...inside.filter((u) => u.level === 'COMMUNE').slice(0, 6),
    );
  }
  return chosen;
}

/** The catalog replica as the planners read it: procedures with their process versions and targets. */
export async function seedProcedures(db: Pick<DataSource, 'query'>): Promise<SeedProcedure[]> {
  const procedures: Omit<SeedProcedure, 'versions' | 'targets'>[] = await db.query(
    `SELECT id, code, level, authority, statutory_days::float8 AS "statutoryDays", fee FROM catalog_procedure`,
  );
  const versions: (ProcessVersion & { procedureId: string })[] = await db.query(
    `SELECT id, procedure_id AS "procedureId", owner_path AS "ownerPath", version, effective_from AS "effectiveFrom", steps FROM catalog_process`,
  );
  const targets: { procedureId: string; ownerPath: string; targetDays: number }[] = await db.query(
    `SELECT procedure_id AS "procedureId", owner_path AS "ownerPath", target_days::float8 AS "targetDays" FROM catalog_target`,
  );
  const group = <T extends { procedureId: string }>(rows: T[]) => {
    const map = new Map<string, T[]>();
    for (const row of rows) map.set(row.procedureId, [...(map.get(row.procedureId) ?? []), row]);
    return map;
  };
  const versionsOf = group(versions);
  const targetsOf = group(targets);
  return procedures.map((p) => ({
    ...p,
    versions: versionsOf.get(p.id) ?? [],
    targets: targetsOf.get(p.id) ?? [],
  }));
}
