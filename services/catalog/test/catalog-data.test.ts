/**
 * Invariants of the demo procedure catalog (data/procedures.json) and the legal documents it cites
 * (data/legal-documents.json). Pure data checks: no database, no servers.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

type Level = 'COMMUNE' | 'DISTRICT' | 'PROVINCE' | 'MINISTRY';

interface Procedure {
  code: string;
  name: string;
  field: string;
  level: Level;
  authority: string | null;
  statutoryDays: number;
  fee: string | null;
  requiredDocuments: string[];
  legalBases: string[];
}

interface LegalDocument {
  number: string;
  title: string;
  issuedOn: string;
  effectiveOn: string;
}

const dataDir = path.join(__dirname, '..', 'data');
const proceduresText = readFileSync(path.join(dataDir, 'procedures.json'), 'utf8');
const legalText = readFileSync(path.join(dataDir, 'legal-documents.json'), 'utf8');
const procedures: Procedure[] = JSON.parse(proceduresText);
const legalDocuments: LegalDocument[] = JSON.parse(legalText);

/** Ministry codes from org's list (first column of ministries.csv; codes carry no quotes or commas). */
const ministriesCsv = readFileSync(path.join(__dirname, '..', '..', 'org', 'data', 'ministries.csv'), 'utf8');
const ministryCodes = new Set(
  ministriesCsv
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .slice(1)
    .map((line) => line.split(',')[0].trim())
    .filter((code) => code !== ''),
);

/** The provincial agencies (sở and equivalents) that handle PROVINCE procedures. */
const AGENCIES = [
  'VP',
  'SNV',
  'STP',
  'SKHDT',
  'STC',
  'SCT',
  'SNNPTNT',
  'SGTVT',
  'SXD',
  'STNMT',
  'STTTT',
  'SLDTBXH',
  'SVHTTDL',
  'SKHCN',
  'SGDDT',
  'SYT',
  'TTR',
  'BDT',
];

const LEVEL_RANGES: Record<string, [number, number]> = {
  COMMUNE: [95, 110],
  DISTRICT: [180, 200],
  PROVINCE: [950, 1050],
  MINISTRY: [100, 150],
};

const isNfc = (s: string) => s === s.normalize('NFC');
const isCleanText = (s: unknown) => typeof s === 'string' && s.trim() !== '' && s === s.trim() && isNfc(s);
const isIsoDate = (s: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(s) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;

function duplicates<T>(values: T[]): T[] {
  const seen = new Set<T>();
  const dups = new Set<T>();
  for (const v of values) (seen.has(v) ? dups : seen).add(v);
  return [...dups];
}

const byLevel = (level: string) => procedures.filter((p) => p.level === level);

describe('data files', () => {
  it('are NFC-normalized UTF-8, pretty-printed with two spaces', () => {
    for (const [text, parsed] of [
      [proceduresText, procedures],
      [legalText, legalDocuments],
    ] as const) {
      expect(text.charCodeAt(0)).not.toBe(0xfeff);
      expect(isNfc(text)).toBe(true);
      expect(text).toBe(`${JSON.stringify(parsed, null, 2)}\n`);
    }
  });

  it('ministries.csv lists the ministries the catalog refers to', () => {
    expect(ministryCodes.size).toBeGreaterThanOrEqual(18);
    expect(ministryCodes.has('BTP')).toBe(true);
  });
});

describe('procedures', () => {
  it('has a valid level on every procedure and the expected count per level', () => {
    const levels = new Set(procedures.map((p) => p.level));
    expect([...levels].filter((l) => !(l in LEVEL_RANGES))).toEqual([]);
    for (const [level, [min, max]] of Object.entries(LEVEL_RANGES)) {
      const n = byLevel(level).length;
      expect({ level, n, inRange: n >= min && n <= max }).toEqual({ level, n, inRange: true });
    }
  });

  it('has unique codes in the portal format', () => {
    const codes = procedures.map((p) => p.code);
    expect(duplicates(codes)).toEqual([]);
    expect(codes.filter((c) => typeof c !== 'string' || !/^\d\.\d{6}$/.test(c))).toEqual([]);
  });

  it('has non-empty NFC names, unique within a level', () => {
    expect(procedures.filter((p) => !isCleanText(p.name)).map((p) => p.code)).toEqual([]);
    for (const level of Object.keys(LEVEL_RANGES)) {
      expect({ level, duplicates: duplicates(byLevel(level).map((p) => p.name)) }).toEqual({
        level,
        duplicates: [],
      });
    }
  });

  it('has a non-empty NFC field (lĩnh vực) on every procedure', () => {
    expect(procedures.filter((p) => !isCleanText(p.field)).map((p) => p.code)).toEqual([]);
  });

  it('leaves the authority empty at commune and district level', () => {
    const local = procedures.filter((p) => p.level === 'COMMUNE' || p.level === 'DISTRICT');
    expect(local.filter((p) => p.authority !== null).map((p) => p.code)).toEqual([]);
  });

  it('names one of the provincial agencies on every provincial procedure, and uses every agency', () => {
    const province = byLevel('PROVINCE');
    expect(province.filter((p) => !AGENCIES.includes(p.authority as string)).map((p) => p.code)).toEqual([]);
    const used = new Set(province.map((p) => p.authority));
    expect(AGENCIES.filter((a) => !used.has(a))).toEqual([]);
  });

  it('names a ministry from org on every ministry procedure, across several ministries', () => {
    const ministry = byLevel('MINISTRY');
    expect(ministry.filter((p) => !ministryCodes.has(p.authority as string)).map((p) => p.code)).toEqual([]);
    expect(new Set(ministry.map((p) => p.authority)).size).toBeGreaterThanOrEqual(5);
  });

  it('has a statutory time in working days: positive, at most 90, in half days', () => {
    const bad = procedures.filter(
      (p) =>
        typeof p.statutoryDays !== 'number' ||
        !(p.statutoryDays > 0) ||
        p.statutoryDays > 90 ||
        !Number.isInteger(p.statutoryDays * 2),
    );
    expect(bad.map((p) => `${p.code}: ${p.statutoryDays}`)).toEqual([]);
  });

  it('has a fee that is a non-empty NFC text or null', () => {
    expect(procedures.filter((p) => p.fee !== null && !isCleanText(p.fee)).map((p) => p.code)).toEqual([]);
  });

  it('lists 1–6 required documents, each a non-empty NFC text', () => {
    const bad = procedures.filter(
      (p) =>
        !Array.isArray(p.requiredDocuments) ||
        p.requiredDocuments.length < 1 ||
        p.requiredDocuments.length > 6 ||
        !p.requiredDocuments.every(isCleanText),
    );
    expect(bad.map((p) => p.code)).toEqual([]);
  });

  it('cites 1–3 distinct legal bases, each present in legal-documents.json', () => {
    const numbers = new Set(legalDocuments.map((d) => d.number));
    const bad = procedures.filter(
      (p) =>
        !Array.isArray(p.legalBases) ||
        p.legalBases.length < 1 ||
        p.legalBases.length > 3 ||
        duplicates(p.legalBases).length > 0,
    );
    expect(bad.map((p) => p.code)).toEqual([]);
    const missing = procedures.flatMap((p) =>
      p.legalBases.filter((n) => !numbers.has(n)).map((n) => `${p.code}: ${n}`),
    );
    expect(missing).toEqual([]);
  });
});

describe('legal documents', () => {
  it('has between 40 and 120 documents, unique by number', () => {
    expect(legalDocuments.length).toBeGreaterThanOrEqual(40);
    expect(legalDocuments.length).toBeLessThanOrEqual(120);
    expect(duplicates(legalDocuments.map((d) => d.number))).toEqual([]);
  });

  it('has a non-empty NFC number and title on every document', () => {
    expect(legalDocuments.filter((d) => !isCleanText(d.number) || !isCleanText(d.title))).toEqual([]);
  });

  it('has valid ISO dates, issued on or before taking effect', () => {
    const bad = legalDocuments.filter(
      (d) => !isIsoDate(d.issuedOn) || !isIsoDate(d.effectiveOn) || d.issuedOn > d.effectiveOn,
    );
    expect(bad.map((d) => `${d.number}: ${d.issuedOn} → ${d.effectiveOn}`)).toEqual([]);
  });
});
