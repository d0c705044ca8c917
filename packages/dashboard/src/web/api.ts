/**
 * The dashboard's one way to the graph: the contract's operations, by name, POSTed to the gateway's
 * /graphql beside this page with the official's Bearer token. The operation texts are the
 * contract's own, compiled in when the page is bundled (packages/dashboard/src/index.ts).
 */
import type { DashboardOperation } from '../index';
import { storedToken } from './session';

declare const __EISO_OPERATIONS__: Record<DashboardOperation, string>;

/** A failed call: `code` is the contract's error code, or NETWORK / HTTP when no answer came. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const endpoint = () => new URL('../graphql', window.location.href).toString();

export async function call<T>(name: DashboardOperation, variables: Record<string, unknown>): Promise<T> {
  const token = storedToken();
  let response: Response;
  try {
    response = await fetch(endpoint(), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ operationName: name, query: __EISO_OPERATIONS__[name], variables }),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError('NETWORK', 'network');
  }
  let body: { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  try {
    body = await response.json();
  } catch {
    throw new ApiError('HTTP', `HTTP ${response.status}`);
  }
  const first = body.errors?.[0];
  if (first) throw new ApiError(first.extensions?.code ?? 'INTERNAL_SERVER_ERROR', first.message);
  if (!response.ok || !body.data) throw new ApiError('HTTP', `HTTP ${response.status}`);
  return body.data;
}

/** Every page of a connection (UnitsByLevel allows 200 a page). */
export async function allUnits(
  level: 'PROVINCE' | 'DISTRICT' | 'COMMUNE',
  underCode: string,
): Promise<{ total: number; units: { code: string; name: string; kind: string }[] }> {
  const units: { code: string; name: string; kind: string }[] = [];
  let after: string | null = null;
  let total = 0;
  for (;;) {
    const data: UnitsPage = await call<UnitsPage>('UnitsByLevel', { level, underCode, first: 200, after });
    total = data.units.totalCount;
    units.push(...data.units.edges.map((e) => e.node));
    if (!data.units.pageInfo.hasNextPage || !data.units.pageInfo.endCursor) break;
    after = data.units.pageInfo.endCursor;
  }
  return { total, units };
}

interface UnitsPage {
  units: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: { node: { code: string; name: string; kind: string } }[];
  };
}

/** What to tell the official, in Vietnamese, for a failed call. */
export function explain(error: unknown, what = 'dữ liệu này'): string {
  if (!(error instanceof ApiError)) return 'Trang gặp lỗi không mong muốn. Vui lòng tải lại trang.';
  switch (error.code) {
    case 'UNAUTHENTICATED':
      return 'Mã truy cập không hợp lệ hoặc đã hết hạn. Vui lòng đăng nhập lại bằng mã mới.';
    case 'FORBIDDEN':
      return `Tài khoản này không có quyền xem ${what}. Bảng điều khiển toàn quốc dành cho cán bộ có vai trò MINISTRY_VIEWER hoặc SYSTEM_ADMIN.`;
    case 'NOT_FOUND':
      return 'Không tìm thấy đơn vị này.';
    case 'RATE_LIMITED':
      return 'Có quá nhiều yêu cầu trong thời gian ngắn. Vui lòng chờ ít phút rồi thử lại.';
    case 'BAD_USER_INPUT':
      return `Yêu cầu không hợp lệ: ${error.message}`;
    case 'QUERY_TOO_COMPLEX':
      return 'Yêu cầu vượt giới hạn của máy chủ.';
    case 'NETWORK':
      return 'Không kết nối được tới máy chủ eiso. Kiểm tra mạng rồi thử lại.';
    default:
      return `Máy chủ gặp lỗi (${error.code}). Vui lòng thử lại sau.`;
  }
}
