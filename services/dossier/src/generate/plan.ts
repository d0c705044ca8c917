/**
 * The national year `eiso generate` writes, planned day by day (pure: the loader streams each day
 * out and forgets it, so memory does not grow with the number of dossiers).
 *
 * Every unit of the tree that handles procedures and has officials receives dossiers, weighted by
 * its size (its level and kind, a per-unit and a per-province factor, the two big cities three
 * times); within a unit, popular procedures come first (Zipf over the unit's procedures). Each
 * dossier's life (steps, timeliness, return, feedback) is drawn by the demo seed's `planDossier`.
 * Codes follow the receipt order within each unit and day, as live receipts do.
 */
import { addDays, dateInVietnam, type WorkingCalendar } from '@eiso/calendar';
import { randomInt, seededRandom, type Random } from '@eiso/demo';
import type { DirectoryUnit } from '@eiso/directory';
import { dossierCode } from '../domain/codes';
import { daysAllowed, processInForce } from '../domain/receipt';
import {
  handledByUnit,
  planDossier,
  type SeedDossier,
  type SeedProcedure,
  type UnitOfficials,
} from '../seed/plan';

export interface YearWindow {
  /** First and last receipt day (Vietnam), inclusive. */
  from: string;
  to: string;
  /** The moment the data describes: what is finished before it is finished. */
  asOf: Date;
}

/**
 * `--year YYYY`: that calendar year as of its end (or, for the current year, Jan 1 to yesterday as
 * of now); no year: the 365 days before today, as of now (as the demo seed).
 */
export function yearWindow(now: Date, year?: number): YearWindow {
  const today = dateInVietnam(now);
  const yesterday = addDays(today, -1);
  if (year === undefined) return { from: addDays(today, -365), to: yesterday, asOf: now };
  const first = `${year}-01-01`;
  const last = `${year}-12-31`;
  if (first > yesterday) throw new RangeError(`--year ${year} has no past day to generate`);
  if (last < today) return { from: first, to: last, asOf: new Date(`${year + 1}-01-01T00:00:00+07:00`) };
  return { from: first, to: yesterday, asOf: now };
}

export interface GeneratorUnit {
  index: number;
  unit: DirectoryUnit;
  officials: UnitOfficials;
  handled: SeedProcedure[];
  /** Cumulative Zipf weights over `handled`. */
  procedureWeights: Float64Array;
}

export interface PlannedDossier extends SeedDossier {
  id: string;
  code: string;
  unitIndex: number;
  /** Day index (from the window's first day) of receipt, completion and return. */
  receivedDayIndex: number;
}

/** Relative volume by level and kind: communes are many but small, provincial agencies busy. */
function baseWeight(unit: DirectoryUnit): number {
  if (unit.level === 'COMMUNE') return 1;
  if (unit.level === 'DISTRICT') return 4;
  if (unit.level === 'PROVINCE') return unit.kind === 'AGENCY' ? 6 : 3;
  if (unit.level === 'MINISTRY') return unit.kind === 'AGENCY' ? 4 : 10;
  return 0;
}

const BIG_CITIES = new Set(['01', '79']);

export class NationalYearPlan {
  readonly units: GeneratorUnit[];
  readonly workingDays: string[];
  private readonly unitWeights: Float64Array;
  private readonly dayCounts: number[];
  private readonly random: Random;
  private readonly firstEpochDay: number;
  private nextId = 0;

  constructor(
    private readonly input: {
      units: DirectoryUnit[];
      procedures: SeedProcedure[];
      officials: Map<string, UnitOfficials>;
      calendar: WorkingCalendar;
      window: YearWindow;
      count: number;
      seed: number;
    },
  ) {
    this.random = seededRandom(input.seed);
    this.firstEpochDay = Math.round(Date.parse(`${input.window.from}T00:00:00Z`) / 86_400_000);
    const random = this.random;
    const sorted = [...input.units].sort((a, b) => (a.code < b.code ? -1 : 1));
    const provinceFactor = new Map<string, number>();
    for (const u of sorted)
      if (u.provinceCode && !provinceFactor.has(u.provinceCode))
        provinceFactor.set(u.provinceCode, (0.6 + 0.8 * random()) * (BIG_CITIES.has(u.provinceCode) ? 3 : 1));
    const zipf = new Map<string, { handled: SeedProcedure[]; weights: Float64Array }>();
    const procedures = [...input.procedures].sort((a, b) => (a.code < b.code ? -1 : 1));
    this.units = [];
    const weights: number[] = [];
    for (const unit of sorted) {
      const factor = 0.4 + 1.2 * random() * random() + random() * 0.4;
      const officials = input.officials.get(unit.id);
      if (!officials || baseWeight(unit) === 0) continue;
      const key =
        unit.kind === 'AGENCY'
          ? `${unit.level}|${unit.code.slice(unit.code.lastIndexOf('.') + 1)}`
          : unit.level === 'MINISTRY'
            ? unit.code
            : unit.level;
      if (!zipf.has(key)) {
        const handled = handledByUnit(unit, procedures).filter((p) => p.versions.length > 0);
        const w = new Float64Array(handled.length);
        let sum = 0;
        handled.forEach((_, k) => (w[k] = sum += 1 / Math.pow(k + 1, 0.9)));
        zipf.set(key, { handled, weights: w });
      }
      const { handled, weights: procedureWeights } = zipf.get(key)!;
      if (handled.length === 0) continue;
      this.units.push({ index: this.units.length, unit, officials, handled, procedureWeights });
      weights.push(baseWeight(unit) * factor * (provinceFactor.get(unit.provinceCode ?? '') ?? 1));
    }
    if (this.units.length === 0) throw new Error('no unit both handles procedures and has officials');
    this.unitWeights = cumulative(weights);
    this.workingDays = [];
    for (let day = input.window.from; day <= input.window.to; day = addDays(day, 1))
      if (input.calendar.isWorkingDay(day)) this.workingDays.push(day);
    if (this.workingDays.length === 0) throw new RangeError('the window holds no working day');
    // Mondays are busiest, Fridays and worked Saturdays quieter; the counts add up to exactly N.
    const dayWeights = cumulative(
      this.workingDays.map((d) => [0.8, 1.2, 1.05, 1, 1, 0.9, 0.8][new Date(`${d}T12:00:00Z`).getUTCDay()]),
    );
    const total = dayWeights[dayWeights.length - 1];
    this.dayCounts = this.workingDays.map((_, i) => {
      const upTo = Math.round((input.count * dayWeights[i]) / total);
      const before = i === 0 ? 0 : Math.round((input.count * dayWeights[i - 1]) / total);
      return upTo - before;
    });
  }

  /** Day index (from the window's first day, Vietnam time) of an instant. */
  dayIndex(instant: Date): number {
    return epochDay(instant) - this.firstEpochDay;
  }

  /** The number of dossiers planned. */
  get total(): number {
    return this.input.count;
  }

  /** Days from the window's first day to the as-of day, inclusive: the rollups' span. */
  get spanDays(): number {
    return this.dayIndex(this.input.window.asOf) + 1;
  }

  /** The dossiers received on each working day, in receipt order, with ids and codes. */
  *days(): Generator<{ day: string; dossiers: PlannedDossier[] }> {
    const { calendar, window } = this.input;
    const random = this.random;
    for (let d = 0; d < this.workingDays.length; d++) {
      const day = this.workingDays[d];
      const midnight = Date.parse(`${day}T00:00:00+07:00`);
      const planned: { unit: GeneratorUnit; dossier: SeedDossier }[] = [];
      while (planned.length < this.dayCounts[d]) {
        const unit = this.units[pick(this.unitWeights, random)];
        const procedure = unit.handled[pick(unit.procedureWeights, random)];
        const receivedAt = new Date(
          midnight +
            randomInt(random, 8, 16) * 3_600_000 +
            randomInt(random, 0, 59) * 60_000 +
            randomInt(random, 0, 59) * 1000,
        );
        const process = processInForce(unit.unit.path, day, procedure.versions);
        if (!process) continue;
        const days = daysAllowed(unit.unit.path, procedure.statutoryDays, procedure.targets);
        const dossier = planDossier(
          random,
          { officials: this.input.officials, calendar, now: window.asOf },
          unit.unit,
          procedure,
          process,
          receivedAt,
          days,
        );
        planned.push({ unit, dossier });
      }
      planned.sort((a, b) => a.dossier.receivedAt.getTime() - b.dossier.receivedAt.getTime());
      const sequences = new Map<number, number>();
      const dayIndex = this.dayIndex(new Date(`${day}T12:00:00+07:00`));
      yield {
        day,
        dossiers: planned.map(({ unit, dossier }) => {
          const sequence = (sequences.get(unit.index) ?? 0) + 1;
          sequences.set(unit.index, sequence);
          return {
            ...dossier,
            id: generatedId(0, this.nextId++),
            code: dossierCode(unit.unit.code, dossier.receivedAt, sequence),
            unitIndex: unit.index,
            receivedDayIndex: dayIndex,
          };
        }),
      };
    }
  }
}

/**
 * Generated ids count up (kind 0: dossiers, 1: events), so every primary key is appended at its
 * index's right edge during the load, and the same seed gives the same ids.
 */
export function generatedId(kind: number, n: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return `e1500000-0000-4000-${(8000 + kind).toString()}-${hex}`;
}

function epochDay(instant: Date): number {
  return Math.floor((instant.getTime() + 7 * 3_600_000) / 86_400_000);
}

function cumulative(weights: number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => (out[i] = sum += w));
  return out;
}

/** An index drawn in proportion to the weights behind a cumulative array (binary search). */
function pick(cumulativeWeights: Float64Array, random: Random): number {
  const target = random() * cumulativeWeights[cumulativeWeights.length - 1];
  let lo = 0;
  let hi = cumulativeWeights.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulativeWeights[mid] > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
