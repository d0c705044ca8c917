/**
 * `eiso export compliance|rankings`: the ministry dashboard's exports from the command line. Like
 * any client it calls the contract's operations (NationalCompliance, Rankings, UnitByCode) on the
 * gateway with a Bearer token, and writes the rows the dashboard writes (@eiso/dashboard/export)
 * as CSV or XLSX.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { operation } from '@eiso/contract';
import {
  complianceTables,
  LEVEL_LABELS,
  rankingTable,
  toCsv,
  toXlsx,
  type ComplianceReport,
  type RankedLevel,
  type Ranking,
  type Table,
} from '@eiso/dashboard/export';
import { PORT_OFFSET } from './services';
import { UsageError } from './token';

export const EXPORT_USAGE = `usage: eiso export compliance|rankings [options]
  compliance             the national compliance report: every province and ministry (NationalCompliance)
  rankings               a ranking with each unit's movement (Rankings)
  --format csv|xlsx      default: --out's extension, else csv
  --out FILE             write FILE (default: stdout; an XLSX is never written to a terminal)
  --year YYYY            compliance: the report's year (default: this year)
  --level LEVEL          rankings: PROVINCE (default), MINISTRY, DISTRICT or COMMUNE
  --parent CODE          rankings: districts or communes within this province, communes within a district
  --date YYYY-MM-DD      rankings: that day's (default: the latest computed)
  --gateway URL          default: EISO_GATEWAY_URL, else http://localhost:${4000 + PORT_OFFSET}/graphql
  --as USERNAME          sign in as a seeded official with a development token (refused in production)
  The token comes from EISO_TOKEN, e.g. EISO_TOKEN=$(pnpm -s eiso token viewer.BKHCN), or from --as.`;

const LEVELS: RankedLevel[] = ['PROVINCE', 'MINISTRY', 'DISTRICT', 'COMMUNE'];

export interface ExportOptions {
  env: NodeJS.ProcessEnv;
  say: (message: string) => void;
  stdout: {
    write(data: string | Uint8Array, done: (error?: Error | null) => void): unknown;
    isTTY?: boolean;
  };
  /** A development token for --as (eiso token's). */
  devToken: (username: string) => Promise<string>;
}

/** A refusal from the gateway, or an answer without what was asked. */
export class ExportError extends Error {}

export async function exportCommand(args: string[], options: ExportOptions): Promise<void> {
  const { values, positionals } = parse(args);
  if (values.help) throw new UsageError(EXPORT_USAGE);
  const [what, ...rest] = positionals;
  if ((what !== 'compliance' && what !== 'rankings') || rest.length > 0) throw new UsageError(EXPORT_USAGE);
  const format = formatOf(values.format, values.out);
  if (format === 'xlsx' && !values.out && options.stdout.isTTY)
    throw new UsageError('an XLSX is binary: give --out FILE, or redirect stdout to a file');

  // Every argument is checked before the token is made or the gateway asked.
  const year = what === 'compliance' ? (values.year ? yearOf(values.year) : currentYear()) : 0;
  const level = (values.level ?? 'PROVINCE').toUpperCase() as RankedLevel;
  if (what === 'compliance') {
    if (values.level || values.parent || values.date)
      throw new UsageError('--level, --parent and --date are for rankings');
  } else {
    if (values.year) throw new UsageError('--year is for compliance (rankings take --date)');
    if (!LEVELS.includes(level)) throw new UsageError(`--level: one of ${LEVELS.join(', ')}`);
    if ((level === 'DISTRICT' || level === 'COMMUNE') && !values.parent)
      throw new UsageError(`--level ${level} ranks within a province or district: give --parent CODE`);
    if ((level === 'PROVINCE' || level === 'MINISTRY') && values.parent)
      throw new UsageError(`--level ${level} is ranked nationally: --parent is for DISTRICT and COMMUNE`);
    if (values.date && !/^\d{4}-\d{2}-\d{2}$/.test(values.date))
      throw new UsageError('--date: a date as YYYY-MM-DD');
  }

  const token = await tokenFor(values.as, options);
  const gateway =
    values.gateway ?? options.env.EISO_GATEWAY_URL ?? `http://localhost:${4000 + PORT_OFFSET}/graphql`;
  const call = <T>(name: string, variables: Record<string, unknown>) =>
    callGateway<T>(gateway, token, name, variables);

  let tables: Table[];
  let title: string;
  let created: Date | undefined;
  if (what === 'compliance') {
    const { complianceReport } = await call<{ complianceReport: ComplianceReport }>('NationalCompliance', {
      year,
    });
    tables = complianceTables(complianceReport, year);
    title = `Báo cáo tuân thủ ISO năm ${year}`;
    created = new Date(complianceReport.generatedAt);
  } else {
    let parentName: string | undefined;
    if (values.parent) {
      const { unit } = await call<{ unit: { name: string } | null }>('UnitByCode', { code: values.parent });
      if (!unit) throw new ExportError(`no unit with code ${values.parent}`);
      parentName = unit.name;
    }
    const { rankings } = await call<{ rankings: Ranking | null }>('Rankings', {
      level,
      parentCode: values.parent ?? null,
      date: values.date ?? null,
    });
    if (!rankings)
      throw new ExportError(
        `no ${level} ranking${values.parent ? ` within ${values.parent}` : ''}${
          values.date ? ` for ${values.date}` : ''
        } (rankings are computed nightly; \`pnpm eiso run rankings\` computes today's)`,
      );
    tables = [rankingTable(rankings, level, parentName)];
    title = `Xếp hạng ${LEVEL_LABELS[level]}${parentName ? ` – ${parentName}` : ''} ngày ${rankings.date}`;
    created = new Date(rankings.computedAt);
  }

  const output = format === 'csv' ? toCsv(tables[0]) : await toXlsx(tables, { title, created });
  if (values.out) {
    // pnpm runs the CLI in packages/cli: a relative path means where the command was typed.
    const file = path.resolve(options.env.INIT_CWD ?? process.cwd(), values.out);
    await writeFile(file, output);
    options.say(`${what}: ${tables[0].rows.length} rows written to ${file}`);
  } else {
    // Flushed before the command exits.
    await new Promise<void>((resolve, reject) =>
      options.stdout.write(output, (error) => (error ? reject(error) : resolve())),
    );
  }
}

function parse(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string' },
        out: { type: 'string', short: 'o' },
        year: { type: 'string' },
        level: { type: 'string' },
        parent: { type: 'string' },
        date: { type: 'string' },
        gateway: { type: 'string' },
        as: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${EXPORT_USAGE}`);
  }
}

function formatOf(format: string | undefined, out: string | undefined): 'csv' | 'xlsx' {
  const chosen = (format ?? (out && path.extname(out).slice(1)) ?? 'csv').toLowerCase() || 'csv';
  if (chosen !== 'csv' && chosen !== 'xlsx')
    throw new UsageError(`--format: csv or xlsx${format ? '' : ` (from --out's extension .${chosen})`}`);
  return chosen;
}

function yearOf(text: string): number {
  if (!/^\d{4}$/.test(text)) throw new UsageError('--year: a year such as 2025');
  return Number(text);
}

function currentYear(): number {
  return Number(
    new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric' }).format(new Date()),
  );
}

async function tokenFor(as: string | undefined, options: ExportOptions): Promise<string> {
  if (as) {
    if (options.env.NODE_ENV === 'production')
      throw new UsageError('--as signs a development token and is refused when NODE_ENV=production');
    return options.devToken(as);
  }
  const token = options.env.EISO_TOKEN?.trim();
  if (!token)
    throw new UsageError(
      'a token is needed: EISO_TOKEN=$(pnpm -s eiso token viewer.BKHCN) pnpm -s eiso export …, or --as <username>',
    );
  return token.replace(/^Bearer\s+/i, '');
}

async function callGateway<T>(
  url: string,
  token: string,
  name: string,
  variables: Record<string, unknown>,
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ operationName: name, query: operation(name), variables }),
      signal: AbortSignal.timeout(120_000),
    });
  } catch (error) {
    throw new ExportError(
      `the gateway at ${url} does not answer (${(error as Error).message}); is \`pnpm start\` running?`,
    );
  }
  let body: { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new ExportError(`${url} answered HTTP ${response.status} without GraphQL JSON`);
  }
  const first = body.errors?.[0];
  if (first) {
    const code = first.extensions?.code ?? 'ERROR';
    const hint =
      code === 'UNAUTHENTICATED'
        ? ' (the token is invalid or expired: get a new one with `pnpm -s eiso token <username>`)'
        : code === 'FORBIDDEN'
          ? ' (the national report needs MINISTRY_VIEWER or SYSTEM_ADMIN, e.g. viewer.BKHCN)'
          : '';
    throw new ExportError(`${name}: ${code}: ${first.message}${hint}`);
  }
  if (!body.data) throw new ExportError(`${name}: HTTP ${response.status} without data`);
  return body.data;
}
