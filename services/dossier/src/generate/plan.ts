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
 * out as binary COPY rows (dossiers, steps, events; binary.ts), written straight from
 * numbers and from bytes encoded once per unit, procedure, process version and day; its rollup
 * counts go into a `Rollups`.
 */
import { addDays, dateInVietnam } from '@eiso/calendar';
import { seededRandom, type Random } from '@eiso/demo';
import type { DirectoryUnit } from '@eiso/directory';
import { hashPinSync } from '../domain/codes';
import type { ProcessVersion } from '../domain/receipt';
import { daysAllowed } from '../domain/receipt';
import { DEMO_PIN } from '../seed/write';
import { FAMILY, GIVEN, handledByUnit, type SeedProcedure, type UnitOfficials } from '../seed/plan';
import type { TabledCalendar } from './calendar';
import { BinaryRows, BufferPool, Fragment, utf8, uuid } from './binary';
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

/** A unit with its row fragments (binary.ts: uuids as 16 bytes, text as UTF-8). */
export interface GeneratorUnit {
  index: number;
  unit: DirectoryUnit;
  officials: UnitOfficials;
  handled: SeedProcedure[];
  /** Cumulative Zipf weights over `handled`. */
  procedureWeights: Float64Array;
  id: Fragment;
  path: Fragment;
  /** `<code>-`, the start of its dossiers' codes, and its code as a JSON string. */
  codePrefix: Fragment;
  codeJson: Fragment;
  /** Where its procedures start in the plan's `pairs`. */
  firstPair: number;
  /** The ancestors of its path, itself first: `/VN/79/551/`, `/VN/79/`, `/VN/`, `/`. */
  ancestors: string[];
  /** The assignee by role code (life.ts: RECEIVER, LEADER, HANDLER; null when none). */
  assignees: [Fragment | null, Fragment | null, Fragment | null];
}

/** A process version as the planner writes it: its steps and each step's fixed fields. */
interface ProcessPlan {
  id: Fragment;
  steps: StepTemplate;
  names: Fragment[];
  roles: Fragment[];
  /** Durations in hundredths of an hour (numeric(8,2)). */
  hundredths: Int32Array;
}

/** A procedure's fields, and its units' `UnitProcedure`s shared by units with the same owners. */
interface ProcedureFields {
  id: Fragment;
  idJson: Fragment;
  fee: Fragment | null;
  /** The paths owning a version or a target of it (null: some owner is not a path). */
  owners: Set<string> | null;
  pairs: Map<string, UnitProcedure>;
}

/** A unit's procedure: the process versions that may apply to it (best first) and the days allowed. */
interface UnitProcedure {
  procedure: ProcedureFields;
  /** In force from `from` (YYYY-MM-DD). */
  versions: { from: string; plan: ProcessPlan }[];
  days: number;
}

/** One working day's rows (or a part's) in binary COPY format (binary.ts), and what the loader reports. */
export interface PlannedDay {
  /** Index in `workingDays`. */
  day: number;
  /** The dossiers in these rows. */
  count: number;
  dossiers: Uint8Array;
  steps: Uint8Array;
  events: Uint8Array;
  stepRows: number;
  /** Not yet returned, and still being processed. */
  open: number;
  inProgress: number;
}

/** A day's receipts, in drawing order: unit, procedure, process in force and second of the day. */
interface Receipts {
  /** Drawing indexes in receipt order. */
  order: Int32Array;
  unitOf: Int32Array;
  pairOf: UnitProcedure[];
  processOf: ProcessPlan[];
  secondOf: Int32Array;
}

/** What a day's rows share: its Unix day number and `YYMMDD-` for the codes. */
interface DayFields {
  day: number;
  yymmdd: Fragment;
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

const CHANNEL_BYTES = CHANNEL.map(utf8);
const STATUS_BYTES = STATUS.map(utf8);
const TIMELINESS_BYTES = TIMELINESS.map(utf8);

/** The dossier a row is written for (its life is the plan's `life`). */
interface Dossier {
  /** Its number in the year (0, 1, …): its id, and its event's sequence less one. */
  n: number;
  unit: GeneratorUnit;
  pair: UnitProcedure;
  process: ProcessPlan;
  receivedAt: number;
  /** Its number among the unit's receipts of the day. */
  sequence: number;
}

/** The latest event's kind, its type and the fixed parts of its payload. */
const RETURNED_EVENT = 0;
const RESULT_READY_EVENT = 1;
const STEP_EVENT = 2;
const RECEIVED_EVENT = 3;
const RETURNED_TYPE = utf8('dossier.returned');
const STEP_TYPE = utf8('dossier.step_completed');
const RECEIVED_TYPE = utf8('dossier.received');
const JSONB_VERSION = new Fragment(Uint8Array.of(1));
const PAYLOAD_ID = utf8('{"id":"');
const PAYLOAD_CODE = utf8('","code":"');
const PAYLOAD_UNIT_CODE = utf8('","unitCode":');
const PAYLOAD_RETURNED = utf8(',"status":"RETURNED","timeliness":"');
const PAYLOAD_RESULT_READY = utf8(',"status":"RESULT_READY","step":');
const PAYLOAD_RESULT_READY_TIMELINESS = utf8(',"resultReady":true,"timeliness":"');
const PAYLOAD_STEP = utf8(',"status":"IN_PROGRESS","step":');
const PAYLOAD_NEXT_STEP = utf8(',"nextStep":');
const PAYLOAD_STEP_END = utf8(',"assigneeId":null}');
const PAYLOAD_RECEIVED = utf8(',"status":"RECEIVED","procedureId":');
const PAYLOAD_DUE_AT = utf8(',"dueAt":"');
const PAYLOAD_END = utf8('"}');

export class NationalYearPlan {
  readonly units: GeneratorUnit[];
  readonly workingDays: string[];
  /** Dossiers received on each working day, and the id of each day's first. */
  readonly dayCounts: Int32Array;
  readonly firstIds: Float64Array;
  private readonly unitWeights: Float64Array;
  private readonly firstEpochDay: number;
  private readonly asOf: number;
  /** Each unit's procedures, side by side (from its `firstPair`), made when first drawn. */
  private readonly pairs: (UnitProcedure | undefined)[];
  private readonly processes = new Map<ProcessVersion, ProcessPlan>();
  private readonly texts = new Map<string, Fragment>();
  private readonly procedures = new Map<SeedProcedure, ProcedureFields>();
  private readonly names: Fragment[];
  private readonly pinHash: Fragment;
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
    let pairs = 0;
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
        firstPair: pairs,
        id: uuid(unit.id),
        path: utf8(unit.path),
        codePrefix: utf8(`${unit.code}-`),
        codeJson: utf8(JSON.stringify(unit.code)),
        ancestors: ancestors(unit.path).reverse(),
        assignees: [officials.receiver, officials.leader, officials.handler].map((o) =>
          o === null ? null : uuid(o),
        ) as GeneratorUnit['assignees'],
      });
      weights.push(baseWeight(unit) * factor * (provinceFactor.get(unit.provinceCode ?? '') ?? 1));
      pairs += handled.length;
    }
    if (this.units.length === 0) throw new Error('no unit both handles procedures and has officials');
    this.unitWeights = cumulative(weights);
    this.pairs = new Array<UnitProcedure | undefined>(pairs);
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
          this.names.push(utf8(g1 === g2 ? '' : `${family} ${GIVEN[g1]} ${GIVEN[g2]}`));
    this.pinHash = utf8(input.pinHash ?? hashPinSync(DEMO_PIN));
    let maxSteps = 1;
    for (const p of procedures) for (const v of p.versions) maxSteps = Math.max(maxSteps, v.steps.length);
    this.life = new Life(maxSteps);
  }

  /** Day index (from the window's first day, Vietnam time) of an instant in epoch ms. */
  dayIndexAt(t: number): number {
    return vietnamDay(t) - this.firstEpochDay;
  }

  /** The Unix day number (days since 1970-01-01) of a day index. */
  dayNumberAt(dayIndex: number): number {
    return this.firstEpochDay + dayIndex;
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
   * binary COPY rows in buffers from `pool`; their rollup counts are added to `rollups`.
   */
  planDay(d: number, rollups: Rollups, pool = new BufferPool()): PlannedDay {
    const [day] = this.planDayParts(d, rollups, pool, Infinity);
    return day;
  }

  /**
   * Day `d`'s rows in parts of `size` dossiers at most (the same rows as `planDay`, cut), so a
   * thread that plans and writes can let the parts out between two.
   */
  *planDayParts(d: number, rollups: Rollups, pool: BufferPool, size: number): Generator<PlannedDay> {
    const count = this.dayCounts[d];
    const date = this.workingDays[d];
    const random = dayRandom(this.input.seed, d);
    const midnight = Date.parse(`${date}T00:00:00+07:00`);
    const dayIndex = this.dayIndexAt(midnight);
    const day: DayFields = {
      day: this.dayNumberAt(dayIndex),
      yymmdd: utf8(`${date.slice(2, 4)}${date.slice(5, 7)}${date.slice(8, 10)}-`),
    };
    const receipts = this.drawReceipts(count, date, random);
    const sequenceOf = new Int32Array(this.units.length);
    const life = this.life;
    for (let from = 0; from < count || from === 0; from += size) {
      const to = Math.min(count, from + size);
      // Sized from the rows' average bytes, so a part rarely grows its buffers.
      const dossiers = new BinaryRows((to - from) * 450 + 1024, pool);
      const steps = new BinaryRows((to - from) * 800 + 1024, pool);
      const events = new BinaryRows((to - from) * 320 + 1024, pool);
      let open = 0;
      let inProgress = 0;
      for (let j = from; j < to; j++) {
        const i = receipts.order[j];
        const u = receipts.unitOf[i];
        const pair = receipts.pairOf[i];
        const process = receipts.processOf[i];
        const receivedAt = midnight + (FIRST_SECOND + receipts.secondOf[i]) * 1000;
        planLife(
          life,
          random,
          this.calendar,
          this.asOf,
          process.steps,
          receivedAt,
          pair.days,
          FAMILY.length,
          GIVEN.length,
        );
        const dossier: Dossier = {
          n: this.firstIds[d] + j,
          unit: this.units[u],
          pair,
          process,
          receivedAt,
          sequence: ++sequenceOf[u],
        };
        this.writeDossier(dossiers, dossier, day);
        this.writeSteps(steps, dossier, day);
        this.writeEvent(events, dossier, day);
        if (life.status !== RETURNED) open++;
        if (life.completedAt !== life.completedAt) inProgress++;
        this.count(rollups, u, dayIndex, receivedAt);
      }
      yield {
        day: d,
        count: to - from,
        dossiers: dossiers.bytes(),
        steps: steps.bytes(),
        events: events.bytes(),
        stepRows: steps.rows,
        open,
        inProgress,
      };
    }
  }

  /**
   * Who and when, first (a unit, one of its procedures with a process in force, a second of the
   * office day), then the order of receipt: codes number the receipts in order.
   */
  private drawReceipts(count: number, date: string, random: Random): Receipts {
    const unitOf = new Int32Array(count);
    const pairOf = new Array<UnitProcedure>(count);
    const processOf = new Array<ProcessPlan>(count);
    const secondOf = new Int32Array(count);
    for (let i = 0; i < count;) {
      const u = pick(this.unitWeights, random);
      const k = pick(this.units[u].procedureWeights, random);
      const second =
        Math.floor(random() * 9) * 3600 + Math.floor(random() * 60) * 60 + Math.floor(random() * 60);
      const pair = this.pair(u, k);
      const process = this.processInForce(pair, date);
      if (!process) continue;
      unitOf[i] = u;
      pairOf[i] = pair;
      processOf[i] = process;
      secondOf[i] = second;
      i++;
    }
    return { order: receiptOrder(secondOf), unitOf, pairOf, processOf, secondOf };
  }

  /** The dossier row (DOSSIER_COLUMNS) of the life just planned. */
  private writeDossier(
    rows: BinaryRows,
    { n, unit, pair, process, receivedAt, sequence }: Dossier,
    day: DayFields,
  ) {
    const life = this.life;
    const template = process.steps;
    const online = life.channel === ONLINE;
    rows.row(25);
    rows.countingUuid(DOSSIER_ID, n);
    const code = rows.begin();
    writeCode(rows, unit, day, sequence);
    rows.end(code);
    rows.field(unit.id);
    rows.field(unit.path);
    rows.field(pair.procedure.id);
    rows.field(process.id);
    rows.field(CHANNEL_BYTES[life.channel]);
    rows.field(STATUS_BYTES[life.status]);
    rows.timestamp(receivedAt);
    rows.date(day.day);
    rows.timestamp(life.dueAt);
    rows.timestamp(life.dueAt);
    rows.timestamp(life.completedAt);
    rows.timestamp(life.returnedAt);
    if (life.current === -1) rows.null();
    else rows.int4(template.orders[life.current]);
    rows.field(this.names[(life.family * GIVEN.length + life.given1) * GIVEN.length + life.given2]);
    const idNumber = rows.begin();
    rows.digits(life.idProvince, 3);
    rows.digits(life.idSerial, 9);
    rows.end(idNumber);
    rows.field(this.pinHash);
    rows.field(pair.procedure.fee);
    rows.bool(online);
    rows.bool(online);
    rows.bool(online && life.completedAt === life.completedAt);
    if (life.rating === 0) rows.null();
    else rows.int2(life.rating);
    rows.timestamp(life.rating === 0 ? NaN : life.returnedAt);
    rows.field(unit.assignees[template.roles[0]]);
  }

  /** The dossier's step rows (STEP_COLUMNS): done, running or waiting. */
  private writeSteps(rows: BinaryRows, { n, unit, process }: Dossier, day: DayFields) {
    const life = this.life;
    const template = process.steps;
    for (let s = 0; s < template.orders.length; s++) {
      const started = life.stepStarted[s];
      const done = life.stepCompleted[s];
      const assignee = unit.assignees[template.roles[s]];
      rows.row(11);
      rows.countingUuid(DOSSIER_ID, n);
      rows.int4(template.orders[s]);
      rows.field(process.names[s]);
      rows.field(process.roles[s]);
      rows.hundredths(process.hundredths[s]);
      rows.field(assignee);
      rows.timestamp(started === started ? started : done);
      rows.timestamp(life.stepDue[s]);
      rows.timestamp(done);
      rows.field(done === done ? assignee : null);
      // The dossier's receipt day, the column dossier_step is partitioned by.
      rows.date(day.day);
    }
  }

  /** The dossier's latest event (EVENT_COLUMNS), as the live service would have written it. */
  private writeEvent(rows: BinaryRows, dossier: Dossier, day: DayFields) {
    const life = this.life;
    const orders = dossier.process.steps.orders;
    const previous = life.current === -1 ? -1 : orders.indexOf(orders[life.current] - 1);
    const event =
      life.status === RETURNED
        ? RETURNED_EVENT
        : life.status === RESULT_READY
          ? RESULT_READY_EVENT
          : previous !== -1 && life.stepCompleted[previous] === life.stepCompleted[previous]
            ? STEP_EVENT
            : RECEIVED_EVENT;
    const at =
      event === RETURNED_EVENT
        ? life.returnedAt
        : event === RESULT_READY_EVENT
          ? life.completedAt
          : event === STEP_EVENT
            ? life.stepCompleted[previous]
            : dossier.receivedAt;
    rows.row(8);
    rows.int8(dossier.n + 1);
    rows.countingUuid(EVENT_ID, dossier.n + 1);
    rows.field(
      event === RETURNED_EVENT ? RETURNED_TYPE : event === RECEIVED_EVENT ? RECEIVED_TYPE : STEP_TYPE,
    );
    rows.timestamp(at);
    rows.field(dossier.unit.path);
    const aggregate = rows.begin();
    writeIdText(rows, dossier.n);
    rows.end(aggregate);
    const payload = rows.begin();
    this.writePayload(rows, dossier, day, event, previous);
    rows.end(payload);
    rows.timestamp(at);
  }

  /** The event's payload: jsonb's binary form is a version byte and the JSON text. */
  private writePayload(rows: BinaryRows, dossier: Dossier, day: DayFields, event: number, previous: number) {
    const life = this.life;
    const orders = dossier.process.steps.orders;
    rows.raw(JSONB_VERSION);
    rows.raw(PAYLOAD_ID);
    writeIdText(rows, dossier.n);
    rows.raw(PAYLOAD_CODE);
    writeCode(rows, dossier.unit, day, dossier.sequence);
    rows.raw(PAYLOAD_UNIT_CODE);
    rows.raw(dossier.unit.codeJson);
    if (event === RETURNED_EVENT) {
      rows.raw(PAYLOAD_RETURNED);
      rows.raw(TIMELINESS_BYTES[life.timeliness]);
      rows.raw(PAYLOAD_END);
    } else if (event === RESULT_READY_EVENT) {
      rows.raw(PAYLOAD_RESULT_READY);
      rows.digits(orders[orders.length - 1]);
      rows.raw(PAYLOAD_RESULT_READY_TIMELINESS);
      rows.raw(TIMELINESS_BYTES[life.timeliness]);
      rows.raw(PAYLOAD_END);
    } else if (event === STEP_EVENT) {
      rows.raw(PAYLOAD_STEP);
      rows.digits(orders[previous]);
      rows.raw(PAYLOAD_NEXT_STEP);
      rows.digits(orders[life.current]);
      rows.raw(PAYLOAD_STEP_END);
    } else {
      rows.raw(PAYLOAD_RECEIVED);
      rows.raw(dossier.pair.procedure.idJson);
      rows.raw(PAYLOAD_DUE_AT);
      rows.isoInstant(life.dueAt);
      rows.raw(PAYLOAD_END);
    }
  }

  /** The life's rollup counts: received and online on the receipt day, and so on. */
  private count(rollups: Rollups, u: number, dayIndex: number, receivedAt: number): void {
    const life = this.life;
    rollups.add(u, dayIndex, 0);
    if (life.channel === ONLINE) rollups.add(u, dayIndex, 1);
    if (life.completedAt === life.completedAt) {
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

  private pair(u: number, k: number): UnitProcedure {
    const unit = this.units[u];
    return (this.pairs[unit.firstPair + k] ??= this.makePair(unit, unit.handled[k]));
  }

  private makePair(unit: GeneratorUnit, procedure: SeedProcedure): UnitProcedure {
    const fields = this.procedureFields(procedure);
    // Units with the same owners above them (their ancestors that own a version or a target of the
    // procedure) get the same versions and days: computed once per procedure and owners. The
    // deepest of those ancestors is key enough: the others are its own ancestors.
    const key = fields.owners ? (unit.ancestors.find((a) => fields.owners!.has(a)) ?? '') : unit.unit.path;
    let pair = fields.pairs.get(key);
    if (!pair) {
      const path = unit.unit.path;
      // processInForce's choice, sorted once: the deepest owner, then the latest in force, then
      // the highest version (a stable sort keeps the first of equals, as it does).
      const versions = procedure.versions
        .filter((v) => path.startsWith(v.ownerPath))
        .sort(
          (a, b) =>
            b.ownerPath.length - a.ownerPath.length ||
            (a.effectiveFrom < b.effectiveFrom ? 1 : a.effectiveFrom > b.effectiveFrom ? -1 : 0) ||
            b.version - a.version,
        );
      pair = {
        procedure: fields,
        versions: versions.map((v) => ({ from: v.effectiveFrom, plan: this.processPlan(v) })),
        days: daysAllowed(path, procedure.statutoryDays, procedure.targets),
      };
      fields.pairs.set(key, pair);
    }
    return pair;
  }

  private procedureFields(procedure: SeedProcedure): ProcedureFields {
    let fields = this.procedures.get(procedure);
    if (!fields) {
      const owners = [...procedure.versions, ...procedure.targets].map((v) => v.ownerPath);
      fields = {
        id: uuid(procedure.id),
        idJson: utf8(JSON.stringify(procedure.id)),
        fee: procedure.fee === null ? null : utf8(procedure.fee),
        owners: owners.every((o) => o.endsWith('/')) ? new Set(owners) : null,
        pairs: new Map(),
      };
      this.procedures.set(procedure, fields);
    }
    return fields;
  }

  /** The process version in force on `day` (YYYY-MM-DD), if any. */
  private processInForce(pair: UnitProcedure, day: string): ProcessPlan | null {
    for (const v of pair.versions) if (v.from <= day) return v.plan;
    return null;
  }

  private processPlan(process: ProcessVersion): ProcessPlan {
    let plan = this.processes.get(process);
    if (!plan) {
      // Typed arrays from plain ones: `from` with a map function takes V8's slow iterator path.
      const steps = [...process.steps].sort((a, b) => a.order - b.order);
      plan = {
        id: uuid(process.id),
        steps: {
          orders: new Int32Array(steps.map((s) => s.order)),
          durationHours: new Float64Array(steps.map((s) => s.durationHours)),
          roles: new Uint8Array(steps.map((s) => roleCode(s.role))),
        },
        names: steps.map((s) => this.text(s.name)),
        roles: steps.map((s) => this.text(s.role)),
        hundredths: new Int32Array(steps.map((s) => Math.round(s.durationHours * 100))),
      };
      this.processes.set(process, plan);
    }
    return plan;
  }

  /** A text's UTF-8 bytes, encoded once: the catalog's processes share their step names. */
  private text(value: string): Fragment {
    let bytes = this.texts.get(value);
    if (!bytes) this.texts.set(value, (bytes = utf8(value)));
    return bytes;
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

const DOSSIER_ID = uuid(generatedId(0, 0));
const EVENT_ID = uuid(generatedId(1, 0));
const DOSSIER_ID_TEXT = utf8(generatedId(0, 0).slice(0, 24));

/** A generated dossier id as text (the events' aggregate id and payload). */
function writeIdText(rows: BinaryRows, n: number): void {
  rows.raw(DOSSIER_ID_TEXT);
  rows.hex(n, 12);
}

/** `<unit>-<YYMMDD>-<seq>`, the sequence in four digits or more. */
function writeCode(rows: BinaryRows, unit: GeneratorUnit, day: DayFields, sequence: number): void {
  rows.raw(unit.codePrefix);
  rows.raw(day.yymmdd);
  rows.digits(sequence, 4);
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
