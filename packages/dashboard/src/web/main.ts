/**
 * The ministry's national dashboard: sign in with a token, then the country — national totals,
 * the 63 provinces as a tile map coloured by compliance or on-time rate, the rankings with their
 * movement, the on-time rate month by month — and, on a province, its districts and then a
 * district's communes. Exports of the compliance report and rankings as CSV and XLSX. Every figure
 * comes from the contract's operations through the gateway (api.ts).
 */
import './styles.css';
import {
  complianceTables,
  exportFileName,
  rankingTable as rankingExport,
  LEVEL_LABELS,
} from '../export/reports';
import { toCsv } from '../export/csv';
import type { Table } from '../export/table';
import type { ComplianceReport, DossierStats, ProvinceCompliance, Ranking, RankedLevel } from '../types';
import { allUnits, ApiError, call, explain } from './api';
import { h, show } from './dom';
import { download, CSV_TYPE, XLSX_TYPE } from './download';
import {
  formatDate,
  formatDateTime,
  formatInteger,
  formatPercent,
  lastMonths,
  todayInVietnam,
} from './format';
import { legend, tileMap, type Colouring } from './map';
import {
  cleanToken,
  claimsOf,
  forgetToken,
  isExpired,
  storedToken,
  storeToken,
  TokenProblem,
} from './session';
import { rankingTable } from './tables';
import { trendChart, type MonthRate } from './trend';

const app = document.getElementById('app')!;
const who = document.getElementById('who')!;

interface State {
  year: number;
  report: ComplianceReport;
  colouring: Colouring;
  rankingLevel: 'PROVINCE' | 'MINISTRY';
  ranking: Ranking | null;
  province?: string;
}
let state: State | undefined;

// ───────────────────────── signing in ─────────────────────────

function signInView(message?: string) {
  state = undefined;
  who.replaceChildren();
  const input = h('textarea', {
    id: 'token',
    name: 'token',
    rows: 5,
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-describedby': 'token-help',
  });
  const error = h('p', { class: 'error', role: 'alert', id: 'signin-error' }, message ?? '');
  const form = h(
    'form',
    { class: 'signin', id: 'signin', novalidate: true },
    h('h2', {}, 'Đăng nhập'),
    h(
      'p',
      { id: 'token-help' },
      'Dán mã truy cập (JWT) của cán bộ có quyền xem báo cáo toàn quốc. Môi trường phát triển: ',
      h('code', {}, 'pnpm -s eiso token viewer.BKHCN'),
      '. Mã chỉ được giữ trong thẻ trình duyệt này và bị xoá khi đóng thẻ.',
    ),
    h('label', { for: 'token' }, 'Mã truy cập'),
    input,
    h('button', { type: 'submit', class: 'primary' }, 'Đăng nhập'),
    error,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    try {
      const token = cleanToken(input.value);
      const claims = claimsOf(token);
      if (isExpired(claims))
        throw new TokenProblem(
          `Mã truy cập đã hết hạn lúc ${formatDateTime(claims.expiresAt!)}. Vui lòng lấy mã mới.`,
        );
      storeToken(token);
      void openDashboard();
    } catch (problem) {
      error.textContent =
        problem instanceof TokenProblem ? problem.message : 'Không đọc được mã truy cập này.';
    }
  });
  show(app, form);
  input.focus();
}

function signOut(message?: string) {
  forgetToken();
  signInView(message);
}

/** An expired or refused token ends the session, whatever was being loaded. */
function failed(error: unknown, what?: string): string {
  if (error instanceof ApiError && error.code === 'UNAUTHENTICATED' && state) signOut(explain(error));
  return explain(error, what);
}

// ───────────────────────── the country ─────────────────────────

async function openDashboard(year = Number(todayInVietnam().slice(0, 4))) {
  const token = storedToken();
  if (!token) return signInView();
  let claims;
  try {
    claims = claimsOf(token);
  } catch {
    return signOut('Mã truy cập đã lưu không đọc được. Vui lòng đăng nhập lại.');
  }
  if (isExpired(claims)) return signOut('Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại bằng mã mới.');
  show(
    who,
    h('span', { class: 'user' }, claims.username ?? 'cán bộ'),
    claims.unitCode ? h('span', { class: 'code' }, ` (${claims.unitCode})`) : null,
    h('button', { type: 'button', class: 'link', id: 'signout', onclick: () => signOut() }, 'Đăng xuất'),
  );
  show(app, h('p', { class: 'loading' }, 'Đang tải báo cáo toàn quốc…'));
  let report: ComplianceReport;
  let ranking: Ranking | null;
  try {
    [report, ranking] = await Promise.all([
      call<{ complianceReport: ComplianceReport }>('NationalCompliance', { year }).then(
        (d) => d.complianceReport,
      ),
      call<{ rankings: Ranking | null }>('Rankings', { level: 'PROVINCE' }).then((d) => d.rankings),
    ]);
  } catch (error) {
    if (error instanceof ApiError && (error.code === 'UNAUTHENTICATED' || error.code === 'FORBIDDEN'))
      return signOut(explain(error, 'báo cáo toàn quốc'));
    show(
      app,
      h('p', { class: 'error', role: 'alert' }, explain(error, 'báo cáo toàn quốc')),
      h('button', { type: 'button', onclick: () => void openDashboard(year) }, 'Thử lại'),
    );
    return;
  }
  state = { year, report, colouring: 'compliance', rankingLevel: 'PROVINCE', ranking };
  renderCountry();
}

const sections = {
  map: h('section', { class: 'panel map-panel', 'aria-labelledby': 'map-title' }),
  rankings: h('section', { class: 'panel rankings-panel', 'aria-labelledby': 'rankings-title' }),
  trend: h('section', { class: 'panel trend-panel', id: 'trend' }),
  drill: h('section', { class: 'panel drill-panel', id: 'drill', 'aria-live': 'polite' }),
};

function renderCountry() {
  const s = state!;
  const years = Array.from({ length: 5 }, (_, i) => Number(todayInVietnam().slice(0, 4)) - i);
  const yearSelect = h(
    'select',
    { id: 'year', 'aria-label': 'Năm báo cáo' },
    years.map((y) => h('option', { value: y, selected: y === s.year }, `Năm ${y}`)),
  );
  yearSelect.addEventListener('change', () => void openDashboard(Number(yearSelect.value)));
  const toolbar = h(
    'div',
    { class: 'toolbar' },
    yearSelect,
    h('span', { class: 'muted' }, `Số liệu lập lúc ${formatDateTime(s.report.generatedAt)}`),
    h(
      'div',
      { class: 'exports', role: 'group', 'aria-label': 'Xuất báo cáo tuân thủ' },
      h('span', {}, 'Báo cáo tuân thủ:'),
      h(
        'button',
        { type: 'button', 'data-export': 'compliance-csv', onclick: () => exportCompliance('csv') },
        'CSV',
      ),
      h(
        'button',
        { type: 'button', 'data-export': 'compliance-xlsx', onclick: () => void exportCompliance('xlsx') },
        'XLSX',
      ),
    ),
    h(
      'div',
      { class: 'exports', role: 'group', 'aria-label': 'Xuất bảng xếp hạng' },
      h('span', {}, 'Xếp hạng:'),
      h(
        'button',
        { type: 'button', 'data-export': 'rankings-csv', onclick: () => exportRanking('csv') },
        'CSV',
      ),
      h(
        'button',
        { type: 'button', 'data-export': 'rankings-xlsx', onclick: () => void exportRanking('xlsx') },
        'XLSX',
      ),
    ),
  );
  const exportStatus = h('p', { class: 'error', role: 'alert', id: 'export-status' });
  show(
    app,
    toolbar,
    exportStatus,
    totals(s.report),
    h(
      'div',
      { class: 'columns' },
      sections.map,
      h('div', { class: 'side' }, sections.rankings, sections.trend),
    ),
    sections.drill,
  );
  renderMap();
  renderRankings();
  sections.drill.replaceChildren();
  sections.drill.hidden = true;
  void renderTrend('VN', 'Toàn quốc');
}

function totals(report: ComplianceReport): HTMLElement {
  const n = report.national;
  const card = (key: string, count: number, of: number, label: string, rate?: number) =>
    h(
      'div',
      { class: 'card', 'data-total': key, 'data-count': count, 'data-of': of },
      h('span', { class: 'value' }, `${formatInteger(count)}/${formatInteger(of)}`),
      rate !== undefined ? h('span', { class: 'rate' }, formatPercent(rate)) : null,
      h('span', { class: 'label' }, label),
    );
  return h(
    'div',
    { class: 'totals', role: 'group', 'aria-label': 'Tổng hợp toàn quốc' },
    card('ministries', n.ministriesCompliant, n.ministriesTotal, 'bộ, cơ quan ngang bộ đạt yêu cầu ISO'),
    card('provinces', n.provincesCompliant, n.provincesTotal, 'tỉnh, thành phố đạt yêu cầu ISO'),
    card(
      'communes',
      n.communesAnnounced,
      n.communesTotal,
      'xã, phường, thị trấn đã công bố HTQLCL',
      n.communesAnnouncedRate,
    ),
  );
}

function renderMap() {
  const s = state!;
  const option = (value: Colouring, label: string) =>
    h(
      'button',
      {
        type: 'button',
        class: s.colouring === value ? 'toggle on' : 'toggle',
        'aria-pressed': s.colouring === value ? 'true' : 'false',
        'data-colouring': value,
        onclick: () => {
          s.colouring = value;
          renderMap();
        },
      },
      label,
    );
  show(
    sections.map,
    h('h2', { id: 'map-title' }, `${s.report.provinces.length} tỉnh, thành phố`),
    h(
      'div',
      { class: 'map-controls', role: 'group', 'aria-label': 'Tô màu theo' },
      h('span', {}, 'Tô màu theo:'),
      option('compliance', 'Đạt yêu cầu ISO'),
      option('onTime', 'Tỷ lệ đúng hạn'),
    ),
    legend(s.colouring),
    tileMap(s.report.provinces, s.colouring, s.province, (code) => void openProvince(code)),
  );
}

function renderRankings() {
  const s = state!;
  const levelSelect = h(
    'select',
    { id: 'ranking-level', 'aria-label': 'Xếp hạng cấp' },
    h('option', { value: 'PROVINCE', selected: s.rankingLevel === 'PROVINCE' }, 'Tỉnh, thành phố'),
    h('option', { value: 'MINISTRY', selected: s.rankingLevel === 'MINISTRY' }, 'Bộ, ngành'),
  );
  levelSelect.addEventListener('change', async () => {
    const level = levelSelect.value as State['rankingLevel'];
    try {
      s.ranking = (await call<{ rankings: Ranking | null }>('Rankings', { level })).rankings;
      s.rankingLevel = level;
    } catch (error) {
      sections.rankings.append(h('p', { class: 'error', role: 'alert' }, failed(error, 'bảng xếp hạng')));
      return;
    }
    renderRankings();
  });
  const units =
    s.rankingLevel === 'PROVINCE'
      ? s.report.provinces.map((p) => p.unit)
      : s.report.ministries.map((m) => m.unit);
  const entries = new Map((s.ranking?.entries ?? []).map((e) => [e.unit?.code, e]));
  const rows = units
    .filter((u) => u !== null)
    .map((u) => ({ code: u!.code, name: u!.name, entry: entries.get(u!.code) }));
  show(
    sections.rankings,
    h('h2', { id: 'rankings-title' }, 'Xếp hạng chỉ số phục vụ người dân, doanh nghiệp'),
    h('div', { class: 'map-controls' }, levelSelect),
    h(
      'p',
      { class: 'muted' },
      s.ranking
        ? `Ngày xếp hạng ${formatDate(s.ranking.date)} (Quyết định 766/QĐ-TTg, thang điểm 100); mũi tên: thay đổi so với kỳ trước.`
        : 'Chưa có bảng xếp hạng: hệ thống tính xếp hạng hằng đêm.',
    ),
    h(
      'div',
      { class: 'scroll' },
      rankingTable(rows, {
        attribute: s.rankingLevel === 'PROVINCE' ? 'data-ranked-province' : 'data-ranked-ministry',
        caption: s.rankingLevel === 'PROVINCE' ? 'Xếp hạng tỉnh, thành phố' : 'Xếp hạng bộ, ngành',
        onSelect: s.rankingLevel === 'PROVINCE' ? (code) => void openProvince(code) : undefined,
        selected: s.province,
      }),
    ),
  );
}

// ───────────────────────── trends ─────────────────────────

let trendRequest = 0;

async function renderTrend(unitCode: string, unitName: string) {
  const request = ++trendRequest;
  const months = lastMonths(12);
  const caption = `Tỷ lệ hồ sơ giải quyết đúng hạn theo tháng — ${unitName}`;
  show(sections.trend, h('h2', {}, caption), h('p', { class: 'loading' }, 'Đang tải…'));
  let points: MonthRate[];
  try {
    points = await Promise.all(
      months.map(async (month) => {
        const data = await call<{ unit: { dossierStats: DossierStats } | null }>('UnitStatistics', {
          unitCode,
          from: month.from,
          to: month.to,
          includeDescendants: true,
        });
        const stats = data.unit?.dossierStats;
        return { month, resolved: stats?.resolved ?? 0, onTimeRate: stats?.onTimeRate ?? null };
      }),
    );
  } catch (error) {
    if (request !== trendRequest) return;
    show(
      sections.trend,
      h('h2', {}, caption),
      h('p', { class: 'error', role: 'alert' }, failed(error, 'số liệu hồ sơ')),
    );
    return;
  }
  if (request !== trendRequest) return;
  show(sections.trend, h('h2', {}, caption), trendChart(points, `${caption}, 12 tháng gần nhất`));
}

// ───────────────────────── a province, its districts and communes ─────────────────────────

let drillRequest = 0;

async function openProvince(code: string) {
  const s = state!;
  const request = ++drillRequest;
  const province = s.report.provinces.find((p) => p.unit?.code === code);
  const name = province?.unit?.name ?? code;
  s.province = code;
  renderMap();
  renderRankings();
  sections.drill.hidden = false;
  show(
    sections.drill,
    h('h2', { id: 'drill-title' }, name),
    h('p', { class: 'loading' }, 'Đang tải các huyện…'),
  );
  sections.drill.scrollIntoView({ block: 'start' });
  void renderTrend(code, name);
  try {
    const [districts, ranking] = await Promise.all([
      allUnits('DISTRICT', code),
      call<{ rankings: Ranking | null }>('Rankings', { level: 'DISTRICT', parentCode: code }).then(
        (d) => d.rankings,
      ),
    ]);
    if (request !== drillRequest) return;
    const entries = new Map((ranking?.entries ?? []).map((e) => [e.unit?.code, e]));
    const communes = h(
      'div',
      { class: 'communes', id: 'communes' },
      h('p', { class: 'muted' }, 'Chọn một huyện để xem các xã.'),
    );
    const districtTable = rankingTable(
      districts.units.map((d) => ({ code: d.code, name: d.name, entry: entries.get(d.code) })),
      {
        attribute: 'data-district',
        caption: `${formatInteger(districts.total)} huyện, thị xã, thành phố thuộc tỉnh${
          ranking ? ` — xếp hạng ngày ${formatDate(ranking.date)}` : ''
        }`,
        onSelect: (district) => void openDistrict(district, districts.units, communes, districtTableBox),
      },
    );
    const districtTableBox = h('div', { class: 'scroll districts', id: 'districts' }, districtTable);
    show(
      sections.drill,
      h(
        'div',
        { class: 'drill-head' },
        h('h2', { id: 'drill-title' }, name, h('span', { class: 'code' }, ` (${code})`)),
        h('button', { type: 'button', class: 'link', onclick: () => closeProvince() }, 'Đóng'),
      ),
      province ? provinceFacts(province) : null,
      h('div', { class: 'drill-columns' }, districtTableBox, communes),
    );
  } catch (error) {
    if (request !== drillRequest) return;
    show(
      sections.drill,
      h('h2', {}, name),
      h('p', { class: 'error', role: 'alert' }, failed(error, 'đơn vị này')),
    );
  }
}

function closeProvince() {
  state!.province = undefined;
  drillRequest++;
  sections.drill.hidden = true;
  renderMap();
  renderRankings();
  void renderTrend('VN', 'Toàn quốc');
}

function provinceFacts(p: ProvinceCompliance): HTMLElement {
  const fact = (label: string, value: string) => h('div', {}, h('dt', {}, label), h('dd', {}, value));
  return h(
    'dl',
    { class: 'facts' },
    fact('Đạt yêu cầu ISO', p.compliant ? 'Đạt' : 'Chưa đạt'),
    fact('Cơ quan đã công bố', `${formatInteger(p.agenciesAnnounced)}/${formatInteger(p.mandatoryAgencies)}`),
    fact('Xã đã công bố', `${formatInteger(p.communesAnnounced)}/${formatInteger(p.communesTotal)}`),
    fact('Áp dụng ISO 9001:2015', formatPercent(p.iso2015Share)),
    fact('Hồ sơ đúng hạn', formatPercent(p.onTimeRate)),
    fact('Đánh giá nội bộ', formatInteger(p.internalAuditsDone)),
    fact('Xem xét của lãnh đạo', formatInteger(p.managementReviewsDone)),
    fact('Sự không phù hợp đang mở', formatInteger(p.openNonconformities)),
  );
}

let communeRequest = 0;

async function openDistrict(
  code: string,
  districts: { code: string; name: string }[],
  container: HTMLElement,
  districtBox: HTMLElement,
) {
  const request = ++communeRequest;
  const name = districts.find((d) => d.code === code)?.name ?? code;
  for (const row of districtBox.querySelectorAll('tr[data-district]'))
    row.classList.toggle('selected', row.getAttribute('data-district') === code);
  show(container, h('p', { class: 'loading' }, `Đang tải các xã của ${name}…`));
  try {
    const [communes, ranking] = await Promise.all([
      allUnits('COMMUNE', code),
      call<{ rankings: Ranking | null }>('Rankings', { level: 'COMMUNE', parentCode: code }).then(
        (d) => d.rankings,
      ),
    ]);
    if (request !== communeRequest) return;
    const entries = new Map((ranking?.entries ?? []).map((e) => [e.unit?.code, e]));
    show(
      container,
      h('h3', {}, `Xã, phường, thị trấn — ${name}`),
      h(
        'div',
        { class: 'scroll' },
        rankingTable(
          communes.units.map((c) => ({ code: c.code, name: c.name, entry: entries.get(c.code) })),
          { attribute: 'data-commune', caption: `${formatInteger(communes.total)} xã, phường, thị trấn` },
        ),
      ),
    );
  } catch (error) {
    if (request !== communeRequest) return;
    show(container, h('p', { class: 'error', role: 'alert' }, failed(error, 'các xã')));
  }
}

// ───────────────────────── exports ─────────────────────────

function exportStatus(message: string) {
  const status = document.getElementById('export-status');
  if (status) status.textContent = message;
}

async function saveTables(tables: Table[], fileName: string, format: 'csv' | 'xlsx', title: string) {
  exportStatus('');
  try {
    if (format === 'csv') return download(toCsv(tables[0]), fileName, CSV_TYPE);
    // exceljs is a chunk of its own, loaded on the first XLSX export only.
    const { toXlsx } = await import('../export/xlsx.js');
    download(await toXlsx(tables, { title }), fileName, XLSX_TYPE);
  } catch {
    exportStatus('Không tạo được tệp xuất. Vui lòng thử lại.');
  }
}

function exportCompliance(format: 'csv' | 'xlsx') {
  const s = state!;
  return saveTables(
    complianceTables(s.report, s.year),
    exportFileName.compliance(s.year, format),
    format,
    `Báo cáo tuân thủ ISO năm ${s.year}`,
  );
}

function exportRanking(format: 'csv' | 'xlsx') {
  const s = state!;
  if (!s.ranking) return exportStatus('Chưa có bảng xếp hạng để xuất.');
  const level: RankedLevel = s.rankingLevel;
  return saveTables(
    [rankingExport(s.ranking, level)],
    exportFileName.rankings(level, s.ranking.date, format),
    format,
    `Xếp hạng ${LEVEL_LABELS[level]} ngày ${formatDate(s.ranking.date)}`,
  );
}

void openDashboard();
