/**
 * Every dossier that ends LATE becomes a nonconformity of its unit, with the dossier linked
 * (ISO 9001:2015 clause 8.7, control of nonconforming outputs). Consumed from the dossier events
 * once per event (applied_event) and once per dossier (a unique (source, dossier) pair), so a
 * replayed or repeated event changes nothing.
 */
import type { EntityManager } from 'typeorm';
import { appendEvents, type EisoEvent } from '@eiso/outbox';
import { nonconformityEvent } from './events';

export const LATE_DOSSIER_CONSUMER = 'audit.late-dossiers';

interface DossierPayload {
  id: string;
  code: string;
  unitCode: string;
  timeliness?: string | null;
  resultReady?: boolean;
}

/** Whether an event says a dossier ended late. */
export function endedLate(event: EisoEvent): boolean {
  const payload = event.payload as unknown as DossierPayload;
  if (payload.timeliness !== 'LATE') return false;
  return (
    (event.type === 'dossier.step_completed' && payload.resultReady === true) ||
    event.type === 'dossier.returned' ||
    event.type === 'dossier.imported'
  );
}

/** Opens the nonconformity of a late dossier; returns whether it was new. */
export async function recordLateDossier(event: EisoEvent, m: EntityManager): Promise<boolean> {
  if (!endedLate(event)) return false;
  const payload = event.payload as unknown as DossierPayload;
  const [unit] = await m.query(`SELECT id, path FROM unit_directory WHERE code = $1`, [payload.unitCode]);
  if (!unit) throw new Error(`unit ${payload.unitCode} is not in the directory yet`);
  const opened = await m.query(
    `INSERT INTO nonconformity (unit_id, unit_path, source, description, dossier_id, opened_at)
     VALUES ($1, $2, 'LATE_DOSSIER', $3, $4, $5)
     ON CONFLICT (source, dossier_id) DO NOTHING RETURNING id`,
    [unit.id, unit.path, `Hồ sơ ${payload.code} giải quyết quá hạn`, payload.id, event.occurredAt],
  );
  if (opened.length === 0) return false;
  // Announced in the same transaction (the audit outbox), for the webhooks.
  await appendEvents(m, [
    nonconformityEvent('nonconformity.opened', {
      id: opened[0].id,
      unitPath: unit.path,
      source: 'LATE_DOSSIER',
      dossierId: payload.id,
      dossierCode: payload.code,
    }),
  ]);
  return true;
}
