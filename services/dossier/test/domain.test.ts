import fc from 'fast-check';
import {
  afterCompletingStep,
  closedTimeliness,
  DOSSIER_STATUSES,
  dossierCode,
  checkPin,
  hashPin,
  hashPinSync,
  isAllowed,
  nationalChannelCode,
  nationalStatusCode,
  newTrackingPin,
  parseDossierCode,
  timelinessOf,
  transitionProblem,
  verifyPin,
  type DossierAction,
  type DossierStatus,
} from '../src';

const at = (iso: string) => new Date(iso);

describe('the lifecycle', () => {
  it('allows each action only from the statuses the one-stop rules allow', () => {
    const table: [DossierAction, DossierStatus[]][] = [
      ['completeStep', ['RECEIVED', 'IN_PROGRESS']],
      ['requestSupplement', ['RECEIVED', 'IN_PROGRESS']],
      ['resume', ['SUPPLEMENT_REQUESTED']],
      ['issueApology', ['RECEIVED', 'IN_PROGRESS', 'SUPPLEMENT_REQUESTED']],
      ['reject', ['RECEIVED', 'IN_PROGRESS', 'SUPPLEMENT_REQUESTED']],
      ['returnResult', ['RESULT_READY']],
      ['withdraw', ['RECEIVED', 'IN_PROGRESS', 'SUPPLEMENT_REQUESTED']],
      ['recordFeedback', ['RETURNED']],
    ];
    for (const [action, allowed] of table) {
      expect(DOSSIER_STATUSES.filter((s) => isAllowed(action, s))).toEqual(allowed);
    }
  });

  it('nothing leaves RETURNED, REJECTED or WITHDRAWN but feedback on a returned one', () => {
    const actions: DossierAction[] = [
      'completeStep',
      'requestSupplement',
      'resume',
      'issueApology',
      'reject',
      'returnResult',
      'withdraw',
    ];
    for (const status of ['RETURNED', 'REJECTED', 'WITHDRAWN'] as DossierStatus[]) {
      expect(actions.filter((a) => isAllowed(a, status))).toEqual([]);
    }
  });

  it('a stale version is a CONFLICT before anything else; a wrong status is INVALID_TRANSITION', () => {
    expect(transitionProblem('completeStep', { status: 'RETURNED', version: 5 }, 4)?.code).toBe('CONFLICT');
    expect(transitionProblem('completeStep', { status: 'RETURNED', version: 5 }, 5)?.code).toBe(
      'INVALID_TRANSITION',
    );
    expect(transitionProblem('completeStep', { status: 'IN_PROGRESS', version: 5 }, 5)).toBeNull();
  });

  it('the last step makes the result ready', () => {
    expect(afterCompletingStep(1, 4)).toBe('IN_PROGRESS');
    expect(afterCompletingStep(4, 4)).toBe('RESULT_READY');
  });

  it('maps to the national portal codes', () => {
    expect(DOSSIER_STATUSES.map((s) => nationalStatusCode(s))).toEqual([2, 4, 5, 9, 10, 8, 7]);
    expect(nationalStatusCode('REJECTED', { rejectedAtReceipt: true })).toBe(3);
    expect((['COUNTER', 'ONLINE', 'POSTAL'] as const).map(nationalChannelCode)).toEqual([1, 2, 3]);
  });
});

describe('codes and PINs', () => {
  it('codes carry the unit, the receipt day in Vietnam and a four-digit sequence', () => {
    expect(dossierCode('22.STP', at('2026-11-23T03:00:00Z'), 7)).toBe('22.STP-261123-0007');
    // 18:30 UTC is already the next morning in Vietnam.
    expect(dossierCode('00001', at('2026-11-23T18:30:00Z'), 12345)).toBe('00001-261124-12345');
    expect(parseDossierCode('22.STP-261123-0007')).toEqual({
      unitCode: '22.STP',
      day: '2026-11-23',
      sequence: 7,
    });
    expect(parseDossierCode('not a code')).toBeNull();
  });

  it('round-trips any unit code, day and sequence', () => {
    const unitCode = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9.]{0,12}$/);
    const instant = fc.date({
      min: new Date('2020-01-01'),
      max: new Date('2040-01-01'),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(unitCode, instant, fc.integer({ min: 1, max: 999_999 }), (unit, when, sequence) => {
        const parsed = parseDossierCode(dossierCode(unit, when, sequence));
        expect(parsed).toMatchObject({ unitCode: unit, sequence });
      }),
    );
  });

  it('PINs are six digits, stored only as a salted hash that verifies them', async () => {
    const pin = newTrackingPin();
    expect(pin).toMatch(/^\d{6}$/);
    const stored = await hashPin(pin);
    expect(stored).not.toContain(pin);
    expect(await hashPin(pin)).not.toBe(stored);
    expect(await verifyPin(pin, stored)).toBe(true);
    expect(await verifyPin(pin, hashPinSync(pin))).toBe(true);
    const other = String((Number(pin) + 1) % 1_000_000).padStart(6, '0');
    expect(await verifyPin(other, stored)).toBe(false);
    expect(await verifyPin('12345', stored)).toBe(false);
    expect(await verifyPin(pin, 'garbage')).toBe(false);
    expect(await checkPin(pin, null)).toBe(false);
    expect(await checkPin(pin, { pinHash: stored })).toBe(true);
  });
});

describe('timeliness', () => {
  const soon = (now: Date) => new Date(now.getTime() + 8 * 3_600_000);
  const due = at('2026-11-25T10:00:00Z'); // 17:00 in Vietnam

  it('open dossiers: ON_TRACK, DUE_SOON in the last 8 working hours, OVERDUE after dueAt', () => {
    const open = {
      status: 'IN_PROGRESS' as const,
      dueAt: due,
      appointmentDueAt: due,
      completedAt: null,
      supplementRequests: 0,
    };
    expect(timelinessOf(open, at('2026-11-24T01:00:00Z'), soon(at('2026-11-24T01:00:00Z')))).toBe('ON_TRACK');
    expect(timelinessOf(open, at('2026-11-25T03:00:00Z'), soon(at('2026-11-25T03:00:00Z')))).toBe('DUE_SOON');
    expect(timelinessOf(open, at('2026-11-25T10:00:01Z'), soon(at('2026-11-25T10:00:01Z')))).toBe('OVERDUE');
    expect(
      timelinessOf(
        { ...open, status: 'SUPPLEMENT_REQUESTED' },
        at('2026-12-25T00:00:00Z'),
        soon(at('2026-12-25T00:00:00Z')),
      ),
    ).toBe('ON_TRACK');
  });

  it('closed dossiers are judged by the day against the appointment, not the apology', () => {
    expect(closedTimeliness(at('2026-11-24T09:00:00Z'), due, 0)).toBe('EARLY');
    expect(closedTimeliness(at('2026-11-25T01:00:00Z'), due, 0)).toBe('ON_TIME');
    // By the day: 23:30 in Vietnam on the 25th is still its day; 00:30 on the 26th is not.
    expect(closedTimeliness(at('2026-11-25T16:30:00Z'), due, 0)).toBe('ON_TIME');
    expect(closedTimeliness(at('2026-11-25T17:30:00Z'), due, 0)).toBe('LATE');
    expect(closedTimeliness(at('2026-11-20T01:00:00Z'), due, 2)).toBe('LATE');
    const apologized = {
      status: 'RESULT_READY' as const,
      dueAt: at('2026-12-10T10:00:00Z'),
      appointmentDueAt: due,
      completedAt: at('2026-12-01T03:00:00Z'),
      supplementRequests: 0,
    };
    expect(timelinessOf(apologized, at('2026-12-02T00:00:00Z'), soon(at('2026-12-02T00:00:00Z')))).toBe(
      'LATE',
    );
  });
});
