/**
 * The exports' one model: a table of typed columns, written as CSV (csv.ts) or as a sheet of an
 * XLSX workbook (xlsx.ts). Pure: the dashboard (in the browser) and `eiso export` (in Node) build
 * the same rows from the same operation answers.
 */

/** How a column's values are written: a percent is a fraction (0.625), shown as 62.5. */
export type ColumnKind = 'text' | 'integer' | 'decimal' | 'percent';

export interface Column {
  key: string;
  header: string;
  kind: ColumnKind;
  /** Width in characters in the XLSX sheet. */
  width?: number;
}

export type Cell = string | number | null;

export interface Table {
  /** The XLSX sheet's name (at most 31 characters; see sheetName). */
  sheet: string;
  columns: Column[];
  /** One array per row, in column order; null is an empty cell. */
  rows: Cell[][];
}

/**
 * A name Excel accepts for a sheet: none of `[]:*?/\`, not starting or ending with an apostrophe,
 * at most 31 characters.
 */
export function sheetName(name: string): string {
  const cleaned = name
    .replace(/[[\]:*?/\\]/g, ' ')
    .replace(/^'+|'+$/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return (Array.from(cleaned).slice(0, 31).join('').trim() || 'Sheet1').replace(/'+$/, '');
}
