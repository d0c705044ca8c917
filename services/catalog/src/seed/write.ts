/**
 * Writes the demo catalog in one transaction, thousands of rows per statement. Units are found by
 * code in the unit directory, which the seed syncs from org first.
 */
import type { DataSource, EntityManager } from 'typeorm';
import { searchDocument } from '../domain/search';
import type { DemoCatalog } from './catalog';

const CHUNK = 5_000;

export async function isCatalogEmpty(db: DataSource): Promise<boolean> {
  const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM procedure`);
  return count === 0;
}

export async function writeDemoCatalog(
  db: DataSource,
  catalog: DemoCatalog,
  progress: (message: string) => void = () => undefined,
): Promise<Record<string, number>> {
  return db.transaction(async (m) => {
    const counts: Record<string, number> = {};
    counts.legalDocuments = await insertLegalDocuments(m, catalog);
    counts.procedures = await insertProcedures(m, catalog);
    await insertLegalBases(m, catalog);
    counts.targets = await chunked(catalog.targets, (rows) => insertTargets(m, rows));
    progress(`catalog: ${counts.procedures} procedures, ${counts.targets} target times`);
    counts.processes = await chunked(
      catalog.processes,
      (rows) => insertProcesses(m, rows),
      (done) => progress(`catalog: processes ${done}/${catalog.processes.length}`),
    );
    counts.reviews = await insertReviews(m, catalog);
    return counts;
  });
}

async function chunked<T>(
  rows: T[],
  insert: (chunk: T[]) => Promise<number>,
  onChunk?: (done: number) => void,
) {
  let total = 0;
  for (let i = 0; i < rows.length; i += CHUNK) {
    total += await insert(rows.slice(i, i + CHUNK));
    if (onChunk && (i / CHUNK) % 5 === 4) onChunk(i + CHUNK);
  }
  return total;
}

async function insertLegalDocuments(m: EntityManager, c: DemoCatalog): Promise<number> {
  const d = c.legalDocuments;
  const rows = await m.query(
    `INSERT INTO legal_document (number, title, issued_on, effective_on)
     SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::date[])
     ON CONFLICT (number) DO NOTHING RETURNING id`,
    [d.map((x) => x.number), d.map((x) => x.title), d.map((x) => x.issuedOn), d.map((x) => x.effectiveOn)],
  );
  return rows.length;
}

async function insertProcedures(m: EntityManager, c: DemoCatalog): Promise<number> {
  const p = c.procedures;
  const rows = await m.query(
    `INSERT INTO procedure (code, name, field, level, authority, statutory_days, fee, required_documents, search_vector)
     SELECT code, name, field, level, authority, days, fee,
            ARRAY(SELECT jsonb_array_elements_text(documents)), to_tsvector('simple', search)
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::numeric[], $7::text[], $8::jsonb[], $9::text[])
       AS t(code, name, field, level, authority, days, fee, documents, search)
     ON CONFLICT (code) DO NOTHING RETURNING id`,
    [
      p.map((x) => x.code),
      p.map((x) => x.name),
      p.map((x) => x.field),
      p.map((x) => x.level),
      p.map((x) => x.authority),
      p.map((x) => x.statutoryDays),
      p.map((x) => x.fee),
      p.map((x) => JSON.stringify(x.requiredDocuments)),
      p.map((x) => searchDocument(x)),
    ],
  );
  return rows.length;
}

async function insertLegalBases(m: EntityManager, c: DemoCatalog): Promise<void> {
  const links = c.procedures.flatMap((p) => p.legalBases.map((number) => ({ code: p.code, number })));
  await m.query(
    `INSERT INTO procedure_legal_basis (procedure_id, legal_document_id)
     SELECT p.id, d.id FROM unnest($1::text[], $2::text[]) AS t(code, number)
     JOIN procedure p ON p.code = t.code JOIN legal_document d ON d.number = t.number
     ON CONFLICT DO NOTHING`,
    [links.map((l) => l.code), links.map((l) => l.number)],
  );
}

async function insertTargets(m: EntityManager, rows: DemoCatalog['targets']): Promise<number> {
  const inserted = await m.query(
    `INSERT INTO target_time (procedure_id, owner_unit_id, owner_path, target_days)
     SELECT p.id, u.id, u.path, t.days FROM unnest($1::text[], $2::text[], $3::numeric[]) AS t(procedure, owner, days)
     JOIN procedure p ON p.code = t.procedure JOIN unit_directory u ON u.code = t.owner
     ON CONFLICT DO NOTHING RETURNING 1`,
    [rows.map((r) => r.procedureCode), rows.map((r) => r.ownerCode), rows.map((r) => r.targetDays)],
  );
  return inserted.length;
}

/** Approved versions are dated as approved two weeks before they took effect. */
async function insertProcesses(m: EntityManager, rows: DemoCatalog['processes']): Promise<number> {
  const inserted = await m.query(
    `INSERT INTO process (procedure_id, owner_unit_id, owner_path, version, steps, total_hours, approved,
                          effective_from, approved_at, created_at)
     SELECT p.id, u.id, u.path, t.version, t.steps, t.hours, t.effective IS NOT NULL, t.effective,
            (t.effective - 14)::timestamptz, coalesce((t.effective - 30)::timestamptz, now())
     FROM unnest($1::text[], $2::text[], $3::int[], $4::jsonb[], $5::numeric[], $6::date[])
       AS t(procedure, owner, version, steps, hours, effective)
     JOIN procedure p ON p.code = t.procedure JOIN unit_directory u ON u.code = t.owner
     ON CONFLICT DO NOTHING RETURNING 1`,
    [
      rows.map((r) => r.procedureCode),
      rows.map((r) => r.ownerCode),
      rows.map((r) => r.version),
      rows.map((r) => JSON.stringify(r.steps)),
      rows.map((r) => r.totalHours),
      rows.map((r) => r.effectiveFrom),
    ],
  );
  return inserted.length;
}

async function insertReviews(m: EntityManager, c: DemoCatalog): Promise<number> {
  const r = c.reviews;
  const inserted = await m.query(
    `INSERT INTO process_review (procedure_id, owner_unit_id, owner_path, legal_document_id, due_by,
                                 cleared_at, cleared_by_process_id)
     SELECT p.id, u.id, u.path, d.id, t.due, pr.approved_at, pr.id
     FROM unnest($1::text[], $2::text[], $3::text[], $4::date[], $5::int[]) AS t(procedure, owner, number, due, version)
     JOIN procedure p ON p.code = t.procedure
     JOIN unit_directory u ON u.code = t.owner
     JOIN legal_document d ON d.number = t.number
     LEFT JOIN process pr ON pr.procedure_id = p.id AND pr.owner_unit_id = u.id AND pr.version = t.version
     ON CONFLICT DO NOTHING RETURNING 1`,
    [
      r.map((x) => x.procedureCode),
      r.map((x) => x.ownerCode),
      r.map((x) => x.documentNumber),
      r.map((x) => x.dueBy),
      r.map((x) => x.clearedByVersion),
    ],
  );
  return inserted.length;
}
