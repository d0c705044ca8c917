/**
 * Polls `read` until `done` says yes or `timeoutMs` passes, and returns the last value either way —
 * the test then asserts on it, so a timeout fails with what was last seen, not a bare timeout.
 */
export async function waitFor<T>(
  read: () => T | Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
  everyMs = 250,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
