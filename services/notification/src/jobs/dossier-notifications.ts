/**
 * In-app notifications from the dossier events — who is told what:
 * - STEP_ASSIGNED to whoever a step is handed to;
 * - DUE_SOON to the current step's assignee (the unit's handlers when nobody is assigned) when the
 *   dossier or its step enters its last 8 working hours;
 * - OVERDUE to the assignee and the unit's one-stop head when the dossier passes its due time (to
 *   the assignee alone for a step's own deadline);
 * - APOLOGY_REQUIRED to the assignee when an overdue dossier has no apology yet; it is settled
 *   (marked read) as soon as the apology is issued;
 * - ESCALATION to the unit's leaders when the dossier is still open one more working day later,
 *   then each working morning a digest of the unit's escalated dossiers (one per leader and day).
 *
 * Each is inserted once per recipient, kind, subject and threshold (a unique key). The threshold
 * names the deadline (`dossier@<dueAt>`, `step-2@<dueAt>`, `digest-<day>`), so replayed events and
 * repeated sweeps add nothing, while a dossier whose due time moved is told again for the new one.
 *
 * The one-stop head (trưởng bộ phận một cửa): eiso has no role of that name; the unit's officials
 * holding both RECEIVER (the desk) and LEADER are the head, and when the unit has none, its
 * RECEIVERs — the desk that must tell the applicant.
 */
import type { EntityManager } from 'typeorm';
import type { EisoEvent } from '@eiso/outbox';

export const DOSSIER_NOTIFICATIONS_CONSUMER = 'notification.dossier-notifications';

interface Payload {
  id: string;
  code: string;
  unitCode: string;
  assigneeId?: string | null;
  nextStep?: number;
  step?: number;
  dueAt?: string;
  apologized?: boolean;
  /** unit.overdue_digest */
  day?: string;
  count?: number;
  codes?: string[];
}

type Audience = 'assignee' | 'one-stop-head' | 'leaders';

interface Notice {
  kind: string;
  subject: string;
  threshold: string;
  title: string;
  body: string;
  to: Audience;
  dossierId: string | null;
}

/** `2026-11-23T10:00:00Z`: the deadline a notice is about, to the second. */
const deadline = (dueAt: string | undefined) =>
  dueAt ? new Date(dueAt).toISOString().replace(/\.\d{3}Z$/, 'Z') : '';

function noticesFor(event: EisoEvent): Notice[] {
  const p = event.payload as unknown as Payload;
  const about = { subject: `dossier:${p.id}`, dossierId: p.id };
  const dossierDeadline = `dossier@${deadline(p.dueAt)}`;
  const stepDeadline = `step-${p.step}@${deadline(p.dueAt)}`;
  switch (event.type) {
    case 'dossier.step_completed':
      return p.assigneeId && p.nextStep
        ? [
            {
              ...about,
              kind: 'STEP_ASSIGNED',
              threshold: `step-${p.nextStep}`,
              title: `Hồ sơ ${p.code} chuyển đến bạn`,
              body: `Bước ${p.nextStep} của hồ sơ ${p.code} được giao cho bạn.`,
              to: 'assignee',
            },
          ]
        : [];
    case 'dossier.due_soon':
      return [
        {
          ...about,
          kind: 'DUE_SOON',
          threshold: dossierDeadline,
          title: `Hồ sơ ${p.code} sắp đến hạn`,
          body: `Hồ sơ ${p.code} còn dưới 8 giờ làm việc trước hạn trả kết quả.`,
          to: 'assignee',
        },
      ];
    case 'dossier.step_due_soon':
      return [
        {
          ...about,
          kind: 'DUE_SOON',
          threshold: stepDeadline,
          title: `Bước ${p.step} của hồ sơ ${p.code} sắp đến hạn`,
          body: `Bước ${p.step} của hồ sơ ${p.code} còn dưới 8 giờ làm việc.`,
          to: 'assignee',
        },
      ];
    case 'dossier.overdue':
      return [
        {
          ...about,
          kind: 'OVERDUE',
          threshold: dossierDeadline,
          title: `Hồ sơ ${p.code} quá hạn`,
          body: `Hồ sơ ${p.code} đã quá hạn trả kết quả.`,
          to: 'assignee',
        },
        {
          ...about,
          kind: 'OVERDUE',
          threshold: dossierDeadline,
          title: `Hồ sơ ${p.code} quá hạn`,
          body: `Hồ sơ ${p.code} của đơn vị đã quá hạn trả kết quả; bộ phận một cửa báo cho người nộp.`,
          to: 'one-stop-head',
        },
        ...(p.apologized
          ? []
          : [
              {
                ...about,
                kind: 'APOLOGY_REQUIRED',
                threshold: 'dossier',
                title: `Cần phiếu xin lỗi cho hồ sơ ${p.code}`,
                body: `Hồ sơ ${p.code} quá hạn: gửi phiếu xin lỗi và hẹn lại ngày trả kết quả.`,
                to: 'assignee' as const,
              },
            ]),
      ];
    case 'dossier.step_overdue':
      return [
        {
          ...about,
          kind: 'OVERDUE',
          threshold: stepDeadline,
          title: `Bước ${p.step} của hồ sơ ${p.code} quá hạn`,
          body: `Bước ${p.step} của hồ sơ ${p.code} đã quá thời gian quy định.`,
          to: 'assignee',
        },
      ];
    case 'dossier.escalated':
      return [
        {
          ...about,
          kind: 'ESCALATION',
          threshold: dossierDeadline,
          title: `Hồ sơ ${p.code} trễ hạn quá một ngày làm việc`,
          body: `Hồ sơ ${p.code} đã quá hạn hơn một ngày làm việc và chưa giải quyết xong.`,
          to: 'leaders',
        },
      ];
    case 'unit.overdue_digest':
      return [
        {
          kind: 'ESCALATION',
          subject: `unit:${p.unitCode}`,
          dossierId: null,
          threshold: `digest-${p.day}`,
          title: `${p.count} hồ sơ trễ hạn của đơn vị (${p.day})`,
          body: `Còn ${p.count} hồ sơ quá hạn hơn một ngày làm việc: ${(p.codes ?? []).join(', ')}${
            (p.count ?? 0) > (p.codes?.length ?? 0) ? ', …' : ''
          }.`,
          to: 'leaders',
        },
      ];
    default:
      return [];
  }
}

export async function notifyFromDossierEvent(event: EisoEvent, m: EntityManager): Promise<number> {
  return notifyFromDossierEvents([event], m);
}

interface NotificationRow {
  officialId: string;
  notice: Notice;
  createdAt: string;
}

/**
 * The notifications of a run of events, in order: the rows of consecutive events go in one
 * statement (an apology settles what came before it, so it flushes first). Recipients of a unit are
 * looked up once per run. Returns how many notifications were created.
 */
export async function notifyFromDossierEvents(events: EisoEvent[], m: EntityManager): Promise<number> {
  const recipients = new Map<string, Promise<string[]>>();
  const rows: NotificationRow[] = [];
  let created = 0;
  for (const event of events) {
    const p = event.payload as unknown as Payload;
    if (event.type === 'dossier.apology_issued') {
      created += await insertNotifications(m, rows.splice(0));
      await settleApologyRequired(m, p.id);
      continue;
    }
    for (const notice of noticesFor(event)) {
      const key = `${notice.to}|${notice.to === 'assignee' ? (p.assigneeId ?? '') : ''}|${event.unitPath}`;
      if (!recipients.has(key))
        recipients.set(key, recipientsOf(m, notice.to, p.assigneeId ?? null, event.unitPath));
      for (const officialId of await recipients.get(key)!)
        rows.push({ officialId, notice, createdAt: event.occurredAt });
    }
  }
  return created + (await insertNotifications(m, rows));
}

async function insertNotifications(m: EntityManager, rows: NotificationRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const inserted = await m.query(
    `INSERT INTO notification (official_id, kind, subject, threshold, title, body, dossier_id, created_at)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::uuid[], $8::timestamptz[])
     ON CONFLICT DO NOTHING RETURNING id`,
    [
      rows.map((r) => r.officialId),
      rows.map((r) => r.notice.kind),
      rows.map((r) => r.notice.subject),
      rows.map((r) => r.notice.threshold),
      rows.map((r) => r.notice.title),
      rows.map((r) => r.notice.body),
      rows.map((r) => r.notice.dossierId),
      rows.map((r) => r.createdAt),
    ],
  );
  return inserted.length;
}

/** The apology is issued: the APOLOGY_REQUIRED notices about the dossier are settled (read). */
async function settleApologyRequired(m: EntityManager, dossierId: string): Promise<number> {
  await m.query(
    `UPDATE notification SET read_at = now()
     WHERE subject = $1 AND kind = 'APOLOGY_REQUIRED' AND read_at IS NULL`,
    [`dossier:${dossierId}`],
  );
  return 0;
}

async function recipientsOf(
  m: EntityManager,
  to: Audience,
  assigneeId: string | null,
  unitPath: string,
): Promise<string[]> {
  if (to === 'assignee' && assigneeId) return [assigneeId];
  if (to === 'one-stop-head') return oneStopHeads(m, unitPath);
  return officialsWith(m, unitPath, to === 'leaders' ? 'LEADER' : 'HANDLER');
}

async function officialsWith(m: EntityManager, unitPath: string, role: string): Promise<string[]> {
  const rows: { id: string }[] = await m.query(
    `SELECT id FROM official_directory WHERE unit_path = $1 AND $2 = ANY(roles)`,
    [unitPath, role],
  );
  return rows.map((r) => r.id);
}

async function oneStopHeads(m: EntityManager, unitPath: string): Promise<string[]> {
  const rows: { id: string; leads: boolean }[] = await m.query(
    `SELECT id, 'LEADER' = ANY(roles) AS leads FROM official_directory
     WHERE unit_path = $1 AND 'RECEIVER' = ANY(roles)`,
    [unitPath],
  );
  const heads = rows.filter((r) => r.leads);
  return (heads.length > 0 ? heads : rows).map((r) => r.id);
}
