/**
 * The applicant's personal data (CCCD/CMND number, phone, e-mail) is shown in full only where it
 * is needed to serve the citizen: the single-dossier view (`dossier(code)`) for an official who
 * works dossiers (RECEIVER, HANDLER, LEADER) in the dossier's unit or a unit above it. Everywhere
 * else — lists, search, work queues, mutation answers, references from other services, and every
 * reader by national role alone (MINISTRY_VIEWER, SYSTEM_ADMIN, AUDITOR, ISO_SECRETARY) — it is
 * masked: enough to recognise a citizen at the counter, not enough to identify one.
 */
import type { Caller } from '@eiso/auth';

export interface ApplicantData {
  name: string;
  idNumber: string | null;
  phone: string | null;
  email: string | null;
}

export interface ApplicantView extends ApplicantData {
  masked: boolean;
}

/** The roles that serve the citizen; a national reading role does not see personal data. */
export const ROLES_SEEING_PERSONAL_DATA = ['RECEIVER', 'HANDLER', 'LEADER'] as const;

/** Whether `caller`, reading one dossier of the unit at `unitPath`, sees its applicant in full. */
export function seesApplicantInFull(caller: Caller, unitPath: string): boolean {
  if (caller.kind !== 'official') return false;
  return (
    unitPath.startsWith(caller.unitPath) &&
    caller.roles.some((r) => (ROLES_SEEING_PERSONAL_DATA as readonly string[]).includes(r))
  );
}

/** Keeps `head` leading and `tail` trailing characters, stars in between; a short value keeps at most half. */
function keepEnds(value: string, head: number, tail: number): string {
  const chars = [...value];
  const budget = Math.floor(chars.length / 2);
  const keptHead = head + tail <= budget ? head : Math.floor(budget / 2);
  const keptTail = head + tail <= budget ? tail : budget - keptHead;
  return (
    chars.slice(0, keptHead).join('') +
    '*'.repeat(chars.length - keptHead - keptTail) +
    chars.slice(chars.length - keptTail).join('')
  );
}

/** `022090001234` → `0220******34` (12-digit CCCD; a 9-digit CMND keeps 3 and 1). */
export function maskIdNumber(value: string | null): string | null {
  if (value === null) return null;
  const v = value.trim();
  return v.length >= 12 ? keepEnds(v, 4, 2) : keepEnds(v, 3, 1);
}

/** `0912345678` → `091*****78`; `+84912345678` → `+84*******78`. */
export function maskPhone(value: string | null): string | null {
  if (value === null) return null;
  const v = value.replace(/[\s.-]/g, '');
  return keepEnds(v, 3, 2);
}

/** `nguyen.an@gmail.com` → `n***@gmail.com`: the first letter of the mailbox, the domain. */
export function maskEmail(value: string | null): string | null {
  if (value === null) return null;
  const at = value.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${[...value][0]}***${value.slice(at)}`;
}

export function maskApplicant(applicant: ApplicantData): ApplicantView {
  return {
    name: applicant.name,
    idNumber: maskIdNumber(applicant.idNumber),
    phone: maskPhone(applicant.phone),
    email: maskEmail(applicant.email),
    masked: true,
  };
}

/** The applicant as `caller` may see it: in full only in a single-dossier view of their own unit's dossier. */
export function applicantFor(
  caller: Caller,
  dossier: { unitPath: string },
  applicant: ApplicantData,
  singleDossierView: boolean,
): ApplicantView {
  return singleDossierView && seesApplicantInFull(caller, dossier.unitPath)
    ? { ...applicant, masked: false }
    : maskApplicant(applicant);
}
