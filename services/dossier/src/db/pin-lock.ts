/**
 * The lock on a dossier code's public PIN checks (`dossierStatus`, `recordFeedback`): after
 * `maxFailures` wrong PINs for one code within `lockMs`, every check of that code — even with the
 * right PIN — is refused with RATE_LIMITED until `lockMs` after the last wrong one.
 *
 * Keyed by the code alone (never the caller's address), so an attacker cycling addresses gains
 * nothing; codes that do not exist are counted the same way, so the answers never tell an unknown
 * code from a wrong PIN. Each check first reserves an attempt in one atomic upsert, so concurrent
 * guesses cannot slip more than `maxFailures` PIN verifications past the counter; the right PIN
 * clears the code's count.
 */
import type { DataSource } from 'typeorm';
import { ErrorCode, eisoError } from '@eiso/errors';

export interface PinLockOptions {
  maxFailures: number;
  lockMs: number;
}

export class PinLock {
  constructor(
    private readonly db: DataSource,
    private readonly options: PinLockOptions,
  ) {}

  /**
   * Runs `check` (true when the PIN is right) for `code` under the lock: throws RATE_LIMITED while
   * the code is locked or once this attempt is one too many; records a wrong PIN; clears the count
   * on a right one.
   */
  async guard(code: string, now: Date, check: () => Promise<boolean>): Promise<boolean> {
    const { maxFailures, lockMs } = this.options;
    const stale = new Date(now.getTime() - lockMs);
    const [reserved] = (await this.db.query(
      `INSERT INTO pin_attempt AS a (code, failures, last_failure_at) VALUES ($1, 1, $2)
       ON CONFLICT (code) DO UPDATE SET
         failures = CASE
           WHEN a.locked_until > $2 THEN a.failures
           WHEN a.locked_until IS NOT NULL OR a.last_failure_at <= $3 THEN 1
           ELSE a.failures + 1 END,
         locked_until = CASE WHEN a.locked_until > $2 THEN a.locked_until END,
         last_failure_at = CASE WHEN a.locked_until > $2 THEN a.last_failure_at ELSE $2 END
       RETURNING failures, locked_until AS "lockedUntil"`,
      [code, now, stale],
    )) as { failures: number; lockedUntil: Date | null }[];
    if (reserved.lockedUntil && reserved.lockedUntil > now) throw locked(reserved.lockedUntil, now);
    if (reserved.failures > maxFailures) throw locked(await this.lock(code, now), now);
    if (await check()) {
      await this.db.query(`DELETE FROM pin_attempt WHERE code = $1`, [code]);
      return true;
    }
    if (reserved.failures >= maxFailures) await this.lock(code, now);
    // Now and then, forget the codes whose count and lock have both run out.
    if (Math.random() < 0.01)
      await this.db.query(
        `DELETE FROM pin_attempt WHERE last_failure_at <= $1 AND (locked_until IS NULL OR locked_until <= $2)`,
        [stale, now],
      );
    return false;
  }

  private async lock(code: string, now: Date): Promise<Date> {
    const until = new Date(now.getTime() + this.options.lockMs);
    const [row] = (await this.db.query(
      `UPDATE pin_attempt SET locked_until = COALESCE(locked_until, $2) WHERE code = $1
       RETURNING locked_until AS "lockedUntil"`,
      [code, until],
    )) as { lockedUntil: Date }[];
    return row?.lockedUntil ?? until;
  }
}

function locked(until: Date, now: Date) {
  const seconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  const at = until.toLocaleTimeString('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', hour12: false });
  return eisoError(
    ErrorCode.RATE_LIMITED,
    `Too many wrong PINs for this dossier code: it is locked. Try again after ${at} (Vietnam time), in ${Math.ceil(seconds / 60)} min.`,
    { retryAfter: seconds, retryAt: until.toISOString() },
  );
}
