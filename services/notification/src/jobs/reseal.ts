/**
 * Re-sealing the webhook signing secrets after a rotation of their sealing key
 * (WEBHOOK_SECRET_KEY, or GATEWAY_SIGNING_SECRET when that is unset; docs/operations.md, "Rotating
 * keys"). A secret sealed with a previous key is opened with it and sealed again with the current
 * one, so the previous key can then be dropped without losing any subscription.
 *
 * Safe to run from several processes at once and again: each row is rewritten only if it still
 * holds the box that was read (compare-and-set), and a box the current key opens is left alone.
 */
import type { DataSource } from 'typeorm';
import { openSecretWithIndex, sealSecret } from '../domain/events';

export interface ResealSummary {
  /** Subscriptions already sealed with the current key. */
  current: number;
  /** Subscriptions opened with a previous key and sealed again with the current one. */
  resealed: number;
  /** Subscriptions no given key opens: their secret is lost (see docs/operations.md). */
  unreadable: number;
}

/** `keys`: the current sealing key first, then the previous ones (`webhookOpeningKeys(config)`). */
export async function resealWebhookSecrets(db: DataSource, keys: readonly string[]): Promise<ResealSummary> {
  const summary: ResealSummary = { current: 0, resealed: 0, unreadable: 0 };
  const rows: { id: string; sealed: string }[] = await db.query(
    `SELECT id, secret_encrypted AS sealed FROM webhook_subscription ORDER BY created_at, id`,
  );
  for (const row of rows) {
    let opened: { secret: string; keyIndex: number };
    try {
      opened = openSecretWithIndex(row.sealed, keys);
    } catch {
      summary.unreadable += 1;
      continue;
    }
    if (opened.keyIndex === 0) {
      summary.current += 1;
      continue;
    }
    const [, changed] = (await db.query(
      `UPDATE webhook_subscription SET secret_encrypted = $3 WHERE id = $1 AND secret_encrypted = $2`,
      [row.id, row.sealed, sealSecret(opened.secret, keys[0])],
    )) as [unknown, number];
    // Zero: another process re-sealed it first — with the same current key, so it is current.
    if (changed > 0) summary.resealed += 1;
    else summary.current += 1;
  }
  return summary;
}

export const describeReseal = (s: ResealSummary) =>
  `webhook secrets: ${s.resealed} re-sealed with the current key, ${s.current} already current, ${s.unreadable} unreadable`;
