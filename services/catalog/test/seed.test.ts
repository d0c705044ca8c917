import type { DirectoryUnit } from '@eiso/directory';
import { generateDemoCatalog, readCatalogData } from '../src';

const unit = (
  code: string,
  level: DirectoryUnit['level'],
  kind: DirectoryUnit['kind'],
  path: string,
  provinceCode: string | null,
): DirectoryUnit => ({
  id: `00000000-0000-4000-8000-${code.replace(/\D/g, '').padStart(12, '0')}`,
  code,
  name: code,
  level,
  kind,
  provinceCode,
  parentId: null,
  path,
  validFrom: '2020-01-01',
  validTo: null,
});

const units: DirectoryUnit[] = [
  unit('VN', 'NATIONAL', 'GOVERNMENT', '/VN/', null),
  ...['22', '34', '96'].flatMap((p, i) => [
    unit(p, 'PROVINCE', 'PEOPLES_COMMITTEE', `/VN/${p}/`, p),
    unit(`${100 + i}`, 'DISTRICT', 'PEOPLES_COMMITTEE', `/VN/${p}/${100 + i}/`, p),
    unit(`${10000 + i}`, 'COMMUNE', 'PEOPLES_COMMITTEE', `/VN/${p}/${100 + i}/${10000 + i}/`, p),
  ]),
];

describe('the demo catalog', () => {
  const catalog = generateDemoCatalog({ ...readCatalogData(), units, today: '2026-11-23' });

  it('has exactly one province late with the older legal change, every other review done or not yet due', () => {
    const overdue = catalog.reviews.filter((r) => r.clearedByVersion === null && r.dueBy < '2026-11-23');
    expect(new Set(overdue.map((r) => r.ownerCode))).toEqual(new Set(['22']));
  });

  it("clears each done review with an approved version of its own, never a draft's number", () => {
    for (const review of catalog.reviews.filter((r) => r.clearedByVersion !== null)) {
      const versions = catalog.processes.filter(
        (p) => p.procedureCode === review.procedureCode && p.ownerCode === review.ownerCode,
      );
      const clearing = versions.filter((v) => v.version === review.clearedByVersion);
      expect(clearing).toHaveLength(1);
      expect(clearing[0].effectiveFrom).not.toBeNull();
    }
  });

  it('never gives one owner two versions with the same number', () => {
    const keys = catalog.processes.map((p) => `${p.procedureCode}|${p.ownerCode}|${p.version}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
