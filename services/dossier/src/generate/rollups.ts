/**
 * The daily rollups (daily_stats) of a generated year, counted while the days are planned: per
 * unit and day, eight counters and the working time of what was resolved that day. Working time is
 * summed in whole milliseconds, so the sums do not depend on the order dossiers are added in (nor
 * on how many threads planned them); tables planned apart are merged by adding them.
 */
import { STAT_COLUMNS } from '../db/commands';
import type { BinaryRows, Fragment } from './binary';

/** received, online, resolved, early, on_time, late, rated, satisfied (STAT_COLUMNS' order). */
export const ROLLUP_COUNTERS = 8;

/**
 * Laid out day by day (a day's units side by side): a day's receipts count into one day's slab
 * and their completions into the next few, where unit by unit they were spread over the whole
 * table (130 MB at 12,000 units) and every count was a cache miss.
 */
export class Rollups {
  readonly counters: Int32Array;
  /** Working milliseconds of the dossiers resolved, per day and unit. */
  readonly worked: Float64Array;

  constructor(
    readonly units: number,
    readonly span: number,
    buffers?: { counters: Int32Array; worked: Float64Array },
  ) {
    this.counters = buffers?.counters ?? new Int32Array(units * span * ROLLUP_COUNTERS);
    this.worked = buffers?.worked ?? new Float64Array(units * span);
  }

  /** Counts one for `counter` on `day` (an index in the span; days outside it are not kept). */
  add(unit: number, day: number, counter: number): void {
    if (day >= 0 && day < this.span) this.counters[(day * this.units + unit) * ROLLUP_COUNTERS + counter]++;
  }

  addWorked(unit: number, day: number, ms: number): void {
    if (day >= 0 && day < this.span) this.worked[day * this.units + unit] += ms;
  }

  merge(other: Rollups): void {
    for (let i = 0; i < this.counters.length; i++) this.counters[i] += other.counters[i];
    for (let i = 0; i < this.worked.length; i++) this.worked[i] += other.worked[i];
  }

  /**
   * daily_stats rows (ROLLUP_COLUMNS) of the unit-days with anything counted, for the units
   * `order[from]` to `order[to - 1]`; `firstDay` is the Unix day number of the span's first day.
   */
  writeStats(
    rows: BinaryRows,
    units: readonly RollupUnit[],
    order: Int32Array,
    firstDay: number,
    from: number,
    to: number,
  ): void {
    const c = this.counters;
    for (let k = from; k < to; k++) {
      const u = order[k];
      for (let day = 0; day < this.span; day++) {
        const base = (day * this.units + u) * ROLLUP_COUNTERS;
        if (
          !(
            c[base] |
            c[base + 1] |
            c[base + 2] |
            c[base + 3] |
            c[base + 4] |
            c[base + 5] |
            c[base + 6] |
            c[base + 7]
          )
        )
          continue;
        rows.row(3 + STAT_COLUMNS.length);
        rows.field(units[u].id);
        rows.field(units[u].path);
        rows.date(firstDay + day);
        for (let i = 0; i < 6; i++) rows.int4(c[base + i]);
        // Working hours to the hundredth (processing_hours is numeric(14,2)).
        rows.hundredths(Math.round(this.worked[day * this.units + u] / 36_000));
        rows.int4(c[base + 6]);
        rows.int4(c[base + 7]);
      }
    }
  }

  /**
   * dossier_sequence rows (unit_id, day, last) for the same units: a unit-day's last code number
   * is the number of dossiers it received that day (codes number them from 1).
   */
  writeSequences(
    rows: BinaryRows,
    units: readonly RollupUnit[],
    order: Int32Array,
    firstDay: number,
    from: number,
    to: number,
  ): void {
    const c = this.counters;
    for (let k = from; k < to; k++) {
      const u = order[k];
      for (let day = 0; day < this.span; day++) {
        const received = c[(day * this.units + u) * ROLLUP_COUNTERS];
        if (received === 0) continue;
        rows.row(3);
        rows.field(units[u].id);
        rows.date(firstDay + day);
        rows.int4(received);
      }
    }
  }
}

/** What a rollup row says of its unit. */
export interface RollupUnit {
  unit: { id: string };
  id: Fragment;
  path: Fragment;
}

/**
 * Unit indexes in the order of their ids (a uuid's text sorts as its bytes): rows written unit by
 * unit in this order land at the right edge of the (unit_id, day) primary keys, not all over them.
 */
export function idOrder(units: readonly RollupUnit[]): Int32Array {
  return Int32Array.from(units.keys()).sort((a, b) => (units[a].unit.id < units[b].unit.id ? -1 : 1));
}

/** The daily_stats columns the text above fills, in order. */
export const ROLLUP_COLUMNS = ['unit_id', 'unit_path', 'day', ...STAT_COLUMNS];
