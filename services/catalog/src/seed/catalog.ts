/**
 * The demo catalog, generated deterministically from the procedure data set and the unit
 * directory: province templates of every process with target times, ministries' own processes,
 * some units' own versions, some version histories and drafts, and legal changes whose reviews are
 * partly done and partly overdue. Pure: no I/O.
 */
import { addCalendarMonths, addDays } from '@eiso/calendar';
import type { DirectoryUnit } from '@eiso/directory';
import type { StoredStep } from '../db/rows';
import { handles } from '../domain/handling';
import { reviewDueBy } from '../domain/review';
import { totalHours, WORKING_HOURS_PER_DAY } from '../domain/steps';
import { planSteps } from './steps';
import { pickDistinct, seededRandom, type Random } from '@eiso/demo';

export interface ProcedureData {
  code: string;
  name: string;
  field: string;
  level: 'COMMUNE' | 'DISTRICT' | 'PROVINCE' | 'MINISTRY';
  authority: string | null;
  statutoryDays: number;
  fee: string | null;
  requiredDocuments: string[];
  legalBases: string[];
}
export interface LegalDocumentData {
  number: string;
  title: string;
  issuedOn: string;
  effectiveOn: string;
}

export interface SeedProcess {
  procedureCode: string;
  ownerCode: string;
  version: number;
  steps: StoredStep[];
  totalHours: number;
  effectiveFrom: string | null;
}
export interface SeedTarget {
  procedureCode: string;
  ownerCode: string;
  targetDays: number;
}
export interface SeedReview {
  procedureCode: string;
  ownerCode: string;
  documentNumber: string;
  dueBy: string;
  /** The version whose approval cleared it, if it is done. */
  clearedByVersion: number | null;
}

export interface DemoCatalog {
  legalDocuments: LegalDocumentData[];
  procedures: ProcedureData[];
  processes: SeedProcess[];
  targets: SeedTarget[];
  reviews: SeedReview[];
}

const TEMPLATE_FROM = '2024-01-01';
const REVISED_FROM = '2025-07-01';
const OWN_VERSION_FROM = '2025-03-01';

export function generateDemoCatalog(input: {
  procedures: ProcedureData[];
  legalDocuments: LegalDocumentData[];
  units: DirectoryUnit[];
  today: string;
}): DemoCatalog {
  const random = seededRandom(20_250_701);
  const processes: SeedProcess[] = [];
  const targets: SeedTarget[] = [];
  const byCode = new Map(input.units.map((u) => [u.code, u]));
  const provinces = input.units.filter((u) => u.level === 'PROVINCE' && u.kind === 'PEOPLES_COMMITTEE');
  const local = input.procedures.filter((p) => p.level !== 'MINISTRY');

  for (const province of provinces) {
    for (const procedure of local) {
      const target = cutTime(procedure.statutoryDays, random);
      targets.push({ procedureCode: procedure.code, ownerCode: province.code, targetDays: target });
      processes.push(...history(procedure, province.code, target, random));
    }
  }
  for (const procedure of input.procedures.filter((p) => p.level === 'MINISTRY')) {
    const ministry = procedure.authority ? byCode.get(procedure.authority) : undefined;
    if (!ministry) continue;
    const target = cutTime(procedure.statutoryDays, random);
    targets.push({ procedureCode: procedure.code, ownerCode: ministry.code, targetDays: target });
    processes.push(...history(procedure, ministry.code, target, random));
  }
  processes.push(...ownVersions(input.units, local, targets, random));

  const changes = legalChanges(input.procedures, input.today);
  return {
    legalDocuments: [...input.legalDocuments, ...changes.documents],
    procedures: input.procedures.map((p) => ({
      ...p,
      legalBases: [
        ...p.legalBases,
        ...changes.links.filter((l) => l.procedureCode === p.code).map((l) => l.number),
      ],
    })),
    processes,
    targets,
    reviews: reviewsFor(changes, processes, input.today, (code) => byCode.get(code)?.provinceCode ?? null),
  };
}

/** The province's published time: 30–60% off the statutory time, in half days, at least half a day. */
function cutTime(statutoryDays: number, random: Random): number {
  const factor = 0.4 + random() * 0.3;
  return Math.min(statutoryDays, Math.max(0.5, Math.floor(statutoryDays * factor * 2) / 2));
}

/** Version 1 in force since 2024; one in ten revised in 2025; one in a hundred with a draft pending. */
function history(
  procedure: ProcedureData,
  ownerCode: string,
  targetDays: number,
  random: Random,
): SeedProcess[] {
  const hours = targetDays * WORKING_HOURS_PER_DAY;
  const versions = [version(procedure.code, ownerCode, 1, planSteps(hours), TEMPLATE_FROM)];
  if (random() < 0.1)
    versions.push(version(procedure.code, ownerCode, 2, planSteps(hours * 0.9), REVISED_FROM));
  if (random() < 0.01)
    versions.push(version(procedure.code, ownerCode, versions.length + 1, planSteps(hours * 0.8), null));
  return versions;
}

/** About one unit in fifty publishes its own, faster version of two of the procedures it handles. */
function ownVersions(
  units: DirectoryUnit[],
  procedures: ProcedureData[],
  targets: SeedTarget[],
  random: Random,
): SeedProcess[] {
  const targetOf = new Map(targets.map((t) => [`${t.procedureCode}|${t.ownerCode}`, t.targetDays]));
  const result: SeedProcess[] = [];
  for (const unit of units) {
    if (unit.level === 'PROVINCE' && unit.kind === 'PEOPLES_COMMITTEE') continue;
    if (!unit.provinceCode || random() >= 0.02) continue;
    const handled = procedures.filter((p) => handles(unit, p));
    for (const procedure of pickDistinct(random, handled, 2)) {
      const inherited = targetOf.get(`${procedure.code}|${unit.provinceCode}`) ?? procedure.statutoryDays;
      const steps = planSteps(inherited * WORKING_HOURS_PER_DAY * 0.8, `Thẩm định hồ sơ tại ${unit.name}`);
      result.push(version(procedure.code, unit.code, 1, steps, OWN_VERSION_FROM));
    }
  }
  return result;
}

function version(
  procedureCode: string,
  ownerCode: string,
  n: number,
  steps: StoredStep[],
  effectiveFrom: string | null,
): SeedProcess {
  return { procedureCode, ownerCode, version: n, steps, totalHours: totalHours(steps), effectiveFrom };
}

interface LegalChanges {
  documents: LegalDocumentData[];
  links: { procedureCode: string; number: string }[];
}

/**
 * Two recent decrees: one in force five months ago (its three-month revision window has passed),
 * one in force a month ago (its window is still open).
 */
function legalChanges(procedures: ProcedureData[], today: string): LegalChanges {
  const commune = procedures.filter((p) => p.level === 'COMMUNE');
  const district = procedures.filter((p) => p.level === 'DISTRICT');
  const older = addCalendarMonths(today, -5);
  const recent = addCalendarMonths(today, -1);
  const documents = [
    {
      number: 'DEMO-01/NĐ-CP',
      title: 'Nghị định sửa đổi quy trình hộ tịch (dữ liệu minh họa)',
      issuedOn: addDays(older, -45),
      effectiveOn: older,
    },
    {
      number: 'DEMO-02/TT-BXD',
      title: 'Thông tư sửa đổi thủ tục cấp phép (dữ liệu minh họa)',
      issuedOn: addDays(recent, -45),
      effectiveOn: recent,
    },
  ];
  const links = [
    ...commune.slice(0, 3).map((p) => ({ procedureCode: p.code, number: documents[0].number })),
    ...district.slice(0, 2).map((p) => ({ procedureCode: p.code, number: documents[1].number })),
  ];
  return { documents, links };
}

/**
 * Every owner of an approved version of an affected procedure owes a revision; for the older
 * decree, whose window has passed, every owner but those of one province approved one in time.
 */
function reviewsFor(
  changes: LegalChanges,
  processes: SeedProcess[],
  today: string,
  provinceOf: (unitCode: string) => string | null,
): SeedReview[] {
  const reviews: SeedReview[] = [];
  const effectiveOn = new Map(changes.documents.map((d) => [d.number, d.effectiveOn]));
  for (const link of changes.links) {
    // Owners of an approved version, with the latest approved version and the highest number used
    // (drafts included: the revision takes the next free number).
    const owners = new Map<string, number>();
    const highest = new Map<string, number>();
    for (const p of processes) {
      if (p.procedureCode !== link.procedureCode) continue;
      highest.set(p.ownerCode, Math.max(highest.get(p.ownerCode) ?? 0, p.version));
      if (p.effectiveFrom) owners.set(p.ownerCode, Math.max(owners.get(p.ownerCode) ?? 0, p.version));
    }
    // One province (the first by code) is late with its revision; everyone else revised in time —
    // the ministry's picture of 62 provinces out of 63 in order.
    const laggard = [...owners.keys()]
      .map(provinceOf)
      .filter((p): p is string => p !== null)
      .sort()[0];
    for (const [ownerCode, latest] of owners) {
      const dueBy = reviewDueBy(effectiveOn.get(link.number)!);
      const cleared = dueBy < today && provinceOf(ownerCode) !== laggard;
      if (cleared) {
        const last = processes.find(
          (p) => p.procedureCode === link.procedureCode && p.ownerCode === ownerCode && p.version === latest,
        )!;
        processes.push({ ...last, version: highest.get(ownerCode)! + 1, effectiveFrom: addDays(dueBy, -20) });
      }
      reviews.push({
        procedureCode: link.procedureCode,
        ownerCode,
        documentNumber: link.number,
        dueBy,
        clearedByVersion: cleared ? highest.get(ownerCode)! + 1 : null,
      });
    }
  }
  return reviews;
}
