/**
 * The catalog's reads. Batch reads take every key of a request in one statement.
 */
import type { DataSource } from 'typeorm';
import {
  LEGAL_DOCUMENT_COLUMNS,
  PROCEDURE_COLUMNS,
  PROCESS_COLUMNS,
  REVIEW_COLUMNS,
  type LegalDocumentRow,
  type ProcedureRow,
  type ProcessRow,
  type ReviewRow,
  type TargetRow,
} from './rows';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuids = (ids: readonly string[]) => ids.filter((id) => UUID.test(id));

export interface ProcedureListQuery {
  level?: string;
  authority?: string;
  /** A to_tsquery('simple') text over folded words; null lists everything in code order. */
  tsquery: string | null;
  afterCode?: string;
  offset?: number;
  limit: number;
}

export class CatalogQueries {
  constructor(private readonly db: DataSource) {}

  proceduresByIds(ids: readonly string[]): Promise<ProcedureRow[]> {
    const valid = uuids(ids);
    if (!valid.length) return Promise.resolve([]);
    return this.db.query(`SELECT ${PROCEDURE_COLUMNS} FROM procedure p WHERE p.id = ANY($1)`, [valid]);
  }

  proceduresByCodes(codes: readonly string[]): Promise<ProcedureRow[]> {
    if (!codes.length) return Promise.resolve([]);
    return this.db.query(`SELECT ${PROCEDURE_COLUMNS} FROM procedure p WHERE p.code = ANY($1)`, [codes]);
  }

  /** A page of procedures: by relevance then code when searched (offset pages), else by code (keyset). */
  async listProcedures(query: ProcedureListQuery): Promise<{ rows: ProcedureRow[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (query.level) where.push(`p.level = ${param(query.level)}`);
    if (query.authority !== undefined) where.push(`p.authority = ${param(query.authority)}`);
    let rank = '';
    if (query.tsquery) {
      const q = param(query.tsquery);
      where.push(`p.search_vector @@ to_tsquery('simple', ${q})`);
      // Normalized by document length (2): "Đăng ký khai sinh" before "Đăng ký khai sinh lưu động".
      rank = `ts_rank(p.search_vector, to_tsquery('simple', ${q}), 2)`;
    }
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [{ total }] = await this.db.query(
      `SELECT count(*)::int AS total FROM procedure p ${filter}`,
      params,
    );
    if (rank) {
      const rows = await this.db.query(
        `SELECT ${PROCEDURE_COLUMNS} FROM procedure p ${filter}
         ORDER BY ${rank} DESC, p.code LIMIT ${param(query.limit)} OFFSET ${param(query.offset ?? 0)}`,
        params,
      );
      return { rows, total };
    }
    const keyset =
      query.afterCode !== undefined ? `${filter ? ' AND' : 'WHERE'} p.code > ${param(query.afterCode)}` : '';
    const rows = await this.db.query(
      `SELECT ${PROCEDURE_COLUMNS} FROM procedure p ${filter}${keyset} ORDER BY p.code LIMIT ${param(query.limit)}`,
      params,
    );
    return { rows, total };
  }

  legalBasesOf(procedureIds: readonly string[]): Promise<(LegalDocumentRow & { procedureId: string })[]> {
    if (!procedureIds.length) return Promise.resolve([]);
    return this.db.query(
      `SELECT b.procedure_id AS "procedureId", ${LEGAL_DOCUMENT_COLUMNS}
       FROM procedure_legal_basis b JOIN legal_document d ON d.id = b.legal_document_id
       WHERE b.procedure_id = ANY($1) ORDER BY d.effective_on NULLS LAST, d.number`,
      [procedureIds],
    );
  }

  legalDocumentsByIds(ids: readonly string[]): Promise<LegalDocumentRow[]> {
    if (!ids.length) return Promise.resolve([]);
    return this.db.query(`SELECT ${LEGAL_DOCUMENT_COLUMNS} FROM legal_document d WHERE d.id = ANY($1)`, [
      ids,
    ]);
  }

  processesByIds(ids: readonly string[]): Promise<ProcessRow[]> {
    const valid = uuids(ids);
    if (!valid.length) return Promise.resolve([]);
    return this.db.query(`SELECT ${PROCESS_COLUMNS} FROM process pr WHERE pr.id = ANY($1)`, [valid]);
  }

  /**
   * For each (procedure, owner path) pair asked, the owner's version in force on `day`. Callers ask
   * for every prefix of a unit's path and keep the nearest owner, so inheritance is one statement.
   */
  processesInForce(
    procedureIds: readonly string[],
    ownerPaths: readonly string[],
    day: string,
  ): Promise<ProcessRow[]> {
    if (!procedureIds.length || !ownerPaths.length) return Promise.resolve([]);
    return this.db.query(
      `SELECT DISTINCT ON (pr.procedure_id, pr.owner_unit_id) ${PROCESS_COLUMNS}
       FROM process pr
       WHERE pr.procedure_id = ANY($1) AND pr.owner_path = ANY($2) AND pr.approved AND pr.effective_from <= $3
       ORDER BY pr.procedure_id, pr.owner_unit_id, pr.effective_from DESC, pr.version DESC`,
      [procedureIds, ownerPaths, day],
    );
  }

  /** Every version one owner has of each procedure, newest first. */
  processVersions(procedureIds: readonly string[], ownerUnitIds: readonly string[]): Promise<ProcessRow[]> {
    if (!procedureIds.length || !ownerUnitIds.length) return Promise.resolve([]);
    return this.db.query(
      `SELECT ${PROCESS_COLUMNS} FROM process pr
       WHERE pr.procedure_id = ANY($1) AND pr.owner_unit_id = ANY($2) ORDER BY pr.version DESC`,
      [procedureIds, ownerUnitIds],
    );
  }

  targetsFor(procedureIds: readonly string[], ownerPaths: readonly string[]): Promise<TargetRow[]> {
    if (!procedureIds.length || !ownerPaths.length) return Promise.resolve([]);
    return this.db.query(
      `SELECT procedure_id AS "procedureId", owner_unit_id AS "ownerUnitId", owner_path AS "ownerPath",
              target_days::float8 AS "targetDays"
       FROM target_time WHERE procedure_id = ANY($1) AND owner_path = ANY($2)`,
      [procedureIds, ownerPaths],
    );
  }

  /** The earliest open review date of each (procedure, owner) pair asked. */
  openReviewDates(pairs: readonly { procedureId: string; ownerUnitId: string }[]) {
    if (!pairs.length)
      return Promise.resolve([] as { procedureId: string; ownerUnitId: string; dueBy: string }[]);
    return this.db.query(
      `SELECT r.procedure_id AS "procedureId", r.owner_unit_id AS "ownerUnitId", min(r.due_by) AS "dueBy"
       FROM process_review r
       JOIN unnest($1::uuid[], $2::uuid[]) AS k(procedure_id, owner_unit_id)
         ON k.procedure_id = r.procedure_id AND k.owner_unit_id = r.owner_unit_id
       WHERE r.cleared_at IS NULL
       GROUP BY r.procedure_id, r.owner_unit_id`,
      [pairs.map((p) => p.procedureId), pairs.map((p) => p.ownerUnitId)],
    ) as Promise<{ procedureId: string; ownerUnitId: string; dueBy: string }[]>;
  }

  /** Owners with open reviews already past their due date on `day`. */
  overdueReviewOwners(day: string): Promise<{ ownerUnitId: string; ownerPath: string; processes: number }[]> {
    return this.db.query(
      `SELECT owner_unit_id AS "ownerUnitId", owner_path AS "ownerPath", count(DISTINCT procedure_id)::int AS processes
       FROM process_review WHERE cleared_at IS NULL AND due_by < $1 GROUP BY owner_unit_id, owner_path ORDER BY owner_path`,
      [day],
    );
  }

  /** Per owner: reviews counting for [from, to] and those cleared on time (see reviewFigures in the schema). */
  reviewFigures(from: string, to: string): Promise<{ ownerUnitId: string; due: number; onTime: number }[]> {
    const cleared = `(cleared_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date`;
    const settled = `cleared_at IS NOT NULL AND ${cleared} BETWEEN $1 AND $2`;
    const overdue = `(cleared_at IS NULL OR ${cleared} > $2) AND due_by < $2`;
    return this.db.query(
      `SELECT owner_unit_id AS "ownerUnitId", count(*)::int AS due,
              count(*) FILTER (WHERE ${settled} AND ${cleared} <= due_by)::int AS "onTime"
       FROM process_review WHERE (${settled}) OR (${overdue}) GROUP BY owner_unit_id`,
      [from, to],
    );
  }

  /** Reviews of one owner or a subtree, soonest due first, keyset on (due_by, id). */
  async listReviews(options: {
    ownerUnitId?: string;
    pathPrefix?: string;
    overdueBefore?: string;
    /** Only reviews due on or before this date. */
    dueBy?: string;
    includeCleared: boolean;
    after?: { dueBy: string; id: string };
    limit: number;
  }): Promise<{ rows: ReviewRow[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (options.ownerUnitId) where.push(`r.owner_unit_id = ${param(options.ownerUnitId)}`);
    if (options.pathPrefix) where.push(`r.owner_path LIKE ${param(`${options.pathPrefix}%`)}`);
    if (!options.includeCleared) where.push('r.cleared_at IS NULL');
    if (options.overdueBefore) where.push(`r.due_by < ${param(options.overdueBefore)}`);
    if (options.dueBy) where.push(`r.due_by <= ${param(options.dueBy)}`);
    const filter = `WHERE ${where.join(' AND ')}`;
    const [{ total }] = await this.db.query(
      `SELECT count(*)::int AS total FROM process_review r ${filter}`,
      params,
    );
    const keyset = options.after
      ? ` AND (r.due_by, r.id) > (${param(options.after.dueBy)}::date, ${param(options.after.id)}::uuid)`
      : '';
    const rows = await this.db.query(
      `SELECT ${REVIEW_COLUMNS} FROM process_review r ${filter}${keyset} ORDER BY r.due_by, r.id LIMIT ${param(options.limit)}`,
      params,
    );
    return { rows, total };
  }
}

export interface ChangeRow {
  changedAt: Date;
  cursorTime: string;
  kind: 'procedure' | 'target' | 'process';
  key: string;
  /** For a procedure row its id; for a target its procedure; for a process, see processId. */
  procedureId: string;
  ownerUnitId: string | null;
  processId: string | null;
}

export interface TargetChangeRow extends TargetRow {
  publishedAt: Date;
}

/** The catalog's change feed: procedures, target times and approved processes, oldest change first. */
export class CatalogFeedQueries {
  constructor(private readonly db: DataSource) {}

  /**
   * One page of changes in (changed_at, kind, key) order. Each kind is read through its own index
   * with its own limit, then the three short lists are merged: a page costs the same at the start
   * and at the end of a 170,000-row catalog.
   */
  changes(options: {
    since: Date | null;
    after?: { changedAt: string; kind: string; key: string };
    limit: number;
  }): Promise<ChangeRow[]> {
    const params: unknown[] = [options.since, options.limit];
    const after = options.after;
    if (after) params.push(after.changedAt, after.key);
    const branch = (kind: string, time: string, key: string, from: string) => {
      let keyset = '';
      if (after) {
        if (kind > after.kind) keyset = `AND ${time} >= $3::timestamptz`;
        else if (kind === after.kind) keyset = `AND (${time}, ${key}) > ($3::timestamptz, $4::text)`;
        else keyset = `AND ${time} > $3::timestamptz`;
      }
      return `(SELECT ${time} AS changed_at, '${kind}' AS kind, ${key} AS key FROM ${from}
               AND ($1::timestamptz IS NULL OR ${time} >= $1) ${keyset} ORDER BY ${time}, ${key} LIMIT $2)`;
    };
    return this.db.query(
      // The cursor keeps the microseconds: a millisecond cursor would re-read rows of the same millisecond.
      `SELECT c.changed_at AS "changedAt", to_char(c.changed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "cursorTime",
              c.kind, c.key, split_part(c.key, '/', 1)::uuid AS "procedureId",
              CASE c.kind WHEN 'target' THEN split_part(c.key, '/', 2)::uuid END AS "ownerUnitId",
              CASE c.kind WHEN 'process' THEN c.key::uuid END AS "processId"
       FROM (
         ${branch('procedure', 'updated_at', 'id::text', 'procedure WHERE true')}
         UNION ALL
         ${branch('process', 'approved_at', 'id::text', 'process WHERE approved')}
         UNION ALL
         ${branch('target', 'published_at', "procedure_id::text || '/' || owner_unit_id::text", 'target_time WHERE true')}
       ) c
       ORDER BY c.changed_at, c.kind, c.key
       LIMIT $2`,
      params,
    );
  }

  targets(pairs: { procedureId: string; ownerUnitId: string }[]): Promise<TargetChangeRow[]> {
    if (!pairs.length) return Promise.resolve([]);
    return this.db.query(
      `SELECT t.procedure_id AS "procedureId", t.owner_unit_id AS "ownerUnitId", t.owner_path AS "ownerPath",
              t.target_days::float8 AS "targetDays", t.published_at AS "publishedAt"
       FROM target_time t JOIN unnest($1::uuid[], $2::uuid[]) AS k(procedure_id, owner_unit_id)
         ON k.procedure_id = t.procedure_id AND k.owner_unit_id = t.owner_unit_id`,
      [pairs.map((p) => p.procedureId), pairs.map((p) => p.ownerUnitId)],
    );
  }
}
