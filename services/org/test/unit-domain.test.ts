import fc from 'fast-check';
import {
  ROOT_CODE,
  ancestorCodes,
  childPath,
  formsLevel,
  isUnitCode,
  isValidOn,
  isWithin,
  subtreePattern,
} from '../src/domain/unit';

const unitCode = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9.-]{0,31}$/);
const codeList = fc.array(unitCode, { minLength: 1, maxLength: 6 });
const pathOf = (codes: string[]) => codes.reduce<string | null>((path, code) => childPath(path, code), null)!;

describe('isUnitCode', () => {
  it.each(['VN', '22', '193', '06660', 'BYT', 'A.b-c', 'x'.repeat(32)])('accepts %p', (code) => {
    expect(isUnitCode(code)).toBe(true);
  });

  it.each(['', '-22', '.22', '22/193', '22%', '2_2', '2 2', 'Hà', 'x'.repeat(33), '22\n'])(
    'refuses %p',
    (code) => {
      expect(isUnitCode(code)).toBe(false);
    },
  );
});

describe('childPath', () => {
  it('starts the tree at the root and appends one code per level', () => {
    expect(childPath(null, ROOT_CODE)).toBe('/VN/');
    expect(childPath('/VN/', '22')).toBe('/VN/22/');
    expect(childPath('/VN/22/', '193')).toBe('/VN/22/193/');
  });

  it('refuses a code that could break the path or a LIKE pattern', () => {
    for (const code of ['', '22/193', '22%', '2_2', '../x'])
      expect(() => childPath('/VN/', code)).toThrow(/invalid unit code/);
  });
});

describe('ancestorCodes', () => {
  it('lists the codes above the unit, root first', () => {
    expect(ancestorCodes('/VN/22/193/06660/')).toEqual(['VN', '22', '193']);
    expect(ancestorCodes('/VN/')).toEqual([]);
  });

  it('of childPath(p, c) are the codes of p', () => {
    fc.assert(
      fc.property(codeList, unitCode, (codes, code) => {
        expect(ancestorCodes(childPath(pathOf(codes), code))).toEqual(codes);
      }),
    );
  });
});

describe('isWithin', () => {
  it('holds for the unit itself and its descendants, not for its parent or siblings', () => {
    expect(isWithin('/VN/22/', '/VN/22/')).toBe(true);
    expect(isWithin('/VN/22/193/06660/', '/VN/22/')).toBe(true);
    expect(isWithin('/VN/', '/VN/22/')).toBe(false);
    expect(isWithin('/VN/24/', '/VN/22/')).toBe(false);
    expect(isWithin('/VN/22/', '/VN/2/')).toBe(false);
  });

  it('holds for any descendant path', () => {
    fc.assert(
      fc.property(codeList, fc.array(unitCode, { maxLength: 4 }), (ancestor, below) => {
        expect(isWithin(pathOf([...ancestor, ...below]), pathOf(ancestor))).toBe(true);
      }),
    );
  });

  it('never holds for a sibling whose code extends the unit’s code', () => {
    const suffix = fc.stringMatching(/^[A-Za-z0-9.-]{1,8}$/);
    fc.assert(
      fc.property(
        codeList,
        unitCode,
        suffix,
        fc.array(unitCode, { maxLength: 3 }),
        (parent, code, extra, below) => {
          fc.pre(code.length + extra.length <= 32);
          const unit = pathOf([...parent, code]);
          const siblingSubtree = pathOf([...parent, code + extra, ...below]);
          expect(isWithin(siblingSubtree, unit)).toBe(false);
        },
      ),
    );
  });
});

describe('subtreePattern', () => {
  it('is the path followed by the LIKE wildcard', () => {
    expect(subtreePattern('/VN/22/')).toBe('/VN/22/%');
  });
});

describe('formsLevel', () => {
  it('is true for territorial and ministerial units, false for agencies', () => {
    expect(formsLevel('GOVERNMENT')).toBe(true);
    expect(formsLevel('MINISTRY')).toBe(true);
    expect(formsLevel('MINISTRY_AGENCY')).toBe(true);
    expect(formsLevel('PEOPLES_COMMITTEE')).toBe(true);
    expect(formsLevel('AGENCY')).toBe(false);
  });
});

describe('isValidOn', () => {
  const merged = { validFrom: '2020-01-01', validTo: '2025-07-01' };

  it('includes validFrom and excludes validTo', () => {
    expect(isValidOn(merged, '2019-12-31')).toBe(false);
    expect(isValidOn(merged, '2020-01-01')).toBe(true);
    expect(isValidOn(merged, '2025-06-30')).toBe(true);
    expect(isValidOn(merged, '2025-07-01')).toBe(false);
  });

  it('has no end when validTo is null', () => {
    expect(isValidOn({ validFrom: '2020-01-01', validTo: null }, '2999-12-31')).toBe(true);
    expect(isValidOn({ validFrom: '2020-01-01', validTo: null }, '2019-12-31')).toBe(false);
  });

  it('holds exactly for dates in [validFrom, validTo)', () => {
    const day = fc
      .date({ min: new Date('1990-01-01'), max: new Date('2040-12-31'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(day, day, day, (a, b, date) => {
        const [from, to] = a <= b ? [a, b] : [b, a];
        const t = (s: string) => Date.parse(s);
        const expected = t(from) <= t(date) && t(date) < t(to);
        expect(isValidOn({ validFrom: from, validTo: to }, date)).toBe(expected);
      }),
    );
  });
});
