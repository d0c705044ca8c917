import fc from 'fast-check';
import type { Caller } from '@eiso/auth';
import {
  applicantFor,
  maskApplicant,
  maskEmail,
  maskIdNumber,
  maskPhone,
  seesApplicantInFull,
} from '../src/domain/personal-data';

const official = (unitPath: string, roles: string[]): Caller =>
  ({
    kind: 'official',
    officialId: 'o',
    username: 'u',
    unitId: 'x',
    unitCode: 'x',
    unitPath,
    roles,
  }) as Caller;

const applicant = {
  name: 'Nguyễn Văn An',
  idNumber: '022090001234',
  phone: '0912345678',
  email: 'nguyen.an@gmail.com',
};
const commune = '/VN/22/193/06700/';

describe('masks', () => {
  it('shows the ends of an id number, a phone and the first letter and domain of an e-mail', () => {
    expect(maskIdNumber('022090001234')).toBe('0220******34');
    expect(maskIdNumber('123456789')).toBe('123*****9');
    expect(maskPhone('0912345678')).toBe('091*****78');
    expect(maskPhone('+84 912 345 678')).toBe('+84*******78');
    expect(maskEmail('nguyen.an@gmail.com')).toBe('n***@gmail.com');
    expect(maskEmail('not-an-address')).toBe('***');
  });

  it('passes nulls through and keeps the name', () => {
    expect(maskApplicant({ name: 'An', idNumber: null, phone: null, email: null })).toEqual({
      name: 'An',
      idNumber: null,
      phone: null,
      email: null,
      masked: true,
    });
  });

  it('never shows more than half of any value, and keeps its length', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }), (value) => {
        for (const masked of [maskIdNumber(value)!, maskPhone(value)!]) {
          const stars = [...masked].filter((c) => c === '*').length;
          expect(stars * 2).toBeGreaterThanOrEqual([...masked].length - 1);
        }
        expect([...maskIdNumber(value)!]).toHaveLength([...value.trim()].length);
      }),
    );
  });
});

describe('who sees the applicant in full', () => {
  it("an official who serves citizens, in the dossier's unit or above, in the single-dossier view", () => {
    for (const path of [commune, '/VN/22/193/', '/VN/22/'])
      for (const role of ['RECEIVER', 'HANDLER', 'LEADER'])
        expect(applicantFor(official(path, [role]), { unitPath: commune }, applicant, true)).toEqual({
          ...applicant,
          masked: false,
        });
  });

  it('nobody in a list', () => {
    expect(
      applicantFor(official(commune, ['RECEIVER']), { unitPath: commune }, applicant, false),
    ).toMatchObject({
      idNumber: '0220******34',
      phone: '091*****78',
      email: 'n***@gmail.com',
      masked: true,
    });
  });

  it('not another unit, a sibling, a unit below, nor a national reader or the system administrator', () => {
    const cases = [
      official('/VN/96/', ['LEADER']),
      official('/VN/22/193/06701/', ['RECEIVER']),
      official(`${commune}X/`, ['LEADER']),
      official('/VN/BKHCN/', ['MINISTRY_VIEWER']),
      official('/VN/', ['SYSTEM_ADMIN']),
      official(commune, ['AUDITOR', 'ISO_SECRETARY']),
      { kind: 'anonymous' } as Caller,
    ];
    for (const caller of cases) {
      expect(seesApplicantInFull(caller, commune)).toBe(false);
      expect(applicantFor(caller, { unitPath: commune }, applicant, true).masked).toBe(true);
    }
  });
});
