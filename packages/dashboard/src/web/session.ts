/**
 * The signed-in official's token: kept in sessionStorage (gone when the tab closes, never in a URL
 * or a cookie) and sent as `Authorization: Bearer`. Its claims are read only to greet the official
 * and to notice expiry before the gateway does: the gateway alone verifies it.
 */
const KEY = 'eiso.dashboard.token';

export interface TokenClaims {
  username?: string;
  unitCode?: string;
  roles: string[];
  /** Expiry, ms since the epoch (undefined when the token has none). */
  expiresAt?: number;
}

export class TokenProblem extends Error {}

export function storedToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function storeToken(token: string) {
  sessionStorage.setItem(KEY, token);
}

export function forgetToken() {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // storage refused (private mode): nothing was kept
  }
}

/** A pasted token, cleaned ("Bearer " and whitespace dropped), or a TokenProblem saying why not. */
export function cleanToken(input: string): string {
  const token = input.replace(/^\s*Bearer\s+/i, '').replace(/\s+/g, '');
  if (token === '') throw new TokenProblem('Hãy dán mã truy cập (JWT) vào ô trên.');
  if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token))
    throw new TokenProblem('Mã truy cập không đúng định dạng JWT (ba phần ngăn cách bởi dấu chấm).');
  return token;
}

export function claimsOf(token: string): TokenClaims {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(part.padEnd(part.length + ((4 - (part.length % 4)) % 4), '=')), (c) =>
      c.charCodeAt(0),
    );
    const payload = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
    return {
      username: typeof payload.preferred_username === 'string' ? payload.preferred_username : undefined,
      unitCode: typeof payload.unit_code === 'string' ? payload.unit_code : undefined,
      roles: Array.isArray(payload.roles) ? payload.roles.filter((r) => typeof r === 'string') : [],
      expiresAt: typeof payload.exp === 'number' ? payload.exp * 1000 : undefined,
    };
  } catch {
    throw new TokenProblem('Không đọc được nội dung mã truy cập: mã bị cắt thiếu hoặc sai.');
  }
}

export const isExpired = (claims: TokenClaims, now = Date.now()) =>
  claims.expiresAt !== undefined && claims.expiresAt <= now;
