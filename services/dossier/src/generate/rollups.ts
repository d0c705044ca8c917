/**
 * The daily rollups (daily_stats) of a generated year, counted while the days are planned: per
 * unit and day, eight counters and the working time of what was resolved that day. Working time is
 * summed in whole milliseconds, so the sums do not depend on the order dossiers are added in (nor
 * on how many threads planned them); tables planned apart are merged by adding them.
 */
import { STAT_COLUMNS } from '../db/commands';

/** received, online, resolved, early, on_time, late, rated, satisfied (STAT_COLUMNS' order). */
export const ROLLUP_COUNTERS = 8;

export class Rollups {
  readonly counters: Int32Array;
  /** Working milliseconds of the dossiers resolved, per unit and day. */
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
    if (day >= 0 && day < this.span) this.counters[(unit * this.span + day) * ROLLUP_COUNTERS + counter]++;
  }

  addWorked(unit: number, day: number, ms: number): void {
    if (day >= 0 && day < this.span) this.worked[unit * this.span + day] += ms;
  }

  merge(other: Rollups): void {
    for (let i = 0; i < this.counters.length; i++) this.counters[i] += other.counters[i];
    for (let i = 0; i < this.worked.length; i++) this.worked[i] += other.worked[i];
  }

  /**
   * COPY text of the unit-days with anything counted: unit_id, unit_path, day, STAT_COLUMNS, for
   * the units `from` to `to` (exclusive).
   */
  text(
    units: readonly { idText: string; pathText: string }[],
    days: readonly string[],
    from: number,
    to: number,
  ): { text: string; rows: number } {
    let text = '';
    let rows = 0;
    for (let u = from; u < to; u++)
      for (let day = 0; day < this.span; day++) {
        const base = (u * this.span + day) * ROLLUP_COUNTERS;
        const c = this.counters;
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
        const hours = (this.worked[u * this.span + day] / 3_600_000).toFixed(2);
        text += `${units[u].idText}\t${units[u].pathText}\t${days[day]}\t${c[base]}\t${c[base + 1]}\t${c[base + 2]}\t${c[base + 3]}\t${c[base + 4]}\t${c[base + 5]}\t${hours}\t${c[base + 6]}\t${c[base + 7]}\n`;
        rows++;
      }
    return { text, rows };
  }
}

/** The daily_stats columns the text above fills, in order. */
export const ROLLUP_COLUMNS = ['unit_id', 'unit_path', 'day', ...STAT_COLUMNS];
