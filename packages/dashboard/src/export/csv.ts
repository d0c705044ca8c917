/**
 * CSV as RFC 4180 writes it, for Excel: UTF-8 with a byte-order mark (without one Excel reads the
 * bytes as the machine's code page and Vietnamese comes out garbled), CRLF line ends, and a field
 * quoted when it holds a comma, a quote, a line break or edge spaces (quotes doubled inside).
 * Numbers are written with a dot (62.5); a percent column holds the percentage (62.5 for 0.625).
 */
import type { Cell, Column, Table } from './table';

export const BOM = '\ufeff';

/**
 * Text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, or a tab or carriage return
 * before one) is written with a leading apostrophe, as OWASP advises for CSV exports: a unit name
 * is data, never a formula.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function formatCell(value: Cell, column: Column): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return '';
    switch (column.kind) {
      case 'percent':
        return String(round(value * 100, 1));
      case 'decimal':
        return String(round(value, 2));
      case 'integer':
        return String(Math.round(value));
      default:
        return String(value);
    }
  }
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** The table as CSV text, header first, with the BOM. */
export function toCsv(table: Table): string {
  const lines = [
    table.columns.map((c) => csvField(c.header)),
    ...table.rows.map((row) => table.columns.map((c, i) => csvField(formatCell(row[i] ?? null, c)))),
  ];
  return BOM + lines.map((fields) => fields.join(',')).join('\r\n') + '\r\n';
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  // Nudged by ε so a value written as 1.005 rounds up as it reads (1.005 is 1.00499… in binary).
  return Math.round((value + Number.EPSILON * Math.sign(value)) * factor) / factor || 0;
}
