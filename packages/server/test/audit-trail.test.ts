import { parse, type OperationDefinitionNode } from 'graphql';
import { auditEntry, idsIn } from '../src/audit-trail';

const op = (text: string) => parse(text).definitions[0] as OperationDefinitionNode;

describe('the audit trail entry of a mutation', () => {
  it('keeps ids and codes from arguments and answer, never personal data, PINs, secrets or free text', () => {
    const entry = auditEntry({
      requestId: 'req-00000001',
      caller: {
        kind: 'official',
        officialId: '11111111-1111-4111-8111-111111111111',
        username: 'receiver.22001',
        unitId: '22222222-2222-4222-8222-222222222222',
        unitCode: '22001',
        unitPath: '/VN/22/220/22001/',
        roles: ['RECEIVER'],
      },
      operation: op(`mutation ReceiveDossier__dossier__0($input: ReceiveDossierInput!) {
        receiveDossier(input: $input) { dossier { id code trackingPin } }
        recordFeedback(input: { code: "22001-250101-0001", pin: "123456", rating: 5, comment: "ok" }) { dossier { id } }
      }`),
      variables: {
        input: {
          procedureCode: 'P-1',
          unitCode: '22001',
          applicant: { name: 'An', idNumber: '022090001234', phone: '0912345678', email: 'a@b.vn' },
          idempotencyKey: 'k-1',
        },
      },
      data: { receiveDossier: { dossier: { id: 'd-1', code: '22001-250101-0002', trackingPin: '654321' } } },
      errorCodes: [],
    });
    expect(entry).toMatchObject({
      officialId: '11111111-1111-4111-8111-111111111111',
      username: 'receiver.22001',
      unitCode: '22001',
      operation: 'ReceiveDossier',
      mutations: ['receiveDossier', 'recordFeedback'],
      outcome: 'OK',
    });
    expect(entry.objectIds.sort()).toEqual(
      ['22001', '22001-250101-0001', '22001-250101-0002', 'P-1', 'd-1'].sort(),
    );
    const text = JSON.stringify(entry);
    for (const secret of ['022090001234', '0912345678', 'a@b.vn', '123456', '654321', 'An"', 'k-1', '"ok"'])
      expect(text).not.toContain(secret);
  });

  it('records the first error code as the outcome, and an anonymous caller as nobody', () => {
    const entry = auditEntry({
      requestId: 'r',
      caller: { kind: 'anonymous' },
      operation: op('mutation { markNotificationsRead(ids: ["n-1", "n-2"]) { id } }'),
      variables: {},
      data: null,
      errorCodes: ['FORBIDDEN'],
    });
    expect(entry).toMatchObject({ officialId: null, username: null, operation: null, outcome: 'FORBIDDEN' });
    expect(entry.objectIds).toEqual(['n-1', 'n-2']);
  });

  it('keeps at most 50 ids', () => {
    expect(idsIn({ ids: Array.from({ length: 500 }, (_, i) => `x-${i}`) }).size).toBe(50);
  });
});
