/**
 * The QMS reminder sweep (rules in domain/reminders.ts), run every hour by the notification worker
 * through a BullMQ job scheduler (upserted once, so replicas never run the same tick twice). It reads
 * what is due through the owners' APIs — catalog `reviewsDueBy`, audit `qmsActivityGaps` and
 * `correctiveActionsDue`, all indexed reads of what falls due soon — and inserts the notices with
 * the unique key (official, kind, subject, threshold): a repeated or interrupted sweep adds nothing.
 */
import { Queue, Worker } from 'bullmq';
import { inJobTrace, queueConnection, tracedProcessor, type RedisConnection } from '@eiso/outbox';
import type { Metrics } from '@eiso/server';
import type { DataSource, EntityManager } from 'typeorm';
import { postSignedGraphQL, SYSTEM_CALLER } from '@eiso/auth';
import { todayInVietnam } from '@eiso/calendar';
import type { Logger } from '@eiso/logging';
import {
  actionHorizon,
  actionThreshold,
  auditRemindersOpen,
  reviewHorizon,
  reviewThreshold,
} from '../domain/reminders';

export const REMINDERS_QUEUE = 'notification.reminders';
const PAGE = 200;

export interface ReminderSources {
  catalogUrl: string;
  auditUrl: string;
  secret: string;
}

export interface ReminderResult {
  reviews: number;
  audits: number;
  actions: number;
}

interface Notice {
  officialId: string;
  kind: 'PROCESS_REVIEW_DUE' | 'AUDIT_DUE' | 'CORRECTIVE_ACTION_DUE';
  subject: string;
  threshold: string;
  title: string;
  body: string;
}

export async function sweepReminders(
  db: DataSource,
  sources: ReminderSources,
  today: string = todayInVietnam(),
): Promise<ReminderResult> {
  return {
    reviews: await remindReviews(db, sources, today),
    audits: auditRemindersOpen(today) ? await remindAudits(db, sources, today) : 0,
    actions: await remindActions(db, sources, today),
  };
}

const ask = <T>(url: string, sources: ReminderSources, query: string, variables: Record<string, unknown>) =>
  postSignedGraphQL<T>(url, query, variables, { caller: SYSTEM_CALLER, secret: sources.secret });

interface ReviewPage {
  reviewsDueBy: {
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: {
      node: {
        id: string;
        dueBy: string;
        owner: { id: string };
        procedure: { code: string; name: string };
        legalDocument: { number: string };
      };
    }[];
  };
}

/** PROCESS_REVIEW_DUE to the owner unit's ISO secretaries, page by page. */
async function remindReviews(db: DataSource, sources: ReminderSources, today: string): Promise<number> {
  let created = 0;
  let after: string | null = null;
  do {
    const page: ReviewPage = await ask<ReviewPage>(
      sources.catalogUrl,
      sources,
      `query($until: Date!, $first: Int!, $after: String) { reviewsDueBy(until: $until, first: $first, after: $after) {
         pageInfo { hasNextPage endCursor }
         edges { node { id dueBy owner { id } procedure { code name } legalDocument { number } } } } }`,
      { until: reviewHorizon(today), first: PAGE, after },
    );
    const reviews = page.reviewsDueBy.edges.map((e) => e.node);
    const secretaries = await officialsOfUnits(
      db,
      'unit_id',
      reviews.map((r) => r.owner.id),
    );
    const notices = reviews.flatMap((r) => {
      const threshold = reviewThreshold(today, r.dueBy);
      if (!threshold) return [];
      const late = threshold === 'overdue';
      return (secretaries.get(r.owner.id) ?? []).map((officialId): Notice => ({
        officialId,
        kind: 'PROCESS_REVIEW_DUE',
        subject: `review:${r.id}`,
        threshold,
        title: late
          ? `Quá hạn rà soát quy trình ${r.procedure.code}`
          : `Rà soát quy trình ${r.procedure.code} trước ${r.dueBy}`,
        body: `Quy trình nội bộ của thủ tục "${r.procedure.name}" phải được cập nhật theo văn bản ${r.legalDocument.number} ${
          late ? `từ ngày ${r.dueBy} (đã quá hạn)` : `trước ngày ${r.dueBy}`
        }.`,
      }));
    });
    created += await insertNotices(db.manager, notices);
    after = page.reviewsDueBy.pageInfo.hasNextPage ? page.reviewsDueBy.pageInfo.endCursor : null;
  } while (after);
  return created;
}

/** AUDIT_DUE to the ISO secretaries of units with no internal audit or management review this year. */
async function remindAudits(db: DataSource, sources: ReminderSources, today: string): Promise<number> {
  const year = Number(today.slice(0, 4));
  const { qmsActivityGaps: gaps } = await ask<{
    qmsActivityGaps: {
      unitId: string;
      unitPath: string;
      internalAuditPlanned: boolean;
      managementReviewPlanned: boolean;
    }[];
  }>(
    sources.auditUrl,
    sources,
    `query($year: Int!) { qmsActivityGaps(year: $year) { unitId unitPath internalAuditPlanned managementReviewPlanned } }`,
    { year },
  );
  const secretaries = await officialsOfUnits(
    db,
    'unit_path',
    gaps.map((g) => g.unitPath),
  );
  const notices = gaps.flatMap((gap) =>
    (secretaries.get(gap.unitPath) ?? []).flatMap((officialId) => [
      ...(gap.internalAuditPlanned
        ? []
        : [
            {
              officialId,
              kind: 'AUDIT_DUE' as const,
              subject: `qms:${gap.unitId}`,
              threshold: `internal-audit-${year}`,
              title: `Chưa có kế hoạch đánh giá nội bộ năm ${year}`,
              body: `Đơn vị chưa lập kế hoạch đánh giá nội bộ hệ thống quản lý chất lượng năm ${year}; việc đánh giá phải thực hiện ít nhất một lần mỗi năm.`,
            },
          ]),
      ...(gap.managementReviewPlanned
        ? []
        : [
            {
              officialId,
              kind: 'AUDIT_DUE' as const,
              subject: `qms:${gap.unitId}`,
              threshold: `management-review-${year}`,
              title: `Chưa có cuộc họp xem xét của lãnh đạo năm ${year}`,
              body: `Đơn vị chưa tổ chức xem xét của lãnh đạo đối với hệ thống quản lý chất lượng năm ${year}; việc xem xét phải thực hiện ít nhất một lần mỗi năm.`,
            },
          ]),
    ]),
  );
  return insertNotices(db.manager, notices);
}

/** CORRECTIVE_ACTION_DUE to each open action's owner, a week before its date and once it has passed. */
async function remindActions(db: DataSource, sources: ReminderSources, today: string): Promise<number> {
  const { correctiveActionsDue: actions } = await ask<{
    correctiveActionsDue: { id: string; description: string; dueOn: string; ownerId: string }[];
  }>(
    sources.auditUrl,
    sources,
    `query($until: Date!) { correctiveActionsDue(until: $until) { id description dueOn ownerId } }`,
    { until: actionHorizon(today) },
  );
  const notices = actions.flatMap((action): Notice[] => {
    const threshold = actionThreshold(today, action.dueOn);
    if (!threshold) return [];
    return [
      {
        officialId: action.ownerId,
        kind: 'CORRECTIVE_ACTION_DUE',
        subject: `action:${action.id}`,
        threshold,
        title:
          threshold === 'after'
            ? `Hành động khắc phục quá hạn (${action.dueOn})`
            : `Hành động khắc phục đến hạn ${action.dueOn}`,
        body: `${action.description.slice(0, 300)} — hạn hoàn thành ${action.dueOn}.`,
      },
    ];
  });
  return insertNotices(db.manager, notices);
}

/** The ISO secretaries of the given units, by unit id or path. */
async function officialsOfUnits(
  db: DataSource,
  key: 'unit_id' | 'unit_path',
  units: string[],
): Promise<Map<string, string[]>> {
  if (units.length === 0) return new Map();
  const rows: { unit: string; id: string }[] = await db.query(
    `SELECT ${key} AS unit, id FROM official_directory
     WHERE ${key} = ANY($1) AND 'ISO_SECRETARY' = ANY(roles)`,
    [[...new Set(units)]],
  );
  const byUnit = new Map<string, string[]>();
  for (const row of rows) byUnit.set(row.unit, [...(byUnit.get(row.unit) ?? []), row.id]);
  return byUnit;
}

async function insertNotices(m: EntityManager, notices: Notice[]): Promise<number> {
  if (notices.length === 0) return 0;
  const column = <K extends keyof Notice>(key: K) => notices.map((n) => n[key]);
  const rows = await m.query(
    `INSERT INTO notification (official_id, kind, subject, threshold, title, body)
     SELECT * FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::varchar[], $5::text[], $6::text[])
     ON CONFLICT DO NOTHING RETURNING id`,
    [
      column('officialId'),
      column('kind'),
      column('subject'),
      column('threshold'),
      column('title'),
      column('body'),
    ],
  );
  return rows.length;
}

/** The hourly scheduler and its worker (one sweep at a time across replicas). */
export async function startReminderJobs(options: {
  db: DataSource;
  redis: RedisConnection;
  prefix: string;
  sources: ReminderSources;
  everyMs: number;
  logger: Logger;
  /** The worker's metrics: these jobs and their queue. */
  metrics?: Pick<Metrics, 'watchWorker'>;
}): Promise<{ stop(): Promise<void> }> {
  const { db, redis, prefix, sources, logger } = options;
  const queue = new Queue(REMINDERS_QUEUE, queueConnection(redis, prefix, REMINDERS_QUEUE));
  await queue.upsertJobScheduler(
    'qms-reminders',
    { every: options.everyMs },
    { name: 'sweep', opts: { attempts: 3, backoff: { type: 'exponential', delay: 30_000 } } },
  );
  const worker = new Worker(
    REMINDERS_QUEUE,
    tracedProcessor(async () => {
      const result = await sweepReminders(db, sources);
      if (result.reviews + result.audits + result.actions > 0) logger.info(result, 'QMS reminders');
      return result;
    }),
    { ...queueConnection(redis, prefix, REMINDERS_QUEUE), concurrency: 1 },
  );
  worker.on('failed', (job, error) =>
    inJobTrace(job, () =>
      logger.warn({ err: error, job: job?.name, attempt: job?.attemptsMade }, 'QMS reminder sweep failed'),
    ),
  );
  options.metrics?.watchWorker(worker);
  return {
    stop: async () => {
      await worker.close();
      await queue.close();
    },
  };
}
