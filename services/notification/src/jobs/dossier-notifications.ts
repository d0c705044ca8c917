/**
 * In-app notifications from the dossier events: STEP_ASSIGNED to whoever gets the next step,
 * DUE_SOON and OVERDUE to the current step's assignee (the unit's handlers when nobody is
 * assigned), OVERDUE to the unit's leaders too, and APOLOGY_REQUIRED while an overdue dossier owes
 * its applicant an apology. Each is inserted once per recipient, kind, dossier and threshold (a
 * unique key), so replayed events and repeated sweeps add nothing.
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
}

interface Notice {
  kind: string;
  threshold: string;
  title: string;
  body: string;
  to: 'assignee' | 'leaders';
}

function noticesFor(event: EisoEvent): Notice[] {
  const p = event.payload as unknown as Payload;
  switch (event.type) {
    case 'dossier.step_completed':
      return p.assigneeId && p.nextStep
        ? [
            {
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
          kind: 'DUE_SOON',
          threshold: 'dossier',
          title: `Hồ sơ ${p.code} sắp đến hạn`,
          body: `Hồ sơ ${p.code} còn dưới 8 giờ làm việc trước hạn trả kết quả.`,
          to: 'assignee',
        },
      ];
    case 'dossier.overdue':
      return [
        {
          kind: 'OVERDUE',
          threshold: 'dossier',
          title: `Hồ sơ ${p.code} quá hạn`,
          body: `Hồ sơ ${p.code} đã quá hạn trả kết quả.`,
          to: 'assignee',
        },
        {
          kind: 'OVERDUE',
          threshold: 'dossier',
          title: `Hồ sơ ${p.code} quá hạn`,
          body: `Hồ sơ ${p.code} của đơn vị đã quá hạn trả kết quả.`,
          to: 'leaders',
        },
        {
          kind: 'APOLOGY_REQUIRED',
          threshold: 'dossier',
          title: `Cần phiếu xin lỗi cho hồ sơ ${p.code}`,
          body: `Hồ sơ ${p.code} quá hạn: gửi phiếu xin lỗi và hẹn lại ngày trả kết quả.`,
          to: 'assignee',
        },
      ];
    case 'dossier.step_overdue':
      return [
        {
          kind: 'OVERDUE',
          threshold: `step-${p.step}`,
          title: `Bước ${p.step} của hồ sơ ${p.code} quá hạn`,
          body: `Bước ${p.step} của hồ sơ ${p.code} đã quá thời gian quy định.`,
          to: 'assignee',
        },
      ];
    default:
      return [];
  }
}

export async function notifyFromDossierEvent(event: EisoEvent, m: EntityManager): Promise<number> {
  const notices = noticesFor(event);
  if (notices.length === 0) return 0;
  const p = event.payload as unknown as Payload;
  let created = 0;
  for (const notice of notices) {
    const recipients = await recipientsOf(m, notice.to, p.assigneeId ?? null, event.unitPath);
    for (const officialId of recipients) {
      const rows = await m.query(
        `INSERT INTO notification (official_id, kind, subject, threshold, title, body, dossier_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING id`,
        [
          officialId,
          notice.kind,
          `dossier:${p.id}`,
          notice.threshold,
          notice.title,
          notice.body,
          p.id,
          event.occurredAt,
        ],
      );
      created += rows.length;
    }
  }
  return created;
}

async function recipientsOf(
  m: EntityManager,
  to: Notice['to'],
  assigneeId: string | null,
  unitPath: string,
): Promise<string[]> {
  if (to === 'assignee' && assigneeId) return [assigneeId];
  const role = to === 'leaders' ? 'LEADER' : 'HANDLER';
  const rows: { id: string }[] = await m.query(
    `SELECT id FROM official_directory WHERE unit_path = $1 AND $2 = ANY(roles)`,
    [unitPath, role],
  );
  return rows.map((r) => r.id);
}
