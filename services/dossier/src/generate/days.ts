/**
 * Where planned days come from: this thread (`inProcess`), or worker threads (`inWorkers`) that
 * each build the same plan from the same input and plan the days they are sent. Days are asked
 * for in order and come back in order; a few are planned ahead, so the loader writes one day
 * while the next ones are planned. A day's buffers go back where it was planned once written out
 * (binary.ts, BufferPool). Each worker counts the rollups of its own days; they are added up at
 * the end (whole numbers: the sum is the same however the days were shared out).
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { addDays } from '@eiso/calendar';
import { BufferPool } from './binary';
import { TabledCalendar } from './calendar';
import { NationalYearPlan, type PlannedDay, type PlanInput } from './plan';
import { Rollups } from './rollups';

export interface DaySource {
  /** Day `d`'s rows, whole or in parts (days asked for in order 0, 1, 2, …). */
  day(d: number): AsyncIterable<PlannedDay>;
  /** Takes back a day's buffers once its rows are written out, for the days still to plan. */
  release(day: PlannedDay): void;
  /** Every day's rollups, once all days are planned. */
  rollups(): Promise<Rollups>;
  close(): Promise<void>;
}

/** The calendar a plan's days need: the window, a week before, and a year and more after. */
export function planCalendar(input: PlanInput): TabledCalendar {
  const asOf = new Date(input.window.asOf.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
  return new TabledCalendar(addDays(input.window.from, -7), addDays(asOf, 400));
}

/** The buffers a day's rows are in (one each). */
export function buffersOf(day: PlannedDay): ArrayBuffer[] {
  return [day.dossiers, day.steps, day.events].map((b) => b.buffer as ArrayBuffer);
}

/**
 * Days planned on this thread, in parts of `part` dossiers: between two, the thread lets the
 * sockets take the part just written, so PostgreSQL is not left waiting while a day is planned.
 */
export function inProcess(plan: NationalYearPlan, part = 2000): DaySource {
  const rollups = plan.rollups();
  const pool = new BufferPool();
  return {
    async *day(d) {
      for (const rows of plan.planDayParts(d, rollups, pool, part)) {
        yield rows;
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    release: (day) => buffersOf(day).forEach((b) => pool.give(b)),
    rollups: () => Promise.resolve(rollups),
    close: () => Promise.resolve(),
  };
}

/**
 * The worker runs worker.js when compiled. Run from sources (tsx), a worker thread does not get
 * the main thread's TypeScript loader on Node 20, so it registers tsx's require hook first.
 */
function startWorker(input: PlanInput): Worker {
  const file = path.join(__dirname, `worker${path.extname(__filename)}`);
  if (!file.endsWith('.ts')) return new Worker(file, { workerData: input });
  const tsx = require.resolve('tsx/cjs');
  return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(file)});`, {
    eval: true,
    workerData: input,
  });
}

interface Pending {
  resolve: (day: PlannedDay) => void;
  reject: (error: Error) => void;
  promise: Promise<PlannedDay>;
}

/** `count` workers, day d planned by worker d mod count, up to `ahead` days per worker in flight. */
export function inWorkers(plan: NationalYearPlan, input: PlanInput, count: number, ahead = 2): DaySource {
  const workers = Array.from({ length: count }, () => startWorker(input));
  const pending = new Map<number, Pending>();
  let failure: Error | null = null;
  const fail = (error: Error) => {
    failure ??= error;
    for (const p of pending.values()) p.reject(error);
  };
  for (const w of workers) {
    w.on('message', (m: PlannedDay | { error: string }) => {
      if ('error' in m) return fail(new Error(`generate worker: ${m.error}`));
      pending.get(m.day)?.resolve(m);
    });
    w.on('error', fail);
    w.on('exit', (code) => {
      if (code !== 0) fail(new Error(`generate worker exited with code ${code}`));
    });
  }
  let requested = 0;
  const request = (d: number) => {
    let resolve!: (day: PlannedDay) => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<PlannedDay>((y, n) => ((resolve = y), (reject = n)));
    promise.catch(() => undefined);
    pending.set(d, { resolve, reject, promise });
    workers[d % count].postMessage({ type: 'day', day: d });
  };
  const days = plan.workingDays.length;
  return {
    async *day(d) {
      if (failure) throw failure;
      while (requested < Math.min(days, d + 1 + ahead * count)) request(requested++);
      const day = await pending.get(d)!.promise;
      pending.delete(d);
      yield day;
    },
    release(day) {
      const buffers = buffersOf(day);
      workers[day.day % count].postMessage({ type: 'release', buffers }, buffers);
    },
    async rollups() {
      // The first worker's table is the total: a third one here would be 160 MB more to collect.
      let total: Rollups | null = null;
      for (const w of workers) {
        const part = await new Promise<Rollups>((resolve, reject) => {
          w.once('message', (m: { counters: Int32Array; worked: Float64Array } | { error: string }) =>
            'error' in m
              ? reject(new Error(`generate worker: ${m.error}`))
              : resolve(new Rollups(plan.units.length, plan.spanDays, m)),
          );
          w.postMessage({ type: 'rollups' });
        });
        if (total) total.merge(part);
        else total = part;
      }
      return total!;
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
