/**
 * What the gateway refuses before any subgraph is asked: operations too deep, too wide, too long
 * or too costly (QUERY_TOO_COMPLEX), and callers over their request budget (RATE_LIMITED).
 *
 * - Depth, aliases, directives and cost are graphql-armor validation rules, run by Apollo Server
 *   with the standard rules (a validated document is cached, so each is measured once).
 * - Tokens are counted by graphql-js's own lexer limit (`parseOptions.maxTokens`, which is what
 *   graphql-armor's max-tokens re-implements): the parser stops at the limit, and Apollo answers a
 *   400 — armor's Apollo wiring throws from a hook outside Apollo's parse error handling (a 500).
 * - Apollo wraps every validation error as GRAPHQL_VALIDATION_FAILED: `limitErrorFormatter` gives a
 *   refused limit its contract code back before the shared formatter sees it.
 * - Rate limits are rate-limiter-flexible counters in Redis under the gateway's key prefix, so
 *   every replica spends one budget: per official when signed in, per address otherwise.
 */
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { HeaderMap } from '@apollo/server';
import type { Caller } from '@eiso/auth';
import { ErrorCode } from '@eiso/errors';
import type { Logger } from '@eiso/logging';
import {
  GraphQLError,
  type GraphQLFormattedError,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  maxCost: number;
}

/**
 * Every contract operation passes with room to spare (gateway/test/limits.e2e.test.ts measures
 * them: at most depth 8, 0 aliases, 0 directives, 121 tokens, cost 7,381 — UnitByCode's
 * `children(first: 200)`).
 */
export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxDepth: 12,
  maxAliases: 15,
  maxDirectives: 10,
  maxTokens: 1000,
  maxCost: 20_000,
};

/** Marks an armor refusal so the formatter can tell it from any other validation error. */
class QueryTooComplexError extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: ErrorCode.QUERY_TOO_COMPLEX } });
    this.name = 'QueryTooComplexError';
  }
}

/** armor reports `Syntax Error: Query depth limit of 12 exceeded, found 14.`: a clearer sentence, same numbers. */
function reject(what: string) {
  return (context: ValidationContext | null, error: GraphQLError) => {
    const detail = error.message.replace(/^Syntax Error: /, '');
    context?.reportError(new QueryTooComplexError(`Query too complex (${what}): ${detail}`));
  };
}

/** The graphql-armor rules for Apollo Server's `validationRules`. */
export function queryLimitRules(limits: QueryLimits): ValidationRule[] {
  const common = { exposeLimits: true, propagateOnRejection: false } as const;
  return [
    maxDepthRule({ ...common, n: limits.maxDepth, onReject: [reject('depth')] }),
    maxAliasesRule({ ...common, n: limits.maxAliases, onReject: [reject('aliases')] }),
    maxDirectivesRule({ ...common, n: limits.maxDirectives, onReject: [reject('directives')] }),
    costLimitRule({ ...common, maxCost: limits.maxCost, onReject: [reject('cost')] }),
  ] as ValidationRule[];
}

// graphql-js 16 spells it "more that"; a later release may fix the typo.
const TOKEN_LIMIT_MESSAGE =
  /^Syntax Error: Document contains more th(?:an|at) (\d+) tokens\. Parsing aborted\.$/;

function isLimitError(error: unknown): string | null {
  if (!(error instanceof GraphQLError)) return null;
  if (error.originalError instanceof QueryTooComplexError) return error.originalError.message;
  const tokens = TOKEN_LIMIT_MESSAGE.exec(error.message);
  if (tokens) return `Query too complex (tokens): the limit of ${tokens[1]} tokens was exceeded.`;
  return null;
}

/**
 * Wraps the shared error formatter: a refused limit leaves as QUERY_TOO_COMPLEX. Without
 * introspection (production), graphql-js's "Did you mean …?" hints are cut too: they would spell
 * out the schema field by field.
 */
export function limitErrorFormatter(
  inner: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError,
  options: { hideSuggestions: boolean },
) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const limit = isLimitError(error);
    if (limit) {
      return {
        message: limit,
        locations: formatted.locations,
        extensions: { code: ErrorCode.QUERY_TOO_COMPLEX },
      };
    }
    const result = inner(formatted, error);
    return options.hideSuggestions
      ? { ...result, message: result.message.replace(/ ?Did you mean .+\?$/s, '') }
      : result;
  };
}

export interface RateLimitConfig {
  redisUrl: string;
  /** Keys are `<prefix>:ratelimit:<official|address>:<id>`. */
  keyPrefix: string;
  perOfficial: number;
  perAddress: number;
  windowMs: number;
}

export interface RateLimiter {
  /** Spends one request of the caller's budget; throws RATE_LIMITED (HTTP 429, Retry-After) when none is left. */
  consume(caller: Caller, address: string | undefined): Promise<void>;
  close(): Promise<void>;
}

/**
 * Redis-backed budgets shared by every gateway replica. When Redis cannot be reached, each replica
 * falls back to the same budget counted in its own memory (rate-limiter-flexible's insurance
 * limiter) and logs a warning: the limits loosen by the number of replicas, requests keep flowing.
 */
export async function createRateLimiter(config: RateLimitConfig, logger: Logger): Promise<RateLimiter> {
  const redis = new Redis(config.redisUrl, {
    // Fail fast when Redis is away so the in-memory budget answers instead of a queued command.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    lazyConnect: false,
  });
  let warnedAt = 0;
  redis.on('error', (error: Error) => {
    if (Date.now() - warnedAt < 60_000) return;
    warnedAt = Date.now();
    logger.warn({ err: error }, 'rate limits: Redis unreachable, counting in this replica only');
  });
  // Start with Redis connected when it answers within a few seconds, so the first requests are
  // counted in the shared budget; otherwise start anyway on the in-memory one.
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 3000);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  const duration = Math.max(1, Math.ceil(config.windowMs / 1000));
  const limiter = (kind: string, points: number) =>
    new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${config.keyPrefix}:ratelimit:${kind}`,
      points,
      duration,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix: kind, points, duration }),
    });
  const perOfficial = limiter('official', config.perOfficial);
  const perAddress = limiter('address', config.perAddress);

  return {
    async consume(caller, address) {
      const [budget, key, who] =
        caller.kind === 'official'
          ? [perOfficial, caller.officialId, 'this official']
          : [perAddress, address ?? 'unknown', 'this address'];
      try {
        await budget.consume(key);
      } catch (outcome) {
        if (!(outcome instanceof RateLimiterRes)) {
          logger.warn({ err: outcome }, 'rate limits: not counted');
          return;
        }
        const seconds = Math.max(1, Math.ceil(outcome.msBeforeNext / 1000));
        const limit = caller.kind === 'official' ? config.perOfficial : config.perAddress;
        throw new GraphQLError(
          `Too many requests from ${who}: at most ${limit} every ${duration} s. Retry in ${seconds} s.`,
          {
            extensions: {
              code: ErrorCode.RATE_LIMITED,
              retryAfter: seconds,
              http: { status: 429, headers: new HeaderMap([['retry-after', String(seconds)]]) },
            },
          },
        );
      }
    },
    async close() {
      redis.disconnect();
    },
  };
}
