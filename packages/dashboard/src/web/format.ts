/** Vietnamese number, percent and date formatting, and the calendar in Asia/Ho_Chi_Minh. */
const integer = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('vi-VN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const percent = new Intl.NumberFormat('vi-VN', { style: 'percent', maximumFractionDigits: 1 });

export const formatInteger = (n: number) => integer.format(n);
export const formatScore = (n: number) => decimal.format(n);
export const formatPercent = (n: number | null | undefined) =>
  n === null || n === undefined ? '–' : percent.format(n);

/** "2025-03-07" → "07/03/2025". */
export const formatDate = (isoDate: string) => isoDate.slice(0, 10).split('-').reverse().join('/');

export const formatDateTime = (iso: string | number | Date) =>
  new Intl.DateTimeFormat('vi-VN', {
    timeZone: 'Asia/Ho_Chi_Minh',
    dateStyle: 'short',
    timeStyle: 'short',
  }).format(new Date(iso));

/** Today in Vietnam, as YYYY-MM-DD. */
export function todayInVietnam(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Ho_Chi_Minh',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

export interface Month {
  /** "T3/2025" */
  label: string;
  from: string;
  to: string;
}

/** The last `count` calendar months up to today (the current month runs to today). */
export function lastMonths(count: number, today = todayInVietnam()): Month[] {
  const [year, month] = today.split('-').map(Number);
  const months: Month[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const index = year * 12 + (month - 1) - i;
    const y = Math.floor(index / 12);
    const m = (index % 12) + 1;
    const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
    const mm = String(m).padStart(2, '0');
    const from = `${y}-${mm}-01`;
    const end = `${y}-${mm}-${String(last).padStart(2, '0')}`;
    months.push({ label: `T${m}/${y}`, from, to: end < today ? end : today });
  }
  return months;
}
