/** Rows of the catalog schema as the service reads them. */
export interface ProcedureRow {
  id: string;
  code: string;
  name: string;
  field: string;
  level: 'COMMUNE' | 'DISTRICT' | 'PROVINCE' | 'MINISTRY';
  authority: string | null;
  statutoryDays: number;
  fee: string | null;
  requiredDocuments: string[];
}

export interface LegalDocumentRow {
  id: string;
  number: string;
  title: string;
  issuedOn: string | null;
  effectiveOn: string | null;
}

export interface StoredStep {
  order: number;
  name: string;
  role: string;
  durationHours: number;
}

export interface ProcessRow {
  id: string;
  procedureId: string;
  ownerUnitId: string;
  ownerPath: string;
  version: number;
  steps: StoredStep[];
  totalHours: number;
  approved: boolean;
  effectiveFrom: string | null;
  approvedAt: Date | null;
  approvedBy: string | null;
  createdAt: Date;
}

export interface TargetRow {
  procedureId: string;
  ownerUnitId: string;
  ownerPath: string;
  targetDays: number;
}

export interface ReviewRow {
  id: string;
  procedureId: string;
  ownerUnitId: string;
  ownerPath: string;
  legalDocumentId: string;
  dueBy: string;
  clearedAt: Date | null;
}

export const PROCEDURE_COLUMNS = `p.id, p.code, p.name, p.field, p.level, p.authority,
  p.statutory_days::float8 AS "statutoryDays", p.fee, p.required_documents AS "requiredDocuments"`;

export const PROCESS_COLUMNS = `pr.id, pr.procedure_id AS "procedureId", pr.owner_unit_id AS "ownerUnitId",
  pr.owner_path AS "ownerPath", pr.version, pr.steps, pr.total_hours::float8 AS "totalHours", pr.approved,
  pr.effective_from AS "effectiveFrom", pr.approved_at AS "approvedAt", pr.approved_by AS "approvedBy",
  pr.created_at AS "createdAt"`;

export const LEGAL_DOCUMENT_COLUMNS = `d.id, d.number, d.title, d.issued_on AS "issuedOn", d.effective_on AS "effectiveOn"`;

export const REVIEW_COLUMNS = `r.id, r.procedure_id AS "procedureId", r.owner_unit_id AS "ownerUnitId",
  r.owner_path AS "ownerPath", r.legal_document_id AS "legalDocumentId", r.due_by AS "dueBy", r.cleared_at AS "clearedAt"`;

/** A procedure as the graph carries it: in a unit's list it remembers that unit, for targetDays. */
export type ProcedureNode = ProcedureRow & { contextUnitPath?: string };

/** An AdministrativeUnit as this subgraph knows it: the id, and the directory entry when loaded. */
export interface UnitReference {
  id: string;
}

export interface OfficialReference {
  id: string;
}
