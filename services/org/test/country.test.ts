import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { generateDemoCountry, parseCsv, type DemoCountry, type SeedUnit } from '../src/seed/country';

const provincesCsv = readFileSync(join(__dirname, '../data/provinces.csv'), 'utf8');
const ministriesCsv = readFileSync(join(__dirname, '../data/ministries.csv'), 'utf8');
const input = { provincesCsv, ministriesCsv };
const full = generateDemoCountry(input);
const provinceCodes = parseCsv(provincesCsv).map((r) => r.code);

/** The full country cut down by hand: VN, ministries and their agencies, the given provinces' subtrees. */
function restrict(country: DemoCountry, codes: string[]): DemoCountry {
  const units = country.units.filter((u) => u.provinceCode === null || codes.includes(u.provinceCode));
  const kept = new Set(units.map((u) => u.code));
  return { units, officials: country.officials.filter((o) => kept.has(o.unitCode)) };
}

function territorial(level: SeedUnit['level']): SeedUnit[] {
  return full.units.filter((u) => u.level === level && u.kind !== 'AGENCY');
}

function childCounts(level: SeedUnit['level']): Map<string, number> {
  const counts = new Map<string, number>();
  for (const u of territorial(level)) counts.set(u.parentCode!, (counts.get(u.parentCode!) ?? 0) + 1);
  return counts;
}

describe('parseCsv', () => {
  it('keeps commas inside quoted fields, as in ministries.csv', () => {
    const bvh = parseCsv(ministriesCsv).find((r) => r.code === 'BVHTTDL');
    expect(bvh).toEqual({ code: 'BVHTTDL', name: 'Bộ Văn hóa, Thể thao và Du lịch', kind: 'bo' });
  });

  it('handles doubled quotes, CRLF, a BOM and blank lines', () => {
    const text = '\uFEFFa,b\r\n"x ""y"", z",2\r\n\r\nlast,\n';
    expect(parseCsv(text)).toEqual([
      { a: 'x "y", z', b: '2' },
      { a: 'last', b: '' },
    ]);
  });
});

describe('generateDemoCountry', () => {
  it('has the country just before 1 July 2025: 1 root, 22 ministries, 63 provinces, 696 districts, 10,035 communes', () => {
    expect(territorial('NATIONAL')).toHaveLength(1);
    expect(territorial('MINISTRY')).toHaveLength(22);
    expect(territorial('PROVINCE')).toHaveLength(63);
    expect(territorial('DISTRICT')).toHaveLength(696);
    expect(territorial('COMMUNE')).toHaveLength(10_035);
    expect(full.units[0]).toEqual({
      code: 'VN',
      name: 'Việt Nam',
      level: 'NATIONAL',
      kind: 'GOVERNMENT',
      provinceCode: null,
      parentCode: null,
      path: '/VN/',
    });
  });

  it('takes ministry names and kinds from the CSV, each with 2–3 agencies', () => {
    const ministries = territorial('MINISTRY');
    expect(ministries.find((m) => m.code === 'BTP')).toMatchObject({ name: 'Bộ Tư pháp', kind: 'MINISTRY' });
    expect(ministries.find((m) => m.code === 'VPCP')).toMatchObject({ kind: 'MINISTRY_AGENCY' });
    expect(ministries.filter((m) => m.kind === 'MINISTRY_AGENCY')).toHaveLength(4);
    for (const m of ministries) {
      const agencies = full.units.filter((u) => u.parentCode === m.code);
      expect(agencies.length).toBeGreaterThanOrEqual(2);
      expect(agencies.length).toBeLessThanOrEqual(3);
      for (const a of agencies)
        expect(a).toMatchObject({ kind: 'AGENCY', level: 'MINISTRY', provinceCode: null });
    }
    expect(full.units.map((u) => u.name).filter((n) => /(\S+ \S+) \1/.test(n))).toEqual([]);
  });

  it('names Quảng Ninh (22) as in the CSV, with its agencies, districts and communes under it', () => {
    const qn = full.units.find((u) => u.code === '22')!;
    expect(qn).toMatchObject({
      name: 'Quảng Ninh',
      level: 'PROVINCE',
      kind: 'PEOPLES_COMMITTEE',
      provinceCode: '22',
    });
    const children = full.units.filter((u) => u.parentCode === '22');
    const agencies = children.filter((u) => u.kind === 'AGENCY');
    expect(agencies.map((a) => a.code)).toEqual(expect.arrayContaining(['22.SNV', '22.STP', '22.VP']));
    expect(agencies.length).toBeGreaterThanOrEqual(15);
    for (const a of agencies) expect(a).toMatchObject({ level: 'PROVINCE', provinceCode: '22' });
    expect(children.filter((u) => u.level === 'DISTRICT').length).toBeGreaterThanOrEqual(5);
    const subtree = full.units.filter((u) => u.path.startsWith('/VN/22/'));
    expect(subtree.every((u) => u.provinceCode === '22')).toBe(true);
    expect(subtree.some((u) => u.level === 'COMMUNE')).toBe(true);
  });

  it('keeps every province name and code exactly as in provinces.csv', () => {
    const rows = parseCsv(provincesCsv);
    const provinces = territorial('PROVINCE');
    expect(provinces.map((p) => [p.code, p.name]).sort()).toEqual(rows.map((r) => [r.code, r.name]).sort());
  });

  it('gives unique codes of the statistical lengths, districts and communes numbered in order', () => {
    const codes = full.units.map((u) => u.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const p of territorial('PROVINCE')) expect(p.code).toMatch(/^\d{2}$/);
    const districts = territorial('DISTRICT').map((u) => u.code);
    const communes = territorial('COMMUNE').map((u) => u.code);
    expect(districts).toEqual(Array.from({ length: 696 }, (_, i) => String(i + 1).padStart(3, '0')));
    expect(communes).toEqual(Array.from({ length: 10_035 }, (_, i) => String(i + 1).padStart(5, '0')));
    const agencies = full.units.filter((u) => u.kind === 'AGENCY');
    expect(agencies.filter((a) => !a.code.startsWith(`${a.parentCode}.`))).toEqual([]);
  });

  it('orders parents before children, with path = parent path + code + "/"', () => {
    const seen = new Map<string, SeedUnit>();
    const wrong: string[] = [];
    for (const u of full.units) {
      const parentPath = u.parentCode === null ? '/' : seen.get(u.parentCode)?.path;
      if (parentPath === undefined || u.path !== `${parentPath}${u.code}/`) wrong.push(u.code);
      seen.set(u.code, u);
    }
    expect(wrong).toEqual([]);
    expect(full.units.filter((u) => u.parentCode === null).map((u) => u.code)).toEqual(['VN']);
  });

  it('keeps provinceCode along each province subtree and district/commune levels under the right parents', () => {
    const byCode = new Map(full.units.map((u) => [u.code, u]));
    const parent = (u: SeedUnit) => byCode.get(u.parentCode!)!;
    expect(
      territorial('DISTRICT').filter(
        (d) => parent(d).level !== 'PROVINCE' || d.provinceCode !== d.parentCode,
      ),
    ).toEqual([]);
    const communes = territorial('COMMUNE');
    expect(
      communes.filter((c) => parent(c).level !== 'DISTRICT' || c.provinceCode !== parent(c).provinceCode),
    ).toEqual([]);
  });

  it('spreads districts and communes between 5 and 30 per parent, big provinces bigger', () => {
    const districts = childCounts('DISTRICT');
    const communes = childCounts('COMMUNE');
    expect(districts.size).toBe(63);
    for (const n of [...districts.values(), ...communes.values()]) {
      expect(n).toBeGreaterThanOrEqual(5);
      expect(n).toBeLessThanOrEqual(30);
    }
    const sorted = [...districts.values()].sort((a, b) => a - b);
    const median = sorted[31];
    for (const big of ['01', '79', '38', '40']) expect(districts.get(big)!).toBeGreaterThan(median);
  });

  it('names districts and communes with their type, unique within their parent', () => {
    expect(territorial('DISTRICT').every((d) => /^(Quận|Huyện|Thị xã|Thành phố) \S/.test(d.name))).toBe(true);
    expect(territorial('COMMUNE').every((c) => /^(Xã|Phường|Thị trấn) \S/.test(c.name))).toBe(true);
    const byParent = new Map<string, string[]>();
    for (const u of [...territorial('DISTRICT'), ...territorial('COMMUNE')]) {
      byParent.set(u.parentCode!, [...(byParent.get(u.parentCode!) ?? []), u.name]);
    }
    for (const names of byParent.values()) expect(new Set(names).size).toBe(names.length);
  });

  it('has receiver, handler, leader and iso officials in every unit, plus auditors, the viewer and the admin', () => {
    const byName = new Map(full.officials.map((o) => [o.username, o]));
    expect(byName.size).toBe(full.officials.length);
    const staff = [
      ['receiver', 'RECEIVER'],
      ['handler', 'HANDLER'],
      ['leader', 'LEADER'],
      ['iso', 'ISO_SECRETARY'],
    ];
    const missing = full.units.flatMap((u) =>
      staff
        .filter(([prefix, role]) => {
          const o = byName.get(`${prefix}.${u.code}`);
          return o?.unitCode !== u.code || o.roles.join() !== role;
        })
        .map(([prefix]) => `${prefix}.${u.code}`),
    );
    expect(missing).toEqual([]);
    for (const p of territorial('PROVINCE')) {
      expect(byName.get(`auditor.${p.code}`)).toMatchObject({ unitCode: p.code, roles: ['AUDITOR'] });
    }
    expect(full.officials.filter((o) => o.roles.includes('AUDITOR'))).toHaveLength(63);
    expect(byName.get('viewer.BKHCN')).toMatchObject({ unitCode: 'BKHCN', roles: ['MINISTRY_VIEWER'] });
    expect(byName.get('admin')).toMatchObject({ unitCode: 'VN', roles: ['SYSTEM_ADMIN'] });
    expect(full.officials).toHaveLength(full.units.length * 4 + 63 + 2);
  });

  it('gives officials Vietnamese full names and local e-mail addresses', () => {
    const fullName = /^\p{Lu}\p{Ll}* \p{Lu}\p{Ll}* \p{Lu}\p{Ll}*$/u;
    expect(full.officials.filter((o) => !fullName.test(o.name))).toEqual([]);
    expect(full.officials.filter((o) => o.email !== `${o.username}@eiso.local`)).toEqual([]);
    expect(full.officials.filter((o) => o.username.length > 64)).toEqual([]);
    expect(new Set(full.officials.map((o) => o.name)).size).toBeGreaterThan(1_000);
  });

  it('is deterministic: two runs give byte-identical output', () => {
    expect(JSON.stringify(generateDemoCountry(input))).toBe(JSON.stringify(full));
  });

  it('keeps the full run’s codes and names when filtered to a few provinces', () => {
    const some = generateDemoCountry({ ...input, provinceCodes: ['22', '96'] });
    expect(some).toEqual(restrict(full, ['22', '96']));
    expect(some.units.find((u) => u.code === '22')!.name).toBe('Quảng Ninh');
    expect(territorial('MINISTRY').every((m) => some.units.some((u) => u.code === m.code))).toBe(true);
  });

  it('rejects unknown province codes', () => {
    expect(() => generateDemoCountry({ ...input, provinceCodes: ['2'] })).toThrow(/unknown province/);
  });

  it('for any subset of provinces, is the full country restricted to VN, ministries and those subtrees', () => {
    fc.assert(
      fc.property(fc.subarray(provinceCodes), (codes) => {
        // Compared as JSON: byte-identical is the claim, and it is far faster than a deep toEqual.
        const filtered = generateDemoCountry({ ...input, provinceCodes: codes });
        expect(JSON.stringify(filtered)).toBe(JSON.stringify(restrict(full, codes)));
      }),
      { numRuns: 12 },
    );
  });
});
