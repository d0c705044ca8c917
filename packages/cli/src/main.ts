/**
 * `pnpm eiso <command>` — the eiso command line.
 *
 *   token <username>   print a development JWT for a seeded official (stdout: the token only)
 *   migrate            create schemas and roles, apply pending migrations of every service
 *   seed               migrate, then seed the demo country where a service holds no data
 *   start              everything in one terminal (also `pnpm start`)
 *   compose            rewrite gateway/supergraph.graphql from the subgraphs' schemas
 *   run <task>         run a worker's job now (rankings: every level's ranking for today)
 *   generate           a national year of dossiers by COPY into a seeded database (docs/scaling.md)
 *   export <report>    the compliance report or a ranking as CSV or XLSX, through the gateway
 *
 * Messages go to stderr, so stdout carries only what a command is asked for.
 */
import { DEV_DEFAULTS } from '@eiso/config';
import { findTask, SERVICES, taskNames } from './services';
import { UnknownOfficialError } from '@eiso/org';
import { devTokenFor, UsageError } from './token';
import { runningStack, start } from './start';
import { generate, GENERATE_USAGE } from './generate';
import { GenerateError } from '@eiso/dossier';

const say = (message: string) => process.stderr.write(`eiso: ${message}\n`);
const urls = () => ({
  DATABASE_URL: process.env.DATABASE_URL ?? runningStack()?.DATABASE_URL ?? DEV_DEFAULTS.databaseUrl,
});
const env = () => ({ ...process.env, ...urls() });

const USAGE = `usage: eiso <command>
  token <username>   print a development JWT for a seeded official
  migrate            apply pending migrations of every service
  seed               migrate, then seed the demo country where empty
  start              start everything (database, Redis, subgraphs, gateway)
  run <task>         run a worker's job now against the running system (${taskNames().join(', ')})
  generate           a national year of dossiers in a seeded database (--dossiers N, default 10,000,000)
                     ${GENERATE_USAGE}
  export <report>    compliance or rankings as CSV or XLSX through the gateway (eiso export --help)`;

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  switch (command) {
    case 'token': {
      if (process.env.NODE_ENV === 'production')
        throw new UsageError(
          'eiso token signs with the development key and is refused when NODE_ENV=production',
        );
      if (args.length !== 1) throw new UsageError('usage: eiso token <username>');
      process.stdout.write(`${await devTokenFor(args[0], urls())}\n`);
      return;
    }
    case 'migrate':
      for (const s of SERVICES) say(`${s.name}: ${(await s.migrate(env())).join(', ') || 'up to date'}`);
      return;
    case 'seed':
      return seedAll();
    case 'start':
      return start(say);
    case 'run': {
      const found = args.length === 1 ? findTask(args[0]) : undefined;
      if (!found) throw new UsageError(`usage: eiso run <task>, one of: ${taskNames().join(', ')}`);
      say(`${found.service.name}: ${await found.task(env(), { progress: say })}`);
      return;
    }
    case 'generate':
      await generate(args, env() as NodeJS.ProcessEnv & { DATABASE_URL: string }, say);
      return;
    case 'export': {
      // Loaded here: exceljs takes a good part of a second to load, which no other command needs.
      const { exportCommand } = require('./export') as typeof import('./export');
      return exportCommand(args, {
        env: process.env,
        say,
        stdout: process.stdout,
        devToken: (username) => devTokenFor(username, urls()),
      });
    }
    default:
      throw new UsageError(USAGE);
  }
}

/**
 * Migrates and seeds every service in order. A service's seed may read the services before it
 * (the catalog syncs its unit directory from org), so each is started in this process, on a free
 * port, until the seeding is done.
 */
async function seedAll(): Promise<void> {
  const seedEnv: NodeJS.ProcessEnv = { ...env(), LOG_LEVEL: 'warn' };
  const running: { stop(): Promise<void> }[] = [];
  try {
    for (const service of SERVICES) {
      await service.migrate(seedEnv);
      if (service.seed) say(await service.seed(seedEnv, { progress: say }));
      const started = await service.start({ ...seedEnv, [service.portVariable]: '0', HOST: '127.0.0.1' });
      running.push(started);
      seedEnv[service.urlVariable] = started.url;
    }
  } finally {
    for (const service of running.reverse()) await service.stop();
  }
}

main(process.argv.slice(2)).then(
  () => {
    if (process.argv[2] !== 'start') process.exit(0);
  },
  (error: unknown) => {
    const usage =
      error instanceof UsageError || error instanceof UnknownOfficialError || error instanceof GenerateError;
    say(
      usage ? (error as Error).message : `failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(usage ? 2 : 1);
  },
);
