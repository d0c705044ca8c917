/**
 * Search as Vietnamese users type: with or without diacritics ("đăng ký khai sinh" and
 * "dang ky khai sinh" are the same), words in any order, a word's beginning enough ("khai sin").
 * Both the stored document and the query are folded here, so the database needs no extension:
 * a `simple` tsvector over folded words, with a GIN index.
 */

/** Lower case, without tone marks or diacritics, đ as d: "Đăng ký" → "dang ky". */
export function foldVietnamese(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase();
}

const MAX_TOKENS = 12;
const MAX_TOKEN_LENGTH = 40;

/** The distinct folded words of a text, letters and digits only, in order of appearance. */
export function searchTokens(text: string): string[] {
  const words = foldVietnamese(text)
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0)
    .map((word) => word.slice(0, MAX_TOKEN_LENGTH));
  return [...new Set(words)].slice(0, MAX_TOKENS);
}

/** The text stored for a procedure, to which `to_tsvector('simple', …)` is applied. */
export function searchDocument(procedure: { code: string; name: string; field: string }): string {
  return [procedure.name, procedure.field, procedure.code, procedure.code.replace(/\D/g, '')]
    .map((part) => searchTokens(part).join(' '))
    .join(' ');
}

/**
 * A `to_tsquery('simple', …)` text: every word must match, each as a prefix. Null when the search
 * has no word at all (then the list is not filtered). Tokens are [a-z0-9] only, so the text is
 * safe tsquery syntax.
 */
export function prefixQuery(search: string | null | undefined): string | null {
  const tokens = searchTokens(search ?? '');
  return tokens.length ? tokens.map((token) => `${token}:*`).join(' & ') : null;
}
