import type { Channel, DossierStatus } from '../domain/lifecycle';

export interface DossierRow {
  id: string;
  code: string;
  unitId: string;
  unitPath: string;
  procedureId: string;
  processId: string | null;
  channel: Channel;
  status: DossierStatus;
  version: number;
  receivedAt: Date;
  /** The receipt day in Vietnam (YYYY-MM-DD): the partition key, so lookups after the first are pruned. */
  receivedDay: string;
  dueAt: Date;
  appointmentDueAt: Date;
  completedAt: Date | null;
  returnedAt: Date | null;
  supplementRequests: number;
  currentStep: number | null;
  applicantName: string;
  applicantIdNumber: string | null;
  applicantPhone: string | null;
  applicantEmail: string | null;
  pinHash: string;
  feedbackRating: number | null;
  feedbackComment: string | null;
  feeDue: string | null;
  paidOnline: boolean;
  digitized: boolean;
  electronicResult: boolean;
}

/**
 * A dossier as the graph carries it; `trackingPin` only in the answer to its receipt;
 * `singleView` when it is the answer to `dossier(code)` (its applicant may then be shown in full).
 */
export type DossierNode = DossierRow & { trackingPin?: string; singleView?: boolean };

export interface StepRow {
  dossierId: string;
  order: number;
  name: string;
  role: string;
  durationHours: number;
  assigneeId: string | null;
  startedAt: Date | null;
  dueAt: Date | null;
  completedAt: Date | null;
  note: string | null;
}

export interface PauseRow {
  dossierId: string;
  reason: string;
  startedAt: Date;
  endedAt: Date | null;
}

export interface ApologyRow {
  dossierId: string;
  issuedAt: Date;
  reason: string;
  newDueAt: Date;
}

export const DOSSIER_COLUMNS = `d.id, d.code, d.unit_id AS "unitId", d.unit_path AS "unitPath", d.procedure_id AS "procedureId",
  d.process_id AS "processId", d.channel, d.status, d.version, d.received_at AS "receivedAt",
  d.received_day::text AS "receivedDay", d.due_at AS "dueAt",
  d.appointment_due_at AS "appointmentDueAt", d.completed_at AS "completedAt", d.returned_at AS "returnedAt",
  d.supplement_requests AS "supplementRequests", d.current_step AS "currentStep", d.applicant_name AS "applicantName",
  d.applicant_id_number AS "applicantIdNumber", d.applicant_phone AS "applicantPhone", d.applicant_email AS "applicantEmail",
  d.pin_hash AS "pinHash", d.feedback_rating AS "feedbackRating", d.feedback_comment AS "feedbackComment",
  d.fee_due AS "feeDue", d.paid_online AS "paidOnline", d.digitized, d.electronic_result AS "electronicResult"`;

export const STEP_COLUMNS = `s.dossier_id AS "dossierId", s.step_order AS "order", s.name, s.role,
  s.duration_hours::float8 AS "durationHours", s.assignee_id AS "assigneeId", s.started_at AS "startedAt",
  s.due_at AS "dueAt", s.completed_at AS "completedAt", s.note`;

/** The unit's code is the last segment of its path: `/VN/22/144/` → `144`. */
export function unitCodeOf(unitPath: string): string {
  const parts = unitPath.split('/').filter(Boolean);
  return parts[parts.length - 1];
}

/** An entity of another subgraph, by its key. */
export interface Reference {
  id: string;
}
