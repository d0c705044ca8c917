/**
 * The org service as the rest of eiso drives it: the `eiso` CLI (migrate, seed, start) and the
 * test stack use this one description, so they cannot drift apart.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createLogger } from '@eiso/logging';
import { loadOrgConfig, loadOrgDatabaseConfig } from './config';
import { createOrgDataSource, migrateOrg } from './db/database';
import { generateDemoCountry } from './seed/country';
import { isOrgEmpty, writeDemoCountry } from './seed/write';
import { startOrgService } from './subgraph';

type Env = NodeJS.ProcessEnv;

export interface SeedOptions {
  progress?: (message: string) => void;
  /** Seed only these provinces' subtrees (codes stay those of the full country); tests use it for speed. */
  provinceCodes?: string[];
}

const DATA_DIR = path.join(__dirname, '..', 'data');

export const orgModule = {
  name: 'org',
  dir: 'services/org',
  port: 4001,
  portVariable: 'ORG_PORT',
  urlVariable: 'ORG_URL',
  migrate: (env: Env) => migrateOrg(loadOrgDatabaseConfig(env)),
  seed: (env: Env, options: SeedOptions = {}) => seedOrgIfEmpty(env, options),
  start: (env: Env) => {
    const config = loadOrgConfig(env);
    return startOrgService(config, createLogger('org', config.LOG_LEVEL));
  },
};

/** Seeds the demo country unless the org schema already holds units; returns a line for the log. */
export async function seedOrgIfEmpty(env: Env, options: SeedOptions = {}): Promise<string> {
  const { dataSource } = createOrgDataSource(loadOrgDatabaseConfig(env), 2);
  await dataSource.initialize();
  try {
    if (!(await isOrgEmpty(dataSource))) return 'org: already seeded';
    const country = generateDemoCountry({
      provincesCsv: readFileSync(path.join(DATA_DIR, 'provinces.csv'), 'utf8'),
      ministriesCsv: readFileSync(path.join(DATA_DIR, 'ministries.csv'), 'utf8'),
      provinceCodes: options.provinceCodes,
    });
    let shown = -1;
    const written = await writeDemoCountry(dataSource, country, (done, total, what) => {
      const percent = Math.floor((done / total) * 100);
      if (percent >= shown + 25 || done === total) {
        shown = percent;
        options.progress?.(`org: seeding ${what} ${done}/${total}`);
      }
    });
    return `org: seeded ${written.units} units and ${written.officials} officials`;
  } finally {
    await dataSource.destroy();
  }
}
