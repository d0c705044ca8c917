/**
 * The exports' shared code: CSV as Excel reads it (BOM, quoting, Vietnamese, no formulas), the
 * compliance and ranking rows, and an XLSX read back with exceljs.
 */
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import {
  BOM,
  complianceTables,
  rankingTable,
  sheetName,
  toCsv,
  toXlsx,
  type ComplianceReport,
  type Ranking,
  type Table,
} from '../src/export';

/** RFC 4180, as a spreadsheet reads it back. */
function parseCsv(text: string): string[][] {
  expect(text.startsWith(BOM)).toBe(true);
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = BOM.length; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  expect(row).toEqual([]);
  expect(field).toBe('');
  return rows;
}

const textTable = (values: string[]): Table => ({
  sheet: 'T',
  columns: [
    { key: 'a', header: 'Tên, "đơn vị"', kind: 'text' },
    { key: 'b', header: 'Số', kind: 'integer' },
  ],
  rows: values.map((v, i) => [v, i]),
});

describe('CSV', () => {
  it('starts with a BOM, ends lines with CRLF and quotes commas, quotes and line breaks', () => {
    const csv = toCsv(
      textTable(['Quảng Ninh', 'Bà Rịa - Vũng Tàu, tỉnh', 'Sở "Tư pháp"', 'dòng 1\ndòng 2', ' Cà Mau ']),
    );
    expect(csv).toBe(
      BOM +
        '"Tên, ""đơn vị""",Số\r\n' +
        'Quảng Ninh,0\r\n' +
        '"Bà Rịa - Vũng Tàu, tỉnh",1\r\n' +
        '"Sở ""Tư pháp""",2\r\n' +
        '"dòng 1\ndòng 2",3\r\n' +
        '" Cà Mau ",4\r\n',
    );
    expect(Buffer.from(csv, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });

  it('writes text a spreadsheet would run as a formula with a leading apostrophe', () => {
    const rows = parseCsv(toCsv(textTable(['=HYPERLINK("x")', '+1', '-2', '@SUM(A1)', 'a=b'])));
    expect(rows.slice(1).map((r) => r[0])).toEqual(['\'=HYPERLINK("x")', "'+1", "'-2", "'@SUM(A1)", 'a=b']);
  });

  it('reads back every text it wrote, whatever its characters', () => {
    const safe = fc.string({ unit: 'grapheme', maxLength: 30 }).filter((s) => !/^[=+\-@\t\r]/.test(s));
    const tricky = fc.constantFrom('', ',', '"', '\n', '\r\n', ' ', 'Đắk Lắk', 'Thừa Thiên Huế', '"",,"');
    const text = fc
      .array(fc.oneof(safe, tricky), { maxLength: 6 })
      .map((parts) => parts.join(''))
      .filter((s) => !/^[=+\-@\t\r]/.test(s));
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 8 }), (values) => {
        const rows = parseCsv(toCsv(textTable(values)));
        expect(rows[0]).toEqual(['Tên, "đơn vị"', 'Số']);
        expect(rows.slice(1).map((r) => r[0])).toEqual(values);
      }),
    );
  });

  it('writes percents as percentages, decimals to two places and nulls as empty cells', () => {
    const table: Table = {
      sheet: 'T',
      columns: [
        { key: 'p', header: 'Tỷ lệ (%)', kind: 'percent' },
        { key: 'd', header: 'Điểm', kind: 'decimal' },
        { key: 'i', header: 'Số', kind: 'integer' },
      ],
      rows: [
        [0.625, 61.666666, 10035],
        [null, null, null],
        [1, 0, 0],
      ],
    };
    expect(parseCsv(toCsv(table)).slice(1)).toEqual([
      ['62.5', '61.67', '10035'],
      ['', '', ''],
      ['100', '0', '0'],
    ]);
  });
});

const report: ComplianceReport = {
  generatedAt: '2025-06-01T01:02:03.000Z',
  national: {
    ministriesTotal: 22,
    ministriesCompliant: 20,
    provincesTotal: 2,
    provincesCompliant: 1,
    communesTotal: 300,
    communesAnnounced: 187,
    communesAnnouncedRate: 187 / 300,
  },
  provinces: [
    {
      unit: { code: '22', name: 'Quảng Ninh' },
      compliant: false,
      mandatoryAgencies: 20,
      agenciesAnnounced: 19,
      communesTotal: 177,
      communesAnnounced: 110,
      iso2015Share: 0.95,
      onTimeRate: 0.931,
      internalAuditsDone: 25,
      managementReviewsDone: 24,
      openNonconformities: 3,
    },
    {
      unit: { code: '77', name: 'Bà Rịa - Vũng Tàu' },
      compliant: true,
      mandatoryAgencies: 18,
      agenciesAnnounced: 18,
      communesTotal: 123,
      communesAnnounced: 77,
      iso2015Share: 1,
      onTimeRate: null,
      internalAuditsDone: 18,
      managementReviewsDone: 18,
      openNonconformities: 0,
    },
  ],
  ministries: [
    {
      unit: { code: 'BTP', name: 'Bộ Tư pháp' },
      compliant: true,
      mandatoryAgencies: 5,
      agenciesAnnounced: 5,
      onTimeRate: 0.99,
    },
  ],
};

const components = (scores: number[]) =>
  ['CKMB', 'TDGQ', 'CLGQ', 'TTTT', 'MDHL', 'MDSH'].map((key, i) => ({
    key,
    label: `Chỉ số ${key}`,
    score: scores[i],
    maxScore: 10 + i,
  }));

const ranking: Ranking = {
  date: '2025-06-02',
  computedAt: '2025-06-01T20:00:00.000Z',
  entries: [
    {
      rank: 1,
      previousRank: 3,
      score: 61.5,
      unit: { code: '77', name: 'Bà Rịa - Vũng Tàu' },
      components: components([6, 10, 12, 13, 10.5, 10]),
    },
    {
      rank: 2,
      previousRank: 1,
      score: 40,
      unit: { code: '22', name: 'Quảng Ninh' },
      components: components([0, 10, 10, 10, 5, 5]),
    },
    {
      rank: 2,
      previousRank: null,
      score: 40,
      unit: { code: '96', name: 'Cà Mau' },
      components: components([0, 10, 10, 10, 5, 5]),
    },
  ],
};

describe('the compliance report and rankings as rows', () => {
  it('one row per province then per ministry, and the national totals', () => {
    const [units, national] = complianceTables(report, 2025);
    expect(units.rows.map((r) => r.slice(0, 4))).toEqual([
      ['Tỉnh, thành phố', '22', 'Quảng Ninh', 'Chưa đạt'],
      ['Tỉnh, thành phố', '77', 'Bà Rịa - Vũng Tàu', 'Đạt'],
      ['Bộ, ngành', 'BTP', 'Bộ Tư pháp', 'Đạt'],
    ]);
    const csv = parseCsv(toCsv(units));
    expect(csv[0]).toContain('Tỷ lệ hồ sơ đúng hạn (%)');
    expect(csv[1]).toEqual([
      'Tỉnh, thành phố',
      '22',
      'Quảng Ninh',
      'Chưa đạt',
      '20',
      '19',
      '177',
      '110',
      '95',
      '93.1',
      '25',
      '24',
      '3',
    ]);
    expect(csv[2][9]).toBe('');
    expect(csv[3]).toEqual(['Bộ, ngành', 'BTP', 'Bộ Tư pháp', 'Đạt', '5', '5', '', '', '', '99', '', '', '']);
    expect(national.rows).toEqual([
      ['Bộ, ngành đạt yêu cầu', 20, 22, 20 / 22],
      ['Tỉnh, thành phố đạt yêu cầu', 1, 2, 0.5],
      ['Xã, phường, thị trấn đã công bố HTQLCL', 187, 300, 187 / 300],
    ]);
  });

  it('a ranking with each unit’s movement and component scores', () => {
    const table = rankingTable(ranking, 'PROVINCE');
    expect(table.sheet).toBe('Xếp hạng tỉnh, thành phố');
    expect(table.columns.map((c) => c.header).slice(0, 7)).toEqual([
      'Hạng',
      'Hạng kỳ trước',
      'Thay đổi (bậc)',
      'Mã',
      'Tên đơn vị',
      'Điểm (trên 100)',
      'Chỉ số CKMB (CKMB, tối đa 10)',
    ]);
    expect(table.rows.map((r) => r.slice(0, 6))).toEqual([
      [1, 3, 2, '77', 'Bà Rịa - Vũng Tàu', 61.5],
      [2, 1, -1, '22', 'Quảng Ninh', 40],
      [2, null, null, '96', 'Cà Mau', 40],
    ]);
    expect(table.rows[0].slice(6)).toEqual([6, 10, 12, 13, 10.5, 10]);
  });

  it('sheet names Excel accepts', () => {
    expect(sheetName('Xếp hạng cấp xã – Bà Rịa - Vũng Tàu: [2025/06]?')).toBe(
      'Xếp hạng cấp xã – Bà Rịa - Vũng',
    );
    expect(Array.from(sheetName('x'.repeat(40)))).toHaveLength(31);
    expect(sheetName("'*'")).toBe('Sheet1');
  });
});

describe('XLSX', () => {
  it('opens with exceljs with the same rows, numbers as numbers and formulas as text', async () => {
    const [units, national] = complianceTables(
      {
        ...report,
        ministries: [...report.ministries, { ...report.ministries[0], unit: { code: 'X', name: '=1+1' } }],
      },
      2025,
    );
    const bytes = await toXlsx([units, national], {
      title: 'Báo cáo',
      created: new Date(report.generatedAt),
    });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(bytes) as never);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Tuân thủ ISO 2025', 'Toàn quốc 2025']);
    const sheet = workbook.getWorksheet('Tuân thủ ISO 2025')!;
    const values = (row: number) => (sheet.getRow(row).values as unknown[]).slice(1);
    expect(values(1)).toEqual(units.columns.map((c) => c.header));
    expect(sheet.rowCount).toBe(1 + units.rows.length);
    expect(values(2)).toEqual([
      'Tỉnh, thành phố',
      '22',
      'Quảng Ninh',
      'Chưa đạt',
      20,
      19,
      177,
      110,
      0.95,
      0.931,
      25,
      24,
      3,
    ]);
    expect(values(3)[9]).toBeUndefined(); // no on-time rate: an empty cell
    expect(sheet.getCell('J2').numFmt).toBe('0.0%');
    expect(sheet.getCell('C5').value).toBe('=1+1');
    expect(sheet.getCell('C5').type).toBe(ExcelJS.ValueType.String);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const totals = workbook.getWorksheet('Toàn quốc 2025')!;
    expect((totals.getRow(4).values as unknown[]).slice(1)).toEqual([
      'Xã, phường, thị trấn đã công bố HTQLCL',
      187,
      300,
      187 / 300,
    ]);
  });

  it('two tables of one name get two sheets', async () => {
    const table = rankingTable(ranking, 'COMMUNE', 'Quảng Ninh');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await toXlsx([table, table])) as never);
    expect(workbook.worksheets.map((w) => w.name)).toEqual([
      'Xếp hạng cấp xã – Quảng Ninh',
      'Xếp hạng cấp xã – Quảng Nin (2)',
    ]);
  });
});
