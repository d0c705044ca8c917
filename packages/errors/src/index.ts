/**
 * The contract's error codes (shared/contract/README.md) and the one place that decides what an
 * error may say to a client: contract codes pass with their message; anything else becomes
 * INTERNAL_SERVER_ERROR with a fixed message, and the original is only logged.
 */
import { GraphQLError, type GraphQLFormattedError } from 'graphql';

export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  INVALID_TRANSITION: 'INVALID_TRANSITION',
  RATE_LIMITED: 'RATE_LIMITED',
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const CONTRACT_CODES = new Set<string>(Object.values(ErrorCode));

/** graphql-js and Apollo codes for a request the client got wrong: to the client they are bad input. */
const CLIENT_MISTAKE_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

export function eisoError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

/**
 * The same error, refusing the whole HTTP request with `status` (401 for a bad token at the
 * gateway). Only for errors raised before execution: inside a subgraph, a non-2xx answer would make
 * the gateway drop the data of every other field.
 */
export function withHttpStatus(error: GraphQLError, status: number): GraphQLError {
  return new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status } } });
}

export const errors = {
  unauthenticated: (message = 'Sign-in required: send a valid Bearer token') =>
    eisoError(ErrorCode.UNAUTHENTICATED, message),
  forbidden: (message = 'Your roles or unit do not cover this object') =>
    eisoError(ErrorCode.FORBIDDEN, message),
  badInput: (message: string, field?: string) =>
    eisoError(ErrorCode.BAD_USER_INPUT, message, field ? { field } : {}),
  notFound: (message: string) => eisoError(ErrorCode.NOT_FOUND, message),
  conflict: (message: string) => eisoError(ErrorCode.CONFLICT, message),
  invalidTransition: (message: string) => eisoError(ErrorCode.INVALID_TRANSITION, message),
};

export interface ErrorLogger {
  error(object: unknown, message?: string): void;
}

/**
 * Apollo `formatError`: the only exit for errors. Keeps contract errors (minus any stack trace),
 * turns client mistakes into BAD_USER_INPUT, and hides everything else behind a fixed message.
 */
export function createErrorFormatter(logger: ErrorLogger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = String(formatted.extensions?.code ?? '');
    const { stacktrace: _stack, exception: _exception, ...extensions } = formatted.extensions ?? {};
    if (CONTRACT_CODES.has(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
      const field =
        extensions.field ??
        (code === ErrorCode.BAD_USER_INPUT ? variableField(formatted.message) : undefined);
      return { ...formatted, extensions: field ? { ...extensions, field } : extensions };
    }
    if (CLIENT_MISTAKE_CODES.has(code)) {
      return {
        message: formatted.message,
        locations: formatted.locations,
        extensions: { code: ErrorCode.BAD_USER_INPUT },
      };
    }
    logger.error({ err: originalError(error), path: formatted.path }, 'internal error');
    return {
      message: 'Internal server error',
      path: formatted.path,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}

/**
 * graphql-js names the bad part of a variable in its message (`… at "input.steps[0].role"; …`);
 * clients get it as `field` like every other input error: `steps.0.role`. A missing or unknown
 * field of an input object is named too: `applicant.idNumber`, not `applicant`.
 */
function variableField(message: string): string | undefined {
  const variable = /^Variable "\$(\w+)"/.exec(message)?.[1];
  if (!variable) return undefined;
  const at = /^Variable "\$\w+" got invalid value .*? at "([^"]+)"/s.exec(message)?.[1] ?? variable;
  const inner = /; Field "(\w+)" (?:of required type "[^"]+" was not provided|is not defined by type)/.exec(
    message,
  )?.[1];
  const path = [...at.replace(/\[(\d+)\]/g, '.$1').split('.'), ...(inner ? [inner] : [])];
  return (path[0] === 'input' && path.length > 1 ? path.slice(1) : path).join('.');
}

function originalError(error: unknown): unknown {
  return error instanceof GraphQLError && error.originalError ? error.originalError : error;
}
