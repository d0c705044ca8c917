/** Off-contract queries for the notification worker's QMS reminders (SYSTEM_ADMIN callers only). */
import { requireSystemAdmin } from '@eiso/auth';
import { isIsoDate } from '@eiso/calendar';
import { errors } from '@eiso/errors';
import type { AuditContext } from '../context';
import { correctiveActionsDue, qmsActivityGaps } from '../db/reminders';

const requireSystem = (ctx: AuditContext) =>
  requireSystemAdmin(ctx.caller, 'This feed of the notification service');

export const reminderQueries = {
  qmsActivityGaps: async (_: unknown, { year }: { year: number }, ctx: AuditContext) => {
    requireSystem(ctx);
    if (!Number.isInteger(year) || year < 2000 || year > 2100)
      throw errors.badInput('year is from 2000 to 2100', 'year');
    return qmsActivityGaps(ctx.db, year);
  },
  correctiveActionsDue: async (_: unknown, { until }: { until: string }, ctx: AuditContext) => {
    requireSystem(ctx);
    if (!isIsoDate(until)) throw errors.badInput('until is not a date', 'until');
    return correctiveActionsDue(ctx.db, until);
  },
};
