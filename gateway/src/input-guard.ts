/**
 * The gateway's guard on what every operation carries, before any subgraph sees it
 * (docs/security.md, "Bad input"):
 *
 * - text that PostgreSQL cannot store or that is not Unicode — a NUL (`\u0000`) or a lone UTF-16
 *   surrogate (`\ud800`), in a variable or a string literal — is BAD_USER_INPUT naming the field,
 *   rather than an internal error from the database or a silent U+FFFD in the record;
 * - a request body that is not valid UTF-8 is refused before it is parsed (`verifyUtf8Body`), rather
 *   than read with U+FFFD in place of the bad bytes;
 * - an operationName the document does not hold, several operations without one, and a
 *   subscription (eiso has none) are BAD_USER_INPUT: the gateway's executor would otherwise fail
 *   them as internal errors.
 */
import type http from 'node:http';
import { isUtf8 } from 'node:buffer';
import type { ApolloServerPlugin } from '@apollo/server';
import { errors, withHttpStatus } from '@eiso/errors';
import { BREAK, Kind, visit, type DocumentNode } from 'graphql';

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why `text` cannot be taken as input, or null when it can. */
export function textProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'may not contain a NUL character (\\u0000)';
  if (LONE_SURROGATE.test(text)) return 'is not well-formed Unicode (it holds a lone surrogate)';
  return null;
}

/** The first string in a JSON value that cannot be taken as input, with its path. */
export function findBadText(value: unknown, path: string[] = []): { path: string[]; problem: string } | null {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem ? { path, problem } : null;
  }
  if (value === null || typeof value !== 'object') return null;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  for (const [key, item] of entries) {
    const keyProblem = textProblem(key);
    if (keyProblem)
      return {
        path: [...path, key.replaceAll('\u0000', '?').replace(/[\ud800-\udfff]/g, '?')],
        problem: keyProblem,
      };
    const found = findBadText(item, [...path, key]);
    if (found) return found;
  }
  return null;
}

/** The contract's `field` for a variable path: `input.applicant.name` is `applicant.name`. */
function fieldOf(path: string[]): string {
  return (path[0] === 'input' && path.length > 1 ? path.slice(1) : path).join('.');
}

/**
 * Apollo Server hands every request of one query text the same parsed document (its document
 * store), so the literals are looked at once per document rather than once per request.
 */
const literalVerdicts = new WeakMap<DocumentNode, { field?: string; problem: string } | null>();

function badLiteral(document: DocumentNode): { field?: string; problem: string } | null {
  let verdict = literalVerdicts.get(document);
  if (verdict === undefined) {
    verdict = findBadLiteral(document);
    literalVerdicts.set(document, verdict);
  }
  return verdict;
}

function findBadLiteral(document: DocumentNode): { field?: string; problem: string } | null {
  let found: { field?: string; problem: string } | null = null;
  const argumentNames: string[] = [];
  visit(document, {
    Argument: {
      enter: (node) => void argumentNames.push(node.name.value),
      leave: () => void argumentNames.pop(),
    },
    StringValue(node) {
      const problem = textProblem(node.value);
      if (!problem) return undefined;
      found = { field: argumentNames[argumentNames.length - 1], problem };
      return BREAK;
    },
  });
  return found;
}

const refuse = (message: string, field?: string) => withHttpStatus(errors.badInput(message, field), 400);

export function inputGuardPlugin<TContext extends object>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operation }) {
          if (!operation) {
            const names = document.definitions.flatMap((d) =>
              d.kind === Kind.OPERATION_DEFINITION && d.name ? [d.name.value] : [],
            );
            throw request.operationName
              ? refuse(
                  `Unknown operation named "${String(request.operationName).slice(0, 64)}"; the document holds ${names.join(', ') || 'no named operation'}`,
                  'operationName',
                )
              : refuse('The document holds several operations: name one in operationName', 'operationName');
          }
          if (operation.operation === 'subscription')
            throw refuse('eiso has no subscriptions: send a query or a mutation');
          const variable = findBadText(request.variables ?? {});
          if (variable) {
            const field = fieldOf(variable.path);
            throw refuse(`${field || 'A variable'} ${variable.problem}`, field || undefined);
          }
          const literal = badLiteral(document);
          if (literal) throw refuse(`A string in the query ${literal.problem}`, literal.field);
        },
      };
    },
  };
}

/**
 * `express.json({ verify })`: a JSON body must be valid UTF-8 (the JSON standard's only encoding
 * between systems); bytes that are not are refused rather than read as U+FFFD.
 */
export function verifyUtf8Body(
  _req: http.IncomingMessage,
  _res: unknown,
  body: Buffer,
  encoding: string,
): void {
  if (/^utf-?8$/i.test(encoding) && !isUtf8(body)) {
    throw Object.assign(new Error('The request body is not valid UTF-8'), {
      status: 400,
      type: 'encoding.invalid',
    });
  }
}
