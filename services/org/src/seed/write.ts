/**
 * Writes the demo country into the org schema in one transaction, a few thousand rows per
 * statement (`INSERT … SELECT … FROM unnest(…)`): ~12,000 units and ~48,000 officials take a couple
 * of dozen statements instead of 60,000 round trips.
 *
 * Idempotent: rows whose code or username already exists are skipped (`ON CONFLICT DO NOTHING`),
 * so a second run inserts nothing and reports zeros.
 */
import type { DataSource, EntityManager } from 'typeorm';
import type { DemoCountry, SeedOfficial, SeedUnit } from './country';

/**
 * The demo units are in force from this date, open-ended: the seed is the 63-province country
 * before 1 July 2025, in place long before any dossier the demo generates; the 2025 reorganisation
 * (34 provinces, no districts) is not part of the seed.
 */
export const DEMO_VALID_FROM = '2020-01-01';

const CHUNK_SIZE = 4_000;

export type SeedProgress = (done: number, total: number, what: string) => void;

/** Inserts the country; returns how many units and officials were actually inserted (0 when already there). */
export async function writeDemoCountry(
  dataSource: DataSource,
  country: DemoCountry,
  onProgress?: SeedProgress,
): Promise<{ units: number; officials: number }> {
  const total = country.units.length + country.officials.length;
  let done = 0;
  const report = (rows: number, what: string) => onProgress?.((done += rows), total, what);
  return dataSource.transaction(async (manager) => {
    let units = 0;
    // Depth by depth, so every parent exists when its children's parent_id is looked up by code.
    for (const layer of byDepth(country.units)) {
      for (const rows of chunks(layer)) {
        units += await insertUnits(manager, rows);
        report(rows.length, 'units');
      }
    }
    let officials = 0;
    for (const rows of chunks(country.officials)) {
      officials += await insertOfficials(manager, rows);
      report(rows.length, 'officials');
    }
    return { units, officials };
  });
}

/** Whether the org schema holds no units and no officials yet (so `eiso seed` / `pnpm start` should seed). */
export async function isOrgEmpty(dataSource: DataSource): Promise<boolean> {
  const [row] = await dataSource.query<{ empty: boolean }[]>(
    `SELECT NOT EXISTS (SELECT 1 FROM administrative_unit) AND NOT EXISTS (SELECT 1 FROM official) AS empty`,
  );
  return row.empty;
}

// A LEFT JOIN, not an inner one: a missing parent leaves parent_id null and the root CHECK fails
// loudly instead of the unit silently vanishing.
const INSERT_UNITS = `
  WITH inserted AS (
    INSERT INTO administrative_unit (code, name, level, kind, province_code, parent_id, path, valid_from)
    SELECT u.code, u.name, u.level, u.kind, u.province_code, p.id, u.path, $8::date
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
      AS u(code, name, level, kind, province_code, parent_code, path)
    LEFT JOIN administrative_unit p ON p.code = u.parent_code
    ON CONFLICT (code) DO NOTHING
    RETURNING 1
  )
  SELECT count(*)::int AS n FROM inserted`;

async function insertUnits(manager: EntityManager, units: SeedUnit[]): Promise<number> {
  const [row] = await manager.query<{ n: number }[]>(INSERT_UNITS, [
    units.map((u) => u.code),
    units.map((u) => u.name),
    units.map((u) => u.level),
    units.map((u) => u.kind),
    units.map((u) => u.provinceCode),
    units.map((u) => u.parentCode),
    units.map((u) => u.path),
    DEMO_VALID_FROM,
  ]);
  return row.n;
}

// Roles travel comma-joined (unnest would flatten a two-dimensional array); LEFT JOIN again so an
// unknown unit code fails on unit_id NOT NULL rather than dropping the official.
const INSERT_OFFICIALS = `
  WITH inserted AS (
    INSERT INTO official (username, name, unit_id, roles, email)
    SELECT o.username, o.name, u.id, string_to_array(o.roles, ','), o.email
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
      AS o(username, name, unit_code, roles, email)
    LEFT JOIN administrative_unit u ON u.code = o.unit_code
    ON CONFLICT (username) DO NOTHING
    RETURNING 1
  )
  SELECT count(*)::int AS n FROM inserted`;

async function insertOfficials(manager: EntityManager, officials: SeedOfficial[]): Promise<number> {
  const [row] = await manager.query<{ n: number }[]>(INSERT_OFFICIALS, [
    officials.map((o) => o.username),
    officials.map((o) => o.name),
    officials.map((o) => o.unitCode),
    officials.map((o) => o.roles.join(',')),
    officials.map((o) => o.email),
  ]);
  return row.n;
}

/** Units grouped by tree depth (number of codes in the path), shallowest first. */
function byDepth(units: SeedUnit[]): SeedUnit[][] {
  const layers: SeedUnit[][] = [];
  for (const u of units) {
    const depth = u.path.split('/').length - 2;
    (layers[depth] ??= []).push(u);
  }
  return layers.filter(Boolean);
}

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK_SIZE) out.push(items.slice(i, i + CHUNK_SIZE));
  return out;
}
