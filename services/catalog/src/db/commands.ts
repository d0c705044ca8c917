/**
 * The catalog's writes. Each is one transaction: a rejected or failed command leaves nothing
 * half-written.
 */
import type { DataSource, EntityManager } from 'typeorm';
import {
  LEGAL_DOCUMENT_COLUMNS,
  PROCESS_COLUMNS,
  type LegalDocumentRow,
  type ProcessRow,
  type StoredStep,
} from './rows';

export class CatalogCommands {
  constructor(private readonly db: DataSource) {}

  /** A new draft version for (procedure, owner): the next version number, serialized per pair. */
  draftProcess(input: {
    procedureId: string;
    ownerUnitId: string;
    ownerPath: string;
    steps: StoredStep[];
    totalHours: number;
    createdBy: string;
  }): Promise<ProcessRow> {
    return this.db.transaction(async (m) => {
      await lockPair(m, input.procedureId, input.ownerUnitId);
      const [row] = await m.query(
        `INSERT INTO process AS pr (procedure_id, owner_unit_id, owner_path, version, steps, total_hours, created_by)
         SELECT $1, $2, $3, coalesce(max(version), 0) + 1, $4::jsonb, $5, $6
         FROM process WHERE procedure_id = $1 AND owner_unit_id = $2
         RETURNING ${PROCESS_COLUMNS}`,
        [
          input.procedureId,
          input.ownerUnitId,
          input.ownerPath,
          JSON.stringify(input.steps),
          input.totalHours,
          input.createdBy,
        ],
      );
      return row as ProcessRow;
    });
  }

  /**
   * Approves a draft. `check` sees the locked draft and its owner's approved versions and returns a
   * problem to refuse with (nothing is written then). Approval clears the owner's open reviews of
   * the procedure: the revision a legal change asked for is done.
   */
  approveProcess(
    processId: string,
    approval: { effectiveFrom: string; approvedBy: string },
    check: (draft: ProcessRow, approvedSiblings: ProcessRow[]) => void,
  ): Promise<ProcessRow> {
    return this.db.transaction(async (m) => {
      const [draft] = (await m.query(
        `SELECT ${PROCESS_COLUMNS} FROM process pr WHERE pr.id = $1 FOR UPDATE`,
        [processId],
      )) as ProcessRow[];
      await lockPair(m, draft.procedureId, draft.ownerUnitId);
      const siblings = (await m.query(
        `SELECT ${PROCESS_COLUMNS} FROM process pr WHERE pr.procedure_id = $1 AND pr.owner_unit_id = $2 AND pr.approved`,
        [draft.procedureId, draft.ownerUnitId],
      )) as ProcessRow[];
      check(draft, siblings);
      // TypeORM answers an UPDATE with [rows, count].
      const [approved] = await m.query(
        `UPDATE process AS pr SET approved = true, effective_from = $2, approved_at = now(), approved_by = $3
         WHERE pr.id = $1 RETURNING ${PROCESS_COLUMNS}`,
        [processId, approval.effectiveFrom, approval.approvedBy],
      );
      await m.query(
        `UPDATE process_review SET cleared_at = now(), cleared_by_process_id = $3
         WHERE procedure_id = $1 AND owner_unit_id = $2 AND cleared_at IS NULL`,
        [draft.procedureId, draft.ownerUnitId, processId],
      );
      return approved[0] as ProcessRow;
    });
  }

  /**
   * Records a legal document, links it to the procedures, and opens a review due by `dueBy` for
   * every owner of an approved process of them within `scopePath` (all owners when null).
   */
  registerLegalChange(
    input: {
      number: string;
      title: string;
      issuedOn: string;
      effectiveOn: string;
      procedureIds: string[];
      scopePath: string | null;
      dueBy: string;
    },
    checkExisting: (existing: LegalDocumentRow) => void,
  ): Promise<{ document: LegalDocumentRow; reviewsOpened: number }> {
    return this.db.transaction(async (m) => {
      // Locked so that two registrations of one number agree on a single document.
      await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`legal:${input.number}`]);
      const [existing] = (await m.query(
        `SELECT ${LEGAL_DOCUMENT_COLUMNS} FROM legal_document d WHERE d.number = $1`,
        [input.number],
      )) as LegalDocumentRow[];
      if (existing) checkExisting(existing);
      const document =
        existing ??
        ((
          await m.query(
            `INSERT INTO legal_document AS d (number, title, issued_on, effective_on) VALUES ($1, $2, $3, $4)
             RETURNING ${LEGAL_DOCUMENT_COLUMNS}`,
            [input.number, input.title, input.issuedOn, input.effectiveOn],
          )
        )[0] as LegalDocumentRow);
      await m.query(
        `INSERT INTO procedure_legal_basis (procedure_id, legal_document_id)
         SELECT unnest($1::uuid[]), $2 ON CONFLICT DO NOTHING`,
        [input.procedureIds, document.id],
      );
      const opened = await m.query(
        `INSERT INTO process_review (procedure_id, owner_unit_id, owner_path, legal_document_id, due_by)
         SELECT DISTINCT procedure_id, owner_unit_id, owner_path, $2::uuid, $3::date FROM process
         WHERE procedure_id = ANY($1) AND approved AND ($4::text IS NULL OR owner_path LIKE $4 || '%')
         ON CONFLICT (procedure_id, owner_unit_id, legal_document_id) DO NOTHING
         RETURNING id`,
        [input.procedureIds, document.id, input.dueBy, input.scopePath],
      );
      return { document, reviewsOpened: opened.length };
    });
  }

  async publishTargetTime(input: {
    procedureId: string;
    ownerUnitId: string;
    ownerPath: string;
    targetDays: number;
    publishedBy: string;
  }): Promise<void> {
    await this.db.query(
      `INSERT INTO target_time (procedure_id, owner_unit_id, owner_path, target_days, published_by)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (procedure_id, owner_unit_id) DO UPDATE
         SET target_days = excluded.target_days, published_at = now(), published_by = excluded.published_by`,
      [input.procedureId, input.ownerUnitId, input.ownerPath, input.targetDays, input.publishedBy],
    );
  }
}

/** Serializes writers of one (procedure, owner) pair for the rest of the transaction. */
async function lockPair(m: EntityManager, procedureId: string, ownerUnitId: string): Promise<void> {
  await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`process:${procedureId}:${ownerUnitId}`]);
}
