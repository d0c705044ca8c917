/**
 * The deadline sweep (issue 9, #5): seconds per sweep of the dossier worker's real `sweepDeadlines`
 * (services/dossier/src/jobs/sweep.ts) over the running system's dossiers.
 *
 * - the first sweep: the dataset as a sweep first finds it, no deadline announced yet — it
 *   announces what is due soon, overdue and escalated, at most its batch (5,000) of each kind;
 * - catching up: sweeps until one announces nothing (each bounded by its batch);
 * - steady state: sweeps with nothing new to announce, what the worker pays every minute.
 *
 * Nothing it does stays: everything runs in one transaction that is rolled back at the end. It
 * first deletes the stored notices (`deadline_notice`) — inside that transaction, so the dataset
 * looks never swept — then passes `sweepDeadlines` the transaction's EntityManager in place of the
 * DataSource: the sweep only calls `db.transaction(...)`, which on a query runner already in a
 * transaction becomes a SAVEPOINT, so each sweep runs its own statements as the worker does and
 * its notices and outbox events vanish with the rollback. While it runs, the live worker's own
 * sweep still sees the committed notices; one that would announce a deadline this run also
 * announced waits on the unique key until the rollback, then goes ahead.
 *
 *   pnpm bench sweep.ts [--quick]      # DATABASE_URL (or DOSSIER_DATABASE_URL) of the running system
 */
import type { DataSource } from 'typeorm';
import { nationalCalendar } from '@eiso/calendar';
import {
  createDossierDataSource,
  loadDossierDatabaseConfig,
  sweepDeadlines,
  type SweepResult,
} from '@eiso/dossier';
import { DATASET, QUICK, load, loadNote, machine, postgresVersion, rowContext, saveResult } from './support';

const TARGET_SECONDS = 10;
const STEADY_RUNS = QUICK ? 3 : 5;
/** Catching up stops here even if a sweep still found something (a huge backlog). */
const MAX_CATCH_UP = QUICK ? 20 : 200;

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
const announced = (r: SweepResult) => Object.values(r).reduce((a, b) => a + b, 0);

async function main(): Promise<void> {
  const started = load();
  const { dataSource } = createDossierDataSource(loadDossierDatabaseConfig(process.env), 1);
  await dataSource.initialize();
  const [dataset] = await dataSource.query(
    `SELECT (SELECT count(*)::int FROM dossier) AS dossiers,
            (SELECT count(*)::int FROM dossier WHERE completed_at IS NULL) AS "openDossiers",
            (SELECT count(*)::int FROM dossier
              WHERE completed_at IS NULL AND status <> 'SUPPLEMENT_REQUESTED' AND due_at < now()) AS "overdueDossiers",
            (SELECT count(*)::int FROM dossier_step
              WHERE started_at IS NOT NULL AND completed_at IS NULL) AS "runningSteps",
            (SELECT count(*)::int FROM deadline_notice) AS "storedNotices"`,
  );
  console.error(
    `${dataset.dossiers} dossiers, ${dataset.openDossiers} open (${dataset.overdueDossiers} overdue), ${dataset.runningSteps} running steps, ${dataset.storedNotices} notices stored`,
  );

  const runner = dataSource.createQueryRunner();
  await runner.connect();
  await runner.startTransaction();
  const sweeps: { phase: 'first' | 'catch-up' | 'steady'; ms: number; result: SweepResult }[] = [];
  try {
    await runner.query(`DELETE FROM deadline_notice`);
    // sweepDeadlines(db) only calls db.transaction(work): the transaction's manager runs it as a
    // savepoint inside this transaction, rolled back below.
    const db = runner.manager as unknown as DataSource;
    const sweep = async (phase: 'first' | 'catch-up' | 'steady') => {
      const t0 = process.hrtime.bigint();
      const result = await sweepDeadlines(db, nationalCalendar, new Date());
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      sweeps.push({ phase, ms: round(ms, 1), result });
      console.error(`sweep ${sweeps.length}: ${Math.round(ms)} ms, ${announced(result)} announced`, result);
      return result;
    };
    let last = await sweep('first');
    let catchUps = 0;
    while (announced(last) > 0 && catchUps < MAX_CATCH_UP) {
      last = await sweep('catch-up');
      catchUps++;
    }
    const caughtUp = announced(last) === 0;
    // The sweep that found nothing left is already a steady one.
    if (caughtUp && sweeps.length > 1) sweeps[sweeps.length - 1].phase = 'steady';
    while (caughtUp && sweeps.filter((s) => s.phase === 'steady').length < STEADY_RUNS) await sweep('steady');
    const finished = load();

    const first = sweeps[0];
    const steady = sweeps.filter((s) => s.phase === 'steady').map((s) => s.ms);
    const catchUp = sweeps.filter((s) => s.phase === 'catch-up');
    const steadyMedian = steady.length
      ? [...steady].sort((a, b) => a - b)[Math.floor(steady.length / 2)]
      : null;
    const worst = Math.max(...sweeps.map((s) => s.ms));
    const verdict = {
      firstSweep: `${round(first.ms / 1000)} s (target ≤ ${TARGET_SECONDS} s): ${first.ms <= TARGET_SECONDS * 1000 ? 'met' : 'missed'}`,
      steadySweep:
        steadyMedian === null
          ? `not reached: still announcing after ${catchUps} catch-up sweeps (MAX_CATCH_UP)`
          : `${round(steadyMedian / 1000, 3)} s (target ≤ ${TARGET_SECONDS} s): ${steadyMedian <= TARGET_SECONDS * 1000 ? 'met' : 'missed'}`,
      slowestSweep: `${round(worst / 1000)} s`,
    };
    console.error('\ntargets:', verdict);
    const m = machine();
    m.postgres = await postgresVersion();
    const note = loadNote(started, finished);
    const result = {
      benchmark: "Deadline sweep: the dossier worker's sweepDeadlines, first, catching up and steady state",
      mode: QUICK ? 'quick' : 'full',
      date: new Date().toISOString(),
      machine: m,
      dataset: { label: DATASET, ...dataset },
      load: { started, finished, note },
      method:
        'one transaction rolled back at the end: the stored notices deleted inside it (the dataset as never swept), then sweepDeadlines (batch 5,000 per kind) on its EntityManager, each sweep a savepoint; sweeps until one announces nothing, then the steady ones',
      sweeps,
      first: { ms: first.ms, announced: announced(first.result), ...first.result },
      catchUp: {
        sweeps: catchUp.length,
        ms: round(
          catchUp.reduce((a, s) => a + s.ms, 0),
          1,
        ),
        announced: catchUp.reduce((a, s) => a + announced(s.result), 0),
        caughtUp,
      },
      steadyMs: { each: steady, median: steadyMedian },
      target: { atMostSeconds: TARGET_SECONDS },
      verdict,
    };
    saveResult('sweep', result, {
      figures: `first sweep ${round(first.ms / 1000)} s (${announced(first.result)} announced); ${catchUp.length} catch-up sweeps (${result.catchUp.announced} announced${caughtUp ? '' : ', not caught up'}); steady ${steadyMedian === null ? 'not reached' : `${round(steadyMedian / 1000, 3)} s`}; over ${dataset.openDossiers} open dossiers (${dataset.overdueDossiers} overdue), ${dataset.runningSteps} running steps`,
      target: `≤ ${TARGET_SECONDS} s per sweep: ${worst <= TARGET_SECONDS * 1000 ? 'met' : `missed (slowest ${round(worst / 1000, 1)} s)`}`,
      ...rowContext(m, result.date, started, finished),
    });
  } finally {
    await runner.rollbackTransaction();
    await runner.release();
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
