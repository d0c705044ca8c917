import fc from 'fast-check';
import {
  groupCompliant,
  isCompliant,
  isIsoClause,
  isMandatoryAdopter,
  nonconformityStatus,
  opensNonconformity,
  riskLevel,
  type ActionState,
} from '../src';

describe('ISO 9001:2015 clauses', () => {
  it('accepts the standard’s clauses and defined sub-clauses, nothing else', () => {
    for (const ok of ['4.1', '7.5', '7.1.5', '8.5.1', '9.2', '10.3', ' 9.1.3 '])
      expect(isIsoClause(ok)).toBe(true);
    for (const bad of ['3.1', '4.5', '10.4', '11.1', '7.5.4', '9.2.1', '4', '7.', 'abc', '', '7.5.1.2'])
      expect(isIsoClause(bad)).toBe(false);
  });
});

describe('nonconformities', () => {
  const action = (
    status: ActionState['status'],
    completedOn: string | null,
    sequence: number,
  ): ActionState => ({ status, completedOn, sequence });

  it('close only through an effective last action, with none still open', () => {
    expect(nonconformityStatus([])).toBe('OPEN');
    expect(nonconformityStatus([action('OPEN', null, 1)])).toBe('ACTION_PLANNED');
    expect(nonconformityStatus([action('DONE_INEFFECTIVE', '2026-03-01', 1)])).toBe('VERIFYING');
    expect(
      nonconformityStatus([
        action('DONE_INEFFECTIVE', '2026-03-01', 1),
        action('DONE_EFFECTIVE', '2026-04-01', 2),
      ]),
    ).toBe('CLOSED');
    expect(
      nonconformityStatus([
        action('DONE_EFFECTIVE', '2026-03-01', 1),
        action('DONE_INEFFECTIVE', '2026-04-01', 2),
      ]),
    ).toBe('VERIFYING');
    expect(nonconformityStatus([action('DONE_EFFECTIVE', '2026-03-01', 1), action('OPEN', null, 2)])).toBe(
      'ACTION_PLANNED',
    );
  });

  it('is never CLOSED while an action is open or when the last one was ineffective (property)', () => {
    const day = fc.integer({ min: 1, max: 28 }).map((d) => `2026-05-${String(d).padStart(2, '0')}`);
    const anAction = fc.record({
      status: fc.constantFrom<ActionState['status']>('OPEN', 'DONE_EFFECTIVE', 'DONE_INEFFECTIVE'),
      day,
    });
    fc.assert(
      fc.property(fc.array(anAction, { maxLength: 6 }), (specs) => {
        const actions = specs.map((s, i) => action(s.status, s.status === 'OPEN' ? null : s.day, i));
        const status = nonconformityStatus(actions);
        if (actions.some((a) => a.status === 'OPEN')) expect(status).toBe('ACTION_PLANNED');
        if (status === 'CLOSED') expect(actions.every((a) => a.status !== 'OPEN')).toBe(true);
      }),
    );
  });

  it('are opened by nonconformity findings only', () => {
    expect(opensNonconformity('MAJOR_NONCONFORMITY')).toBe(true);
    expect(opensNonconformity('MINOR_NONCONFORMITY')).toBe(true);
    expect(opensNonconformity('OBSERVATION')).toBe(false);
    expect(opensNonconformity('OPPORTUNITY')).toBe(false);
  });
});

describe('risks', () => {
  it('take their level from likelihood × impact', () => {
    expect(riskLevel(1, 1)).toBe('LOW');
    expect(riskLevel(2, 3)).toBe('MEDIUM');
    expect(riskLevel(2, 5)).toBe('HIGH');
    expect(riskLevel(5, 5)).toBe('CRITICAL');
    expect(() => riskLevel(0, 3)).toThrow(RangeError);
    expect(() => riskLevel(3, 6)).toThrow(RangeError);
  });

  it('never fall when likelihood or impact rises (property)', () => {
    const order = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
    const n = fc.integer({ min: 1, max: 4 });
    fc.assert(
      fc.property(n, n, (l, i) =>
        expect(order.indexOf(riskLevel(l + 1, i))).toBeGreaterThanOrEqual(order.indexOf(riskLevel(l, i))),
      ),
    );
  });
});

describe('compliance', () => {
  const compliant = {
    qmsStatus: 'ANNOUNCED' as const,
    standard: 'ISO_9001_2015' as const,
    internalAuditsCompleted: 1,
    managementReviews: 1,
    processesPastReview: 0,
  };

  it('needs an announced 2015 QMS, an audit, a review and no process past review', () => {
    expect(isCompliant(compliant)).toBe(true);
    expect(isCompliant({ ...compliant, standard: 'ISO_9001_2008' })).toBe(false);
    expect(isCompliant({ ...compliant, qmsStatus: 'APPLIED' })).toBe(false);
    expect(isCompliant({ ...compliant, internalAuditsCompleted: 0 })).toBe(false);
    expect(isCompliant({ ...compliant, managementReviews: 0 })).toBe(false);
    expect(isCompliant({ ...compliant, processesPastReview: 1 })).toBe(false);
  });

  it('a province complies when all its mandatory units do; communes are not mandatory', () => {
    expect(isMandatoryAdopter({ level: 'PROVINCE', kind: 'AGENCY' })).toBe(true);
    expect(isMandatoryAdopter({ level: 'DISTRICT', kind: 'PEOPLES_COMMITTEE' })).toBe(true);
    expect(isMandatoryAdopter({ level: 'MINISTRY', kind: 'MINISTRY_AGENCY' })).toBe(true);
    expect(isMandatoryAdopter({ level: 'COMMUNE', kind: 'PEOPLES_COMMITTEE' })).toBe(false);
    const failingCommune = { ...compliant, managementReviews: 0, mandatory: false };
    expect(groupCompliant([{ ...compliant, mandatory: true }, failingCommune])).toBe(true);
    expect(
      groupCompliant([
        { ...compliant, mandatory: true },
        { ...failingCommune, mandatory: true },
      ]),
    ).toBe(false);
  });
});
