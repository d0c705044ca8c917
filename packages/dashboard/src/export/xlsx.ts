/**
 * XLSX with exceljs: one sheet per table, a bold frozen header row, numbers stored as numbers
 * (percents as fractions with a percent format, so Excel computes with them) and text as text —
 * never as a formula. In the browser the dashboard bundles exceljs's own browser build and loads
 * it only when an XLSX is asked for.
 */
import ExcelJS from 'exceljs';
import { sheetName, type Column, type Table } from './table';

const NUMBER_FORMAT: Record<Column['kind'], string | undefined> = {
  text: undefined,
  integer: '#,##0',
  decimal: '0.00',
  percent: '0.0%',
};

export interface WorkbookInfo {
  title?: string;
  /** When the figures were computed (the report's generatedAt). */
  created?: Date;
}

export async function toXlsx(tables: Table[], info: WorkbookInfo = {}): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'eiso';
  workbook.created = info.created ?? new Date();
  if (info.title) workbook.title = info.title;
  const used = new Set<string>();
  for (const table of tables) {
    const sheet = workbook.addWorksheet(uniqueName(sheetName(table.sheet), used), {
      views: [{ state: 'frozen', ySplit: 1 }],
    });
    sheet.columns = table.columns.map((c) => ({
      header: c.header,
      key: c.key,
      width: c.width ?? Math.max(10, Math.min(50, Array.from(c.header).length + 2)),
      style: NUMBER_FORMAT[c.kind] ? { numFmt: NUMBER_FORMAT[c.kind] } : {},
    }));
    for (const row of table.rows) {
      sheet.addRow(
        table.columns.map((c, i) => {
          const value = row[i] ?? null;
          if (typeof value === 'number' && !Number.isFinite(value)) return null;
          if (typeof value === 'number' && c.kind === 'text') return String(value);
          return value;
        }),
      );
    }
    const header = sheet.getRow(1);
    header.font = { bold: true };
    header.alignment = { vertical: 'middle', wrapText: true };
    sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: table.columns.length } };
  }
  const buffer = await workbook.xlsx.writeBuffer();
  return new Uint8Array(buffer as ArrayBuffer);
}

function uniqueName(name: string, used: Set<string>): string {
  let candidate = name;
  for (let n = 2; used.has(candidate.toLowerCase()); n++) {
    const suffix = ` (${n})`;
    candidate =
      Array.from(name)
        .slice(0, 31 - suffix.length)
        .join('') + suffix;
  }
  used.add(candidate.toLowerCase());
  return candidate;
}
