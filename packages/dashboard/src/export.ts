/**
 * The exports of the compliance report and the rankings, as CSV text and XLSX bytes: one pure
 * module for the dashboard (in the browser) and `eiso export` (in Node).
 */
export * from './export/table';
export * from './export/csv';
export * from './export/reports';
export * from './export/xlsx';
export type * from './types';
