/**
 * The demo country (đất nước mẫu): the unit tree just before 1 July 2025 — 63 provinces, 696
 * districts, 10,035 communes, 22 ministries — and four officials per unit. Pure: it takes the CSV
 * text and returns plain objects, so `eiso seed`, tests and other services all see the same data.
 *
 * Province and ministry names are real (from the CSVs); district and commune names are generated
 * from Vietnamese place-name syllables, and people's names from common family, middle and given
 * names, all from seeded PRNGs: the same input always gives byte-identical output.
 *
 * Codes follow the statistical scheme (province 2 digits, district 3, commune 5) but are assigned
 * in order here, so they are not the real statistical codes of those places.
 */
import type { Role } from '@eiso/auth';
import { ROOT_CODE, childPath, type UnitKind, type UnitLevel } from '../domain/unit';
import { seededRandom, type Random } from '@eiso/demo';

export interface SeedUnit {
  code: string;
  name: string;
  level: UnitLevel;
  kind: UnitKind;
  provinceCode: string | null;
  parentCode: string | null;
  path: string;
}

export interface SeedOfficial {
  username: string;
  name: string;
  unitCode: string;
  roles: Role[];
  /** Always `<username>@eiso.local`: a reserved-for-local domain, so demo mail can never reach anyone. */
  email: string | null;
}

export interface DemoCountry {
  units: SeedUnit[];
  officials: SeedOfficial[];
}

export interface DemoCountryInput {
  provincesCsv: string;
  ministriesCsv: string;
  /** Keep only these provinces' subtrees (plus VN and the ministries); codes stay those of the full country. */
  provinceCodes?: string[];
}

// The country's counts just before 1 July 2025 (see notes/legal-rules.md, "The country's units").
export const DISTRICT_TOTAL = 696;
export const COMMUNE_TOTAL = 10_035;
const MIN_CHILDREN = 5;
const MAX_CHILDREN = 30;

const ROOT_NAME = 'Việt Nam';
const EMAIL_DOMAIN = 'eiso.local';
// Fixed seeds: changing one renames every generated place or person.
const PLACE_SEED = 0x0e150001;
const PEOPLE_SEED = 0x0e150002;

// ---------------------------------------------------------------------------------------------
// CSV

/** Parses RFC 4180 CSV with a header row: quoted fields may hold commas, `""` and line breaks. */
export function parseCsv(text: string): Record<string, string>[] {
  const [header, ...body] = csvRows(text.replace(/^\uFEFF/, ''));
  if (!header) return [];
  const names = header.map((h) => h.trim());
  return body
    .filter((row) => !(row.length === 1 && row[0].trim() === ''))
    .map((row) => Object.fromEntries(names.map((name, i) => [name, row[i] ?? ''])));
}

function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c !== '"') {
        field += c;
      } else if (text[i + 1] === '"') {
        field += '"'; // a doubled quote inside quotes is one quote
        i++;
      } else {
        quoted = false;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      rows.push([...row, field]);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  if (quoted) throw new Error('CSV: unterminated quoted field');
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

interface ProvinceRow {
  code: string;
  name: string;
  /** `thanh_pho` = centrally-run city (thành phố trực thuộc trung ương), `tinh` = province. */
  kind: 'tinh' | 'thanh_pho';
}

interface MinistryRow {
  code: string;
  name: string;
  kind: UnitKind;
}

function readProvinces(csv: string): ProvinceRow[] {
  const rows = parseCsv(csv).map((r) => {
    if (!/^\d{2}$/.test(r.code)) throw new Error(`provinces.csv: bad code ${JSON.stringify(r.code)}`);
    if (r.kind !== 'tinh' && r.kind !== 'thanh_pho') throw new Error(`provinces.csv: bad kind ${r.kind}`);
    return { code: r.code, name: r.name.trim(), kind: r.kind } as ProvinceRow;
  });
  return rows.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

// bộ = ministry; cơ quan ngang bộ = ministry-level agency.
const MINISTRY_KINDS: Record<string, UnitKind> = { bo: 'MINISTRY', co_quan_ngang_bo: 'MINISTRY_AGENCY' };

function readMinistries(csv: string): MinistryRow[] {
  return parseCsv(csv).map((r) => {
    const kind = MINISTRY_KINDS[r.kind];
    if (!kind) throw new Error(`ministries.csv: bad kind ${r.kind} for ${r.code}`);
    return { code: r.code, name: r.name.trim(), kind };
  });
}

// ---------------------------------------------------------------------------------------------
// Deterministic randomness

type Rng = Random;

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)];
}

/**
 * Splits `total` into integer shares proportional to `weights`, each within [min, max], by largest
 * remainder (ties by position), so the sum is exact and the split deterministic.
 */
function apportion(total: number, weights: number[], min: number, max: number): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const shares = exact.map((x) => Math.min(max, Math.max(min, Math.floor(x))));
  const byRemainder = exact
    .map((x, i) => ({ i, r: x - Math.floor(x) }))
    .sort((a, b) => b.r - a.r || a.i - b.i)
    .map((e) => e.i);
  let left = total - shares.reduce((a, b) => a + b, 0);
  while (left !== 0) {
    const step = Math.sign(left);
    const before = left;
    for (const i of byRemainder) {
      if (left === 0) break;
      const next = shares[i] + step;
      if (next >= min && next <= max) {
        shares[i] = next;
        left -= step;
      }
    }
    if (left === before)
      throw new Error(`cannot split ${total} into ${weights.length} shares of ${min}..${max}`);
  }
  return shares;
}

// ---------------------------------------------------------------------------------------------
// Ministries and their agencies

interface AgencyTemplate {
  short: string;
  name: (parentName: string) => string;
}

// Văn phòng Bộ, Vụ Pháp chế, Thanh tra Bộ: units every ministry has.
const MINISTRY_AGENCIES: AgencyTemplate[] = [
  { short: 'VP', name: (m) => `Văn phòng ${m}` },
  { short: 'VPC', name: (m) => `Vụ Pháp chế ${m}` },
  { short: 'TTR', name: (m) => `Thanh tra ${m}` },
];

// Where the generic names would read badly ("Văn phòng Văn phòng Chính phủ", "Thanh tra Thanh tra …").
const MINISTRY_AGENCY_OVERRIDES: Record<string, AgencyTemplate[]> = {
  VPCP: [
    { short: 'VPL', name: () => 'Vụ Pháp luật' },
    { short: 'KSTT', name: () => 'Cục Kiểm soát thủ tục hành chính' },
    { short: 'VTH', name: () => 'Vụ Tổng hợp' },
  ],
  TTCP: MINISTRY_AGENCIES.slice(0, 2),
  NHNN: [
    ...MINISTRY_AGENCIES.slice(0, 2),
    { short: 'TTGS', name: () => 'Cơ quan Thanh tra, giám sát ngân hàng' },
  ],
};

function ministryUnits(root: SeedUnit, ministry: MinistryRow): SeedUnit[] {
  const unit = makeUnit(root, ministry.code, ministry.name, 'MINISTRY', ministry.kind, null);
  const templates = MINISTRY_AGENCY_OVERRIDES[ministry.code] ?? MINISTRY_AGENCIES;
  const agencies = templates.map((t) =>
    makeUnit(unit, `${ministry.code}.${t.short}`, t.name(ministry.name), 'MINISTRY', 'AGENCY', null),
  );
  return [unit, ...agencies];
}

// ---------------------------------------------------------------------------------------------
// Provinces and their agencies (sở, ban ngành)

// [code suffix, name before "tỉnh X" / "thành phố X"]; the specialised agencies of a provincial
// people's committee before the 2025 reorganisation.
const PROVINCE_AGENCIES: [string, string][] = [
  ['VP', 'Văn phòng UBND'],
  ['SNV', 'Sở Nội vụ'],
  ['STP', 'Sở Tư pháp'],
  ['SKHDT', 'Sở Kế hoạch và Đầu tư'],
  ['STC', 'Sở Tài chính'],
  ['SCT', 'Sở Công Thương'],
  ['SNNPTNT', 'Sở Nông nghiệp và Phát triển nông thôn'],
  ['SGTVT', 'Sở Giao thông vận tải'],
  ['SXD', 'Sở Xây dựng'],
  ['STNMT', 'Sở Tài nguyên và Môi trường'],
  ['STTTT', 'Sở Thông tin và Truyền thông'],
  ['SLDTBXH', 'Sở Lao động - Thương binh và Xã hội'],
  ['SVHTTDL', 'Sở Văn hóa, Thể thao và Du lịch'],
  ['SKHCN', 'Sở Khoa học và Công nghệ'],
  ['SGDDT', 'Sở Giáo dục và Đào tạo'],
  ['SYT', 'Sở Y tế'],
  ['TTR', 'Thanh tra'],
  ['BDT', 'Ban Dân tộc'],
];

/** "tỉnh Quảng Ninh", "thành phố Hà Nội": how agency names refer to their province. */
function provinceTitle(p: ProvinceRow): string {
  return `${p.kind === 'thanh_pho' ? 'thành phố' : 'tỉnh'} ${p.name}`;
}

function provinceAgencies(unit: SeedUnit, p: ProvinceRow): SeedUnit[] {
  const title = provinceTitle(p);
  return PROVINCE_AGENCIES.map(([short, name]) =>
    makeUnit(unit, `${p.code}.${short}`, `${name} ${title}`, 'PROVINCE', 'AGENCY', p.code),
  );
}

// ---------------------------------------------------------------------------------------------
// Districts (quận, huyện, thị xã, thành phố thuộc tỉnh) and communes (xã, phường, thị trấn)

/**
 * Roughly each province's real number of districts in early 2025; only the proportions matter,
 * they are scaled to exactly DISTRICT_TOTAL. Provinces not listed weigh the average.
 */
// prettier-ignore
const DISTRICT_WEIGHTS: Record<string, number> = {
  '01': 30, '02': 11, '04': 10, '06': 8, '08': 7, '10': 9, '11': 10, '12': 8, '14': 12, '15': 9,
  '17': 10, '19': 9, '20': 11, '22': 13, '24': 10, '25': 13, '26': 9, '27': 8, '30': 12, '31': 15,
  '33': 10, '34': 8, '35': 6, '36': 10, '37': 8, '38': 26, '40': 21, '42': 13, '44': 8, '45': 10,
  '46': 9, '48': 8, '49': 18, '51': 13, '52': 11, '54': 9, '56': 9, '58': 7, '60': 10, '62': 10,
  '64': 17, '66': 15, '67': 8, '68': 12, '70': 11, '72': 9, '74': 9, '75': 11, '77': 8, '79': 22,
  '80': 15, '82': 11, '83': 9, '84': 9, '86': 8, '87': 12, '89': 11, '91': 15, '92': 9, '93': 8,
  '94': 11, '95': 7, '96': 9,
};
const DEFAULT_DISTRICT_WEIGHT = DISTRICT_TOTAL / 63;

type DistrictType = 'Quận' | 'Thành phố' | 'Thị xã' | 'Huyện';
type CommuneType = 'Phường' | 'Xã' | 'Thị trấn';

// Common first and second syllables of Vietnamese place names (Tân Phú, Hòa Bình, Đông Sơn …).
// prettier-ignore
const PLACE_FIRST = [
  'Tân', 'Phú', 'Hòa', 'An', 'Bình', 'Đông', 'Tây', 'Nam', 'Bắc', 'Vĩnh', 'Long', 'Thạnh', 'Thanh',
  'Hưng', 'Phước', 'Mỹ', 'Thuận', 'Quang', 'Trung', 'Đại', 'Hải', 'Sơn', 'Yên', 'Cẩm', 'Kim', 'Ngọc',
  'Hồng', 'Xuân', 'Hương', 'Thái', 'Đức', 'Lạc', 'Tiên', 'Hiệp', 'Phong', 'Gia', 'Hà', 'Minh', 'Tam',
  'Thượng', 'Hạ', 'Lộc', 'Khánh', 'Nghĩa', 'Quảng', 'Định', 'Cát', 'Lâm', 'Vạn', 'Triệu',
];
// prettier-ignore
const PLACE_SECOND = [
  'An', 'Bình', 'Hòa', 'Phú', 'Thành', 'Lợi', 'Hưng', 'Thịnh', 'Lộc', 'Phước', 'Sơn', 'Hải', 'Lâm',
  'Giang', 'Tiến', 'Lập', 'Trung', 'Xuân', 'Thủy', 'Mỹ', 'Khánh', 'Long', 'Điền', 'Quý', 'Hiệp',
  'Nghĩa', 'Thuận', 'Định', 'Tân', 'Hà', 'Châu', 'Phong', 'Yên', 'Ninh', 'Dương', 'Hồng', 'Vinh',
  'Cường', 'Đông', 'Tây',
];

/** A two-syllable place name not yet in `used` (which it joins). */
function placeName(rng: Rng, used: Set<string>): string {
  for (;;) {
    const first = pick(rng, PLACE_FIRST);
    const second = pick(rng, PLACE_SECOND);
    const name = `${first} ${second}`;
    if (first !== second && !used.has(name)) return (used.add(name), name);
  }
}

/** Centrally-run cities are mostly urban districts (quận); provinces have one or two cities and towns. */
function districtTypes(p: ProvinceRow, n: number): DistrictType[] {
  const types: DistrictType[] = [];
  if (p.kind === 'thanh_pho') {
    const urban = Math.round(n * 0.55);
    for (let i = 0; i < urban; i++) types.push('Quận');
    if (n >= 10) types.push(p.code === '79' ? 'Thành phố' : 'Thị xã'); // Thủ Đức; Sơn Tây
  } else {
    types.push('Thành phố');
    if (n >= 12) types.push('Thành phố');
    if (n >= 8) types.push('Thị xã');
  }
  while (types.length < n) types.push('Huyện');
  return types;
}

/** Urban districts have fewer, smaller wards; rural districts more communes. */
const COMMUNE_WEIGHT: Record<DistrictType, number> = {
  Quận: 0.75,
  'Thành phố': 0.9,
  'Thị xã': 0.9,
  Huyện: 1.15,
};

function communeTypes(district: DistrictType, n: number): CommuneType[] {
  if (district === 'Quận') return Array<CommuneType>(n).fill('Phường');
  if (district === 'Huyện') return ['Thị trấn', ...Array<CommuneType>(n - 1).fill('Xã')];
  const wards = Math.ceil(n * (district === 'Thành phố' ? 0.7 : 0.5));
  return Array.from({ length: n }, (_, i) => (i < wards ? 'Phường' : 'Xã'));
}

interface DistrictPlan {
  province: ProvinceRow;
  code: string;
  type: DistrictType;
  place: string;
  communeWeight: number;
}

/** Districts of every province, codes 001… ascending in province order. */
function planDistricts(provinces: ProvinceRow[], rng: Rng): DistrictPlan[] {
  const weights = provinces.map((p) => DISTRICT_WEIGHTS[p.code] ?? DEFAULT_DISTRICT_WEIGHT);
  const counts = apportion(DISTRICT_TOTAL, weights, MIN_CHILDREN, MAX_CHILDREN);
  const plans: DistrictPlan[] = [];
  provinces.forEach((province, pi) => {
    const used = new Set<string>();
    for (const type of districtTypes(province, counts[pi])) {
      const code = String(plans.length + 1).padStart(3, '0');
      const communeWeight = COMMUNE_WEIGHT[type] * (0.6 + 0.8 * rng());
      plans.push({ province, code, type, place: placeName(rng, used), communeWeight });
    }
  });
  return plans;
}

/** A district's own unit and its communes, codes continuing from `firstCommune`. */
function districtUnits(
  province: SeedUnit,
  plan: DistrictPlan,
  communes: number,
  firstCommune: number,
  rng: Rng,
): SeedUnit[] {
  const pc = plan.province.code;
  const district = makeUnit(
    province,
    plan.code,
    `${plan.type} ${plan.place}`,
    'DISTRICT',
    'PEOPLES_COMMITTEE',
    pc,
  );
  const used = new Set<string>();
  const units = communeTypes(plan.type, communes).map((type, i) => {
    // A district's town (thị trấn) usually shares the district's name.
    const place =
      type === 'Thị trấn' && !used.has(plan.place)
        ? (used.add(plan.place), plan.place)
        : placeName(rng, used);
    const code = String(firstCommune + i).padStart(5, '0');
    return makeUnit(district, code, `${type} ${place}`, 'COMMUNE', 'PEOPLES_COMMITTEE', pc);
  });
  return [district, ...units];
}

function territorialUnits(root: SeedUnit, provinces: ProvinceRow[]): SeedUnit[] {
  const rng = seededRandom(PLACE_SEED);
  const plans = planDistricts(provinces, rng);
  const communeCounts = apportion(
    COMMUNE_TOTAL,
    plans.map((d) => d.communeWeight),
    MIN_CHILDREN,
    MAX_CHILDREN,
  );
  const units: SeedUnit[] = [];
  let nextCommune = 1;
  for (const p of provinces) {
    const province = makeUnit(root, p.code, p.name, 'PROVINCE', 'PEOPLES_COMMITTEE', p.code);
    units.push(province, ...provinceAgencies(province, p));
    plans.forEach((plan, i) => {
      if (plan.province !== p) return;
      units.push(...districtUnits(province, plan, communeCounts[i], nextCommune, rng));
      nextCommune += communeCounts[i];
    });
  }
  return units;
}

function makeUnit(
  parent: SeedUnit | null,
  code: string,
  name: string,
  level: UnitLevel,
  kind: UnitKind,
  provinceCode: string | null,
): SeedUnit {
  const path = childPath(parent?.path ?? null, code);
  return { code, name, level, kind, provinceCode, parentCode: parent?.code ?? null, path };
}

// ---------------------------------------------------------------------------------------------
// Officials (cán bộ, công chức)

// Family names weighted roughly by their share of the population.
// prettier-ignore
const FAMILY_NAMES: [string, number][] = [
  ['Nguyễn', 38], ['Trần', 11], ['Lê', 9.5], ['Phạm', 7], ['Hoàng', 3], ['Huỳnh', 2], ['Phan', 4.5],
  ['Vũ', 2], ['Võ', 2], ['Đặng', 2.1], ['Bùi', 2], ['Đỗ', 1.4], ['Hồ', 1.3], ['Ngô', 1.3],
  ['Dương', 1], ['Lý', 0.5], ['Đinh', 0.5], ['Trương', 0.5], ['Mai', 0.3], ['Lương', 0.3],
];
const FAMILY_TOTAL = FAMILY_NAMES.reduce((a, [, w]) => a + w, 0);
const MALE_MIDDLE = ['Văn', 'Văn', 'Hữu', 'Đức', 'Minh', 'Quang', 'Thành', 'Công', 'Xuân', 'Ngọc'];
const FEMALE_MIDDLE = ['Thị', 'Thị', 'Thu', 'Ngọc', 'Thanh', 'Thùy', 'Minh', 'Kim', 'Hồng', 'Phương'];
// prettier-ignore
const MALE_GIVEN = [
  'An', 'Bình', 'Cường', 'Dũng', 'Hải', 'Hùng', 'Huy', 'Khang', 'Long', 'Minh', 'Nam', 'Phong',
  'Quân', 'Sơn', 'Thắng', 'Trung', 'Tuấn', 'Việt', 'Vinh', 'Hiếu', 'Đạt', 'Toàn', 'Thành', 'Hoàng',
  'Kiên', 'Lâm', 'Tùng', 'Khoa',
];
// prettier-ignore
const FEMALE_GIVEN = [
  'Anh', 'Bích', 'Chi', 'Dung', 'Giang', 'Hà', 'Hằng', 'Hạnh', 'Hoa', 'Hương', 'Lan', 'Linh',
  'Mai', 'Ngọc', 'Nhung', 'Oanh', 'Phương', 'Quỳnh', 'Thảo', 'Trang', 'Vân', 'Yến', 'Thủy',
  'Huyền', 'Loan', 'Tâm', 'Nga', 'Hiền',
];

function familyName(rng: Rng): string {
  let x = rng() * FAMILY_TOTAL;
  for (const [name, weight] of FAMILY_NAMES) if ((x -= weight) < 0) return name;
  return FAMILY_NAMES[0][0];
}

/** "Nguyễn Văn An", "Trần Thị Bích": family, middle and given name. */
function personName(rng: Rng): string {
  const female = rng() < 0.5;
  const middle = pick(rng, female ? FEMALE_MIDDLE : MALE_MIDDLE);
  let given = pick(rng, female ? FEMALE_GIVEN : MALE_GIVEN);
  // "Lê Minh Minh" would read as a typo.
  while (given === middle) given = pick(rng, female ? FEMALE_GIVEN : MALE_GIVEN);
  return `${familyName(rng)} ${middle} ${given}`;
}

// Username prefix → role for the four officials every unit has (tiếp nhận, xử lý, lãnh đạo, thư ký ISO).
const UNIT_STAFF: [string, Role][] = [
  ['receiver', 'RECEIVER'],
  ['handler', 'HANDLER'],
  ['leader', 'LEADER'],
  ['iso', 'ISO_SECRETARY'],
];
const VIEWER_MINISTRY = 'BKHCN'; // the Ministry of Science and Technology supervises ISO in administration

/** The extra accounts a unit holds besides its four staff: auditors, the ministry viewer, the admin. */
function extraAccounts(unit: SeedUnit): [string, Role][] {
  if (unit.level === 'PROVINCE' && unit.kind === 'PEOPLES_COMMITTEE')
    return [[`auditor.${unit.code}`, 'AUDITOR']];
  if (unit.code === VIEWER_MINISTRY) return [[`viewer.${unit.code}`, 'MINISTRY_VIEWER']];
  if (unit.code === ROOT_CODE) return [['admin', 'SYSTEM_ADMIN']];
  return [];
}

function buildOfficials(units: SeedUnit[]): SeedOfficial[] {
  const rng = seededRandom(PEOPLE_SEED);
  const officials: SeedOfficial[] = [];
  for (const unit of units) {
    const accounts = [
      ...UNIT_STAFF.map(([p, role]): [string, Role] => [`${p}.${unit.code}`, role]),
      ...extraAccounts(unit),
    ];
    for (const [username, role] of accounts) {
      officials.push({
        username,
        name: personName(rng),
        unitCode: unit.code,
        roles: [role],
        email: `${username}@${EMAIL_DOMAIN}`,
      });
    }
  }
  return officials;
}

// ---------------------------------------------------------------------------------------------

/**
 * The whole demo country, parents before children (depth first). With `provinceCodes`, the full
 * country is still generated — so codes, names and people are exactly those of the full run — and
 * then cut down to VN, the ministries and the listed provinces' subtrees.
 */
export function generateDemoCountry(input: DemoCountryInput): DemoCountry {
  const provinces = readProvinces(input.provincesCsv);
  const root = makeUnit(null, ROOT_CODE, ROOT_NAME, 'NATIONAL', 'GOVERNMENT', null);
  const units = [
    root,
    ...readMinistries(input.ministriesCsv).flatMap((m) => ministryUnits(root, m)),
    ...territorialUnits(root, provinces),
  ];
  const country = { units, officials: buildOfficials(units) };
  return input.provinceCodes ? keepProvinces(country, provinces, input.provinceCodes) : country;
}

function keepProvinces(country: DemoCountry, provinces: ProvinceRow[], codes: string[]): DemoCountry {
  const known = new Set(provinces.map((p) => p.code));
  const unknown = codes.filter((c) => !known.has(c));
  if (unknown.length > 0) throw new Error(`unknown province code(s): ${unknown.join(', ')}`);
  const wanted = new Set(codes);
  const units = country.units.filter((u) => u.provinceCode === null || wanted.has(u.provinceCode));
  const kept = new Set(units.map((u) => u.code));
  return { units, officials: country.officials.filter((o) => kept.has(o.unitCode)) };
}
