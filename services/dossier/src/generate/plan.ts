/**
 * The national year `eiso generate` writes, planned day by day (pure: the loader streams each day
 * out and forgets it, so memory does not grow with the number of dossiers).
 *
 * Every unit of the tree that handles procedures and has officials receives dossiers, weighted by
 * its size (its level and kind, a per-unit and a per-province factor, the two big cities three
 * times); within a unit, popular procedures come first (Zipf over the unit's procedures). Each
 * dossier's life (steps, timeliness, return, feedback) is the demo seed's `planDossier`, drawn by
 * its lean twin `planLife` (life.ts). Codes follow the receipt order within each unit and day, as
 * live receipts do.
 *
 * Each working day is planned on its own: its dossier count and first id are fixed up front (the
 * day weights), and its random numbers come from a stream seeded by the seed and the day alone. So
 * days can be planned in any order, on any number of threads, and give the same rows. A day comes
 * out as COPY text (dossiers, steps, events, sequences), written straight from numbers and
 * precomputed per-unit, per-procedure and per-day strings; its rollup counts go into a `Rollups`.
 */
import { addDays, dateInVietnam } from '@eiso/calendar';
import { seededRandom, type Random } from '@eiso/demo';
import type { DirectoryUnit } from '@eiso/directory';
import { hashPin } from '../domain/codes';
import type { ProcessVersion } from '../domain/receipt';
import { daysAllowed } from '../domain/receipt';
import { DEMO_PIN } from '../seed/write';
import { FAMILY, GIVEN, handledByUnit, type SeedProcedure, type UnitOfficials } from '../seed/plan';
import type { TabledCalendar } from './calendar';
import { copyField, isoInstant } from './copy';
import {
  CHANNEL,
  Life,
  ONLINE,
  planLife,
  RESULT_READY,
  RETURNED,
  roleCode,
  STATUS,
  TIMELINESS,
  vietnamDay,
  type StepTemplate,
} from './life';
import { Rollups } from './rollups';

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

/** What a plan is made from (plain data: a worker thread gets a copy and makes the same plan). */
export interface PlanInput {
  units: DirectoryUnit[];
  procedures: SeedProcedure[];
  officials: Map<string, UnitOfficials>;
  window: YearWindow;
  count: number;
  seed: number;
  /**
   * The demo PIN's hash every dossier gets (salted at random: made once per run and handed to
   * every thread, so all dossiers of a run share it). Default: hashed here.
   */
  pinHash?: string;
}

/** A unit with its COPY fragments. */
export interface GeneratorUnit {
  index: number;
  unit: DirectoryUnit;
  officials: UnitOfficials;
  handled: SeedProcedure[];
  /** Cumulative Zipf weights over `handled`. */
  procedureWeights: Float64Array;
  /** COPY text of the id, the path, the code prefix and the JSON-quoted code. */
  idText: string;
  pathText: string;
  codePrefix: string;
  codeJson: string;
  /** COPY text of the assignee by role code (life.ts: RECEIVER, LEADER, HANDLER; `\N` when none). */
  assignees: [string, string, string];
}

/** A process version as the planner writes it: its steps and each step's fixed COPY fields. */
interface ProcessPlan {
  idText: string;
  steps: StepTemplate;
  /** `\t<order>\t<name>\t<role>\t<hours>\t` for each step. */
  stepText: string[];
}

/** A unit's procedure: the process versions that may apply to it (best first) and the days allowed. */
interface UnitProcedure {
  procedure: SeedProcedure;
  idText: string;
  idJson: string;
  feeText: string;
  versions: ProcessVersion[];
  days: number;
}

/** One working day as COPY text, and what the loader reports. */
export interface DayText {
  /** Index in `workingDays`. */
  day: number;
  count: number;
  dossiers: string;
  steps: string;
  events: string;
  sequences: string;
  stepRows: number;
  sequenceRows: number;
  /** Not yet returned, and still being processed. */
  open: number;
  inProgress: number;
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
/** Receipt times: 08:00:00 to 16:59:59, one second apart. */
const FIRST_SECOND = 8 * 3600;
const SECONDS = 9 * 3600;

export class NationalYearPlan {
  readonly units: GeneratorUnit[];
  readonly workingDays: string[];
  /** Dossiers received on each working day, and the id of each day's first. */
  readonly dayCounts: Int32Array;
  readonly firstIds: Float64Array;
  private readonly unitWeights: Float64Array;
  private readonly firstEpochDay: number;
  private readonly asOf: number;
  private readonly pairs: (UnitProcedure | undefined)[][];
  private readonly processes = new Map<ProcessVersion, ProcessPlan>();
  private readonly procedureOwners = new Map<
    SeedProcedure,
    { owners: Set<string> | null; pairs: Map<string, UnitProcedure> }
  >();
  private readonly names: string[];
  private readonly pinHash: string;
  private readonly life: Life;

  constructor(
    private readonly input: PlanInput,
    private readonly calendar: TabledCalendar,
  ) {
    const random = seededRandom(input.seed);
    this.firstEpochDay = Math.round(Date.parse(`${input.window.from}T00:00:00Z`) / 86_400_000);
    this.asOf = input.window.asOf.getTime();
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
      this.units.push({
        index: this.units.length,
        unit,
        officials,
        handled,
        procedureWeights,
        idText: copyField(unit.id),
        pathText: copyField(unit.path),
        codePrefix: copyField(`${unit.code}-`),
        codeJson: copyField(JSON.stringify(unit.code)),
        assignees: [copyField(officials.receiver), copyField(officials.leader), copyField(officials.handler)],
      });
      weights.push(baseWeight(unit) * factor * (provinceFactor.get(unit.provinceCode ?? '') ?? 1));
    }
    if (this.units.length === 0) throw new Error('no unit both handles procedures and has officials');
    this.unitWeights = cumulative(weights);
    this.pairs = this.units.map((u) => new Array<UnitProcedure | undefined>(u.handled.length));
    this.workingDays = [];
    for (let day = input.window.from; day <= input.window.to; day = addDays(day, 1))
      if (calendar.isWorkingDay(day)) this.workingDays.push(day);
    if (this.workingDays.length === 0) throw new RangeError('the window holds no working day');
    // Mondays are busiest, Fridays and worked Saturdays quieter; the counts add up to exactly N.
    const dayWeights = cumulative(
      this.workingDays.map((d) => [0.8, 1.2, 1.05, 1, 1, 0.9, 0.8][new Date(`${d}T12:00:00Z`).getUTCDay()]),
    );
    const total = dayWeights[dayWeights.length - 1];
    this.dayCounts = new Int32Array(this.workingDays.length);
    this.firstIds = new Float64Array(this.workingDays.length);
    let before = 0;
    this.workingDays.forEach((_, i) => {
      const upTo = Math.round((input.count * dayWeights[i]) / total);
      this.dayCounts[i] = upTo - before;
      this.firstIds[i] = before;
      before = upTo;
    });
    this.names = [];
    for (const family of FAMILY)
      for (let g1 = 0; g1 < GIVEN.length; g1++)
        for (let g2 = 0; g2 < GIVEN.length; g2++)
          this.names.push(g1 === g2 ? '' : copyField(`${family} ${GIVEN[g1]} ${GIVEN[g2]}`));
    this.pinHash = copyField(input.pinHash ?? hashPin(DEMO_PIN));
    let maxSteps = 1;
    for (const p of procedures) for (const v of p.versions) maxSteps = Math.max(maxSteps, v.steps.length);
    this.life = new Life(maxSteps);
  }

  /** Day index (from the window's first day, Vietnam time) of an instant in epoch ms. */
  dayIndexAt(t: number): number {
    return vietnamDay(t) - this.firstEpochDay;
  }

  /** The date (YYYY-MM-DD) of a day index. */
  dateAt(dayIndex: number): string {
    return new Date((this.firstEpochDay + dayIndex) * 86_400_000).toISOString().slice(0, 10);
  }

  /** The number of dossiers planned. */
  get total(): number {
    return this.input.count;
  }

  /** Days from the window's first day to the as-of day, inclusive: the rollups' span. */
  get spanDays(): number {
    return this.dayIndexAt(this.asOf) + 1;
  }

  /** A rollup table for this plan's units and span. */
  rollups(): Rollups {
    return new Rollups(this.units.length, this.spanDays);
  }

  /**
   * The dossiers received on working day `d` (an index in `workingDays`), in receipt order, as
   * COPY text; their rollup counts are added to `rollups`.
   */
  planDay(d: number, rollups: Rollups): DayText {
    const count = this.dayCounts[d];
    const day = this.workingDays[d];
    const random = dayRandom(this.input.seed, d);
    const midnight = Date.parse(`${day}T00:00:00+07:00`);
    const dayIndex = this.dayIndexAt(midnight);
    const dayText = `\t${day}\t`;
    const yymmdd = `${day.slice(2, 4)}${day.slice(5, 7)}${day.slice(8, 10)}-`;
    // Each step carries its dossier's receipt day: the column dossier_step is partitioned by.
    const stepEnd = `\t${day}\n`;
    // Who and when first (a unit, one of its procedures with a process in force, a second of the
    // office day), then the lives in receipt order: codes number the receipts in order.
    const unitOf = new Int32Array(count);
    const pairOf = new Int32Array(count);
    const secondOf = new Int32Array(count);
    for (let i = 0; i < count;) {
      const u = pick(this.unitWeights, random);
      const k = pick(this.units[u].procedureWeights, random);
      const second =
        Math.floor(random() * 9) * 3600 + Math.floor(random() * 60) * 60 + Math.floor(random() * 60);
      if (!this.processInForce(this.pair(u, k), day)) continue;
      unitOf[i] = u;
      pairOf[i] = k;
      secondOf[i] = second;
      i++;
    }
    const order = receiptOrder(secondOf);
    const sequenceOf = new Int32Array(this.units.length);
    const touched: number[] = [];
    let dossiers = '';
    let steps = '';
    let events = '';
    let stepRows = 0;
    let open = 0;
    let inProgress = 0;
    const life = this.life;
    const now = this.asOf;
    for (let j = 0; j < count; j++) {
      const i = order[j];
      const u = unitOf[i];
      const unit = this.units[u];
      const pair = this.pair(u, pairOf[i])!;
      const process = this.processPlan(this.processInForce(pair, day)!);
      const receivedAt = midnight + (FIRST_SECOND + secondOf[i]) * 1000;
      const template = process.steps;
      planLife(
        life,
        random,
        this.calendar,
        now,
        template,
        receivedAt,
        pair.days,
        FAMILY.length,
        GIVEN.length,
      );
      const sequence = ++sequenceOf[u];
      if (sequence === 1) touched.push(u);
      const n = this.firstIds[d] + j;
      const id = generatedId(0, n);
      const code = `${unit.codePrefix}${yymmdd}${String(sequence).padStart(4, '0')}`;
      const online = life.channel === ONLINE;
      const completed = life.completedAt === life.completedAt;
      const returned = life.status === RETURNED;
      const receivedText = isoInstant(receivedAt);
      const dueText = isoInstant(life.dueAt);
      const completedText = completed ? isoInstant(life.completedAt) : '\\N';
      const returnedText = returned ? isoInstant(life.returnedAt) : '\\N';
      const current = life.current;
      const firstAssignee = unit.assignees[template.roles[0]];
      dossiers +=
        `${id}\t${code}\t${unit.idText}\t${unit.pathText}\t${pair.idText}\t${process.idText}\t` +
        `${CHANNEL[life.channel]}\t${STATUS[life.status]}\t${receivedText}${dayText}${dueText}\t${dueText}\t` +
        `${completedText}\t${returnedText}\t${current === -1 ? '\\N' : template.orders[current]}\t` +
        `${this.names[(life.family * GIVEN.length + life.given1) * GIVEN.length + life.given2]}\t` +
        `${life.idProvince < 10 ? '00' : '0'}${life.idProvince}${String(life.idSerial).padStart(9, '0')}\t` +
        `${this.pinHash}\t${pair.feeText}\t${online}\t${online}\t${online && completed}\t` +
        `${life.rating === 0 ? '\\N' : life.rating}\t${life.rating === 0 ? '\\N' : returnedText}\t${firstAssignee}\n`;
      const stepCount = template.orders.length;
      for (let s = 0; s < stepCount; s++) {
        const started = life.stepStarted[s];
        const due = life.stepDue[s];
        const done = life.stepCompleted[s];
        const assignee = unit.assignees[template.roles[s]];
        const doneText = done === done ? isoInstant(done) : '\\N';
        steps +=
          `${id}${process.stepText[s]}${assignee}\t${started === started ? isoInstant(started) : doneText}\t` +
          `${due === due ? isoInstant(due) : '\\N'}\t${doneText}\t${done === done ? assignee : '\\N'}${stepEnd}`;
      }
      stepRows += stepCount;
      // The dossier's latest event, as the live service would have written it.
      const head = `{"id":"${id}","code":"${code}","unitCode":${unit.codeJson},"status":`;
      let type: string;
      let at: string;
      let payload: string;
      if (returned) {
        type = 'dossier.returned';
        at = returnedText;
        payload = `${head}"RETURNED","timeliness":"${TIMELINESS[life.timeliness]}"}`;
      } else if (life.status === RESULT_READY) {
        type = 'dossier.step_completed';
        at = completedText;
        payload = `${head}"RESULT_READY","step":${template.orders[stepCount - 1]},"resultReady":true,"timeliness":"${TIMELINESS[life.timeliness]}"}`;
      } else {
        const previous = template.orders.indexOf(template.orders[current] - 1);
        if (previous !== -1 && life.stepCompleted[previous] === life.stepCompleted[previous]) {
          type = 'dossier.step_completed';
          at = isoInstant(life.stepCompleted[previous]);
          payload = `${head}"IN_PROGRESS","step":${template.orders[previous]},"nextStep":${template.orders[current]},"assigneeId":null}`;
        } else {
          type = 'dossier.received';
          at = receivedText;
          payload = `${head}"RECEIVED","procedureId":${pair.idJson},"dueAt":"${dueText}"}`;
        }
      }
      events += `${n + 1}\t${generatedId(1, n + 1)}\t${type}\t${at}\t${unit.pathText}\t${id}\t${payload}\t${at}\n`;
      if (!returned) open++;
      if (!completed) inProgress++;
      rollups.add(u, dayIndex, 0);
      if (online) rollups.add(u, dayIndex, 1);
      if (completed) {
        const doneDay = this.dayIndexAt(life.completedAt);
        rollups.add(u, doneDay, 2);
        rollups.add(u, doneDay, 3 + life.timeliness);
        rollups.addWorked(u, doneDay, this.calendar.workingMsBetweenAt(receivedAt, life.completedAt));
      }
      if (life.rating !== 0) {
        const ratedDay = this.dayIndexAt(life.returnedAt);
        rollups.add(u, ratedDay, 6);
        if (life.rating >= 4) rollups.add(u, ratedDay, 7);
      }
    }
    let sequences = '';
    for (const u of touched) sequences += `${this.units[u].idText}${dayText}${sequenceOf[u]}\n`;
    return {
      day: d,
      count,
      dossiers,
      steps,
      events,
      sequences,
      stepRows,
      sequenceRows: touched.length,
      open,
      inProgress,
    };
  }

  private pair(u: number, k: number): UnitProcedure {
    let pair = this.pairs[u][k];
    if (!pair) {
      const unit = this.units[u].unit;
      const procedure = this.units[u].handled[k];
      let shared = this.procedureOwners.get(procedure);
      if (!shared) {
        const owners = [...procedure.versions, ...procedure.targets].map((v) => v.ownerPath);
        shared = {
          owners: owners.every((o) => o.endsWith('/')) ? new Set(owners) : null,
          pairs: new Map(),
        };
        this.procedureOwners.set(procedure, shared);
      }
      // Units with the same owners above them (their ancestors that own a version or a target of
      // the procedure) get the same versions and days: computed once per procedure and owners.
      const key = shared.owners
        ? ancestors(unit.path)
            .filter((a) => shared.owners!.has(a))
            .join('|')
        : unit.path;
      pair = shared.pairs.get(key);
      if (!pair) {
        // processInForce's choice, sorted once: the deepest owner, then the latest in force, then
        // the highest version (a stable sort keeps the first of equals, as it does).
        const versions = procedure.versions
          .filter((v) => unit.path.startsWith(v.ownerPath))
          .sort(
            (a, b) =>
              b.ownerPath.length - a.ownerPath.length ||
              (a.effectiveFrom < b.effectiveFrom ? 1 : a.effectiveFrom > b.effectiveFrom ? -1 : 0) ||
              b.version - a.version,
          );
        pair = {
          procedure,
          idText: copyField(procedure.id),
          idJson: copyField(JSON.stringify(procedure.id)),
          feeText: copyField(procedure.fee),
          versions,
          days: daysAllowed(unit.path, procedure.statutoryDays, procedure.targets),
        };
        shared.pairs.set(key, pair);
      }
      this.pairs[u][k] = pair;
    }
    return pair;
  }

  private processInForce(pair: UnitProcedure, day: string): ProcessVersion | null {
    for (const v of pair.versions) if (v.effectiveFrom <= day) return v;
    return null;
  }

  private processPlan(process: ProcessVersion): ProcessPlan {
    let plan = this.processes.get(process);
    if (!plan) {
      const steps = [...process.steps].sort((a, b) => a.order - b.order);
      plan = {
        idText: copyField(process.id),
        steps: {
          orders: Int32Array.from(steps, (s) => s.order),
          durationHours: Float64Array.from(steps, (s) => s.durationHours),
          roles: Uint8Array.from(steps, (s) => roleCode(s.role)),
        },
        stepText: steps.map(
          (s) => `\t${s.order}\t${copyField(s.name)}\t${copyField(s.role)}\t${copyField(s.durationHours)}\t`,
        ),
      };
      this.processes.set(process, plan);
    }
    return plan;
  }
}

/**
 * Day `d`'s random stream: seeded by the seed and the day alone (hashed, so near seeds and days
 * give unrelated streams), so a day plans the same whichever thread plans it, in whatever order.
 */
export function dayRandom(seed: number, d: number): Random {
  const random = seededRandom(mix32(mix32(seed ^ 0x5bd1e995) ^ Math.imul(d + 1, 0x9e3779b1)));
  for (let i = 0; i < 4; i++) random();
  return random;
}

/** A path's ancestors, itself included: `/VN/79/551/` → `/`, `/VN/`, `/VN/79/`, `/VN/79/551/`. */
function ancestors(path: string): string[] {
  const out: string[] = [];
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) out.push(path.slice(0, i + 1));
  return out;
}

/** murmur3's finalizer: a 32-bit integer hash. */
function mix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/** Indexes of `seconds` in ascending order, ties in drawing order (a counting sort: O(n)). */
export function receiptOrder(seconds: Int32Array): Int32Array {
  const starts = new Int32Array(SECONDS + 1);
  for (let i = 0; i < seconds.length; i++) starts[seconds[i] + 1]++;
  for (let s = 1; s <= SECONDS; s++) starts[s] += starts[s - 1];
  const order = new Int32Array(seconds.length);
  for (let i = 0; i < seconds.length; i++) order[starts[seconds[i]]++] = i;
  return order;
}

/**
 * Generated ids count up (kind 0: dossiers, 1: events), so every primary key is appended at its
 * index's right edge during the load, and the same seed gives the same ids.
 */
export function generatedId(kind: number, n: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return `e1500000-0000-4000-${(8000 + kind).toString()}-${hex}`;
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
