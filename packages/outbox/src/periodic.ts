/**
 * A task run every `intervalMs`, never two at once: a tick while one is in flight is skipped, and
 * `stop()` waits for the one in flight (a relay batch half-marked would be re-sent, but a clean
 * stop should not leave one). Failures go to `onError` and the next tick tries again.
 */
export interface Periodic {
  /** Runs the task now (or waits for the run in flight and then runs it). */
  runNow(): Promise<void>;
  stop(): Promise<void>;
}

export function startPeriodic(
  task: () => Promise<unknown>,
  intervalMs: number,
  onError: (error: unknown) => void,
): Periodic {
  let inFlight: Promise<void> | null = null;
  const tick = () => {
    if (inFlight) return inFlight;
    inFlight = task()
      .then(() => undefined)
      .catch(onError)
      .finally(() => (inFlight = null));
    return inFlight;
  };
  const timer = setInterval(() => void tick(), intervalMs);
  return {
    runNow: async () => {
      await inFlight;
      await tick();
    },
    stop: async () => {
      clearInterval(timer);
      await inFlight;
    },
  };
}
