/**
 * `eiso export` on its own: its arguments, and a call to a stand-in gateway that checks it is sent
 * the contract's operation with the Bearer token. gateway/test/dashboard.browser.test.ts runs it
 * against the real stack.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { operation } from '@eiso/contract';
import { exportCommand, ExportError, type ExportOptions } from '../src/export';
import { UsageError } from '../src/token';

function options(overrides: Partial<ExportOptions> = {}) {
  const written: (string | Uint8Array)[] = [];
  const said: string[] = [];
  const value: ExportOptions = {
    env: { EISO_TOKEN: 'a.b.c' },
    say: (message) => said.push(message),
    stdout: {
      write: (data, done) => {
        written.push(data);
        done();
      },
    },
    devToken: async (username) => `dev.${username}.token`,
    ...overrides,
  };
  return { value, written, said };
}

describe('eiso export: arguments', () => {
  it.each([
    [[], 'usage: eiso export'],
    [['report'], 'usage: eiso export'],
    [['rankings', '--level', 'DISTRICT'], 'give --parent CODE'],
    [['rankings', '--level', 'PROVINCE', '--parent', '22'], 'ranked nationally'],
    [['rankings', '--level', 'TOWN'], '--level: one of'],
    [['rankings', '--year', '2025'], '--year is for compliance'],
    [['rankings', '--date', '3/12/2025'], 'YYYY-MM-DD'],
    [['compliance', '--level', 'PROVINCE'], 'are for rankings'],
    [['compliance', '--year', '25'], 'a year such as'],
    [['compliance', '--format', 'pdf'], '--format: csv or xlsx'],
    [['compliance', '--out', 'report.txt'], "from --out's extension .txt"],
    [['compliance', '--bogus'], "Unknown option '--bogus'"],
  ])('%j is refused: %s', async (args, message) => {
    const error = await exportCommand(args, options().value).catch((e) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toContain(message);
  });

  it('needs a token, and never writes an XLSX to a terminal', async () => {
    await expect(exportCommand(['compliance'], options({ env: {} }).value)).rejects.toThrow(
      'a token is needed',
    );
    const tty = options();
    tty.value.stdout.isTTY = true;
    await expect(exportCommand(['compliance', '--format', 'xlsx'], tty.value)).rejects.toThrow(
      'an XLSX is binary',
    );
  });
});

describe('eiso export: through a gateway', () => {
  let server: http.Server;
  let url: string;
  const received: { authorization?: string; body: any }[] = [];
  let answer: unknown;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push({ authorization: req.headers.authorization, body: JSON.parse(body) });
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(answer));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => (received.length = 0));

  it('sends NationalCompliance as the contract writes it, with the token, and prints the CSV', async () => {
    answer = {
      data: {
        complianceReport: {
          generatedAt: '2025-06-01T00:00:00Z',
          national: {
            ministriesTotal: 22,
            ministriesCompliant: 20,
            provincesTotal: 1,
            provincesCompliant: 1,
            communesTotal: 10,
            communesAnnounced: 6,
            communesAnnouncedRate: 0.6,
          },
          provinces: [
            {
              unit: { code: '22', name: 'Quảng Ninh' },
              compliant: true,
              mandatoryAgencies: 3,
              agenciesAnnounced: 3,
              communesTotal: 10,
              communesAnnounced: 6,
              iso2015Share: 1,
              onTimeRate: 0.9,
              internalAuditsDone: 3,
              managementReviewsDone: 3,
              openNonconformities: 0,
            },
          ],
          ministries: [],
        },
      },
    };
    const run = options();
    await exportCommand(['compliance', '--year', '2025', '--gateway', url], run.value);
    expect(received).toEqual([
      {
        authorization: 'Bearer a.b.c',
        body: {
          operationName: 'NationalCompliance',
          query: operation('NationalCompliance'),
          variables: { year: 2025 },
        },
      },
    ]);
    expect(run.written.join('')).toBe(
      '\ufeffCấp,Mã,Tên đơn vị,Đạt yêu cầu ISO,Cơ quan phải áp dụng,Cơ quan đã công bố,Số xã,Số xã đã công bố,' +
        'Tỷ lệ áp dụng TCVN ISO 9001:2015 (%),Tỷ lệ hồ sơ đúng hạn (%),Đánh giá nội bộ đã thực hiện,' +
        'Xem xét của lãnh đạo đã thực hiện,Sự không phù hợp đang mở\r\n' +
        '"Tỉnh, thành phố",22,Quảng Ninh,Đạt,3,3,10,6,100,90,3,3,0\r\n',
    );
  });

  it('says what the gateway refused, and when there is no ranking yet', async () => {
    answer = { errors: [{ message: 'Not allowed', extensions: { code: 'FORBIDDEN' } }] };
    const refused = await exportCommand(
      ['compliance', '--gateway', url, '--as', 'leader.22'],
      options().value,
    ).catch((e) => e);
    expect(refused).toBeInstanceOf(ExportError);
    expect(refused.message).toContain('NationalCompliance: FORBIDDEN: Not allowed');
    expect(received[0].authorization).toBe('Bearer dev.leader.22.token');

    answer = { data: { rankings: null } };
    await expect(exportCommand(['rankings', '--gateway', url], options().value)).rejects.toThrow(
      'no PROVINCE ranking',
    );
  });
});
