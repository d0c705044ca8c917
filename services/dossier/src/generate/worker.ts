/**
 * A planning thread of `eiso generate` (days.ts, inWorkers): makes the plan from the input it is
 * given, plans the days it is sent and posts back their rows (transferred, not copied), takes
 * their buffers back once written, and posts its rollups when asked.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { BufferPool } from './binary';
import { buffersOf, planCalendar } from './days';
import { NationalYearPlan, type PlanInput } from './plan';

const input = workerData as PlanInput;
const plan = new NationalYearPlan(input, planCalendar(input));
const rollups = plan.rollups();
const pool = new BufferPool();
const port = parentPort!;

type Message =
  { type: 'day'; day: number } | { type: 'release'; buffers: ArrayBuffer[] } | { type: 'rollups' };

port.on('message', (m: Message) => {
  try {
    if (m.type === 'release') return m.buffers.forEach((b) => pool.give(b));
    if (m.type === 'rollups') {
      port.postMessage({ counters: rollups.counters, worked: rollups.worked }, [
        rollups.counters.buffer as ArrayBuffer,
        rollups.worked.buffer as ArrayBuffer,
      ]);
      return;
    }
    const day = plan.planDay(m.day, rollups, pool);
    port.postMessage(day, buffersOf(day));
  } catch (error) {
    port.postMessage({ error: String((error as Error)?.stack ?? error) });
  }
});
