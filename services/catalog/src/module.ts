/**
 * The catalog service as the `eiso` CLI and the test stack drive it. Its seed and its start both
 * first bring the unit directory in step with org (ORG_URL), so org must be running by then.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { todayInVietnam } from '@eiso/calendar';
import { syncUnitDirectory, UnitDirectory } from '@eiso/directory';
import { createLogger } from '@eiso/logging';
import { loadCatalogConfig, loadCatalogDatabaseConfig } from './config';
import { createCatalogDataSource, migrateCatalog } from './db/database';
import { generateDemoCatalog, type LegalDocumentData, type ProcedureData } from './seed/catalog';
import { isCatalogEmpty, writeDemoCatalog } from './seed/write';
import { startCatalogService } from './subgraph';

type Env = NodeJS.ProcessEnv;
const DATA_DIR = path.join(__dirname, '..', 'data');

export const catalogModule = {
  name: 'catalog',
  dir: 'services/catalog',
  port: 4002,
  portVariable: 'CATALOG_PORT',
  urlVariable: 'CATALOG_URL',
  migrate: (env: Env) => migrateCatalog(loadCatalogDatabaseConfig(env)),
  seed: (env: Env, options: { progress?: (message: string) => void } = {}) =>
    seedCatalogIfEmpty(env, options.progress),
  start: (env: Env) => {
    const config = loadCatalogConfig(env);
    return startCatalogService(config, createLogger('catalog', config.LOG_LEVEL));
  },
};

export function readCatalogData(): { procedures: ProcedureData[]; legalDocuments: LegalDocumentData[] } {
  return {
    procedures: JSON.parse(readFileSync(path.join(DATA_DIR, 'procedures.json'), 'utf8')),
    legalDocuments: JSON.parse(readFileSync(path.join(DATA_DIR, 'legal-documents.json'), 'utf8')),
  };
}

export async function seedCatalogIfEmpty(
  env: Env,
  progress: (message: string) => void = () => undefined,
): Promise<string> {
  const config = loadCatalogConfig(env);
  const { dataSource } = createCatalogDataSource(config, 2);
  await dataSource.initialize();
  try {
    if (!(await isCatalogEmpty(dataSource))) return 'catalog: already seeded';
    const directory = new UnitDirectory(dataSource);
    const units = await syncUnitDirectory(directory, {
      orgUrl: config.ORG_URL,
      signingSecret: config.GATEWAY_SIGNING_SECRET,
    });
    progress(`catalog: unit directory synced (${units} units)`);
    const catalog = generateDemoCatalog({
      ...readCatalogData(),
      units: await directory.subtree('/'),
      today: todayInVietnam(),
    });
    const counts = await writeDemoCatalog(dataSource, catalog, progress);
    return `catalog: seeded ${counts.procedures} procedures, ${counts.processes} processes, ${counts.reviews} reviews`;
  } finally {
    await dataSource.destroy();
  }
}
