/**
 * A planning thread of `eiso generate` (days.ts, inWorkers): makes the plan from the input it is
 * given, plans the days it is sent and posts back their COPY text as UTF-8 bytes (transferred, not
 * copied), then its rollups when asked.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { planCalendar } from './days';
import { NationalYearPlan, type PlanInput } from './plan';

const input = workerData as PlanInput;
const plan = new NationalYearPlan(input, planCalendar(input));
const rollups = plan.rollups();
const port = parentPort!;

port.on('message', (m: { type: 'day'; day: number } | { type: 'rollups' }) => {
  try {
    if (m.type === 'rollups') {
      port.postMessage({ counters: rollups.counters, worked: rollups.worked }, [
        rollups.counters.buffer as ArrayBuffer,
        rollups.worked.buffer as ArrayBuffer,
      ]);
      return;
    }
    const day = plan.planDay(m.day, rollups);
    const dossiers = bytes(day.dossiers);
    const steps = bytes(day.steps);
    const events = bytes(day.events);
    const sequences = bytes(day.sequences);
    port.postMessage({ ...day, dossiers, steps, events, sequences }, [
      dossiers.buffer as ArrayBuffer,
      steps.buffer as ArrayBuffer,
      events.buffer as ArrayBuffer,
      sequences.buffer as ArrayBuffer,
    ]);
  } catch (error) {
    port.postMessage({ error: String((error as Error)?.stack ?? error) });
  }
});

/** The text's UTF-8 bytes in a buffer of their own (transferable). */
function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
