/**
 * Trace ids across eiso (W3C Trace Context, carried with the OpenTelemetry API).
 *
 * The gateway takes a client's `traceparent` header or starts a trace; every subgraph fetch sends
 * `traceparent`; a subgraph continues the trace; an outbox event records the `traceparent` of the
 * request that wrote it, and the worker that applies it continues that trace; every pino log line
 * carries `trace_id` and `span_id` whenever a trace is active (createLogger's mixin).
 *
 * What is here, and why not the OpenTelemetry SDK packages:
 * - The active trace lives in an OpenTelemetry `Context`, kept across `await`s by a context manager
 *   on Node's AsyncLocalStorage. `@opentelemetry/api` alone has a no-op context manager; this is
 *   the same idea as `@opentelemetry/context-async-hooks`' AsyncLocalStorageContextManager in a
 *   few lines, without another dependency. If an OpenTelemetry SDK is registered first, its context
 *   manager is kept (the API refuses a second one) and everything here works through it.
 * - No tracer records spans (there is no SDK and no exporter): each process makes its own span id
 *   for the work it does (a request, a job) and puts it in the context as a non-recording span
 *   (`trace.wrapSpanContext`), which is what the API offers for propagation without an SDK. The
 *   ids are there for the logs; a tracing backend can be added later behind the same API.
 * - `traceparent` is parsed here, strictly (version 00, and later versions by their first four
 *   fields as the specification asks): a malformed header is ignored, never an error, and the
 *   request gets a fresh trace. `tracestate` is not carried (the specification allows dropping it).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import {
  context,
  createContextKey,
  ROOT_CONTEXT,
  trace,
  TraceFlags,
  type Context,
  type ContextManager,
  type SpanContext,
} from '@opentelemetry/api';

export const TRACEPARENT_HEADER = 'traceparent';
/** The response header through which the gateway tells a client its trace id (to find the logs). */
export const TRACE_ID_HEADER = 'x-trace-id';

const HEX_TRACE_ID = /^[0-9a-f]{32}$/;
const HEX_SPAN_ID = /^[0-9a-f]{16}$/;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);
/** version-traceId-parentId-flags, all lowercase hex (W3C Trace Context §3.2). */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
/** Longer headers are not looked at (a future version may add fields, not kilobytes). */
const MAX_TRACEPARENT_LENGTH = 256;

/**
 * The span context of a `traceparent` header, or undefined when it is missing or malformed: a
 * repeated header (an array, or values joined by a comma), another length for version 00, version
 * ff, upper-case hex, an all-zero trace or parent id. Never throws.
 */
export function parseTraceparent(header: unknown): SpanContext | undefined {
  if (typeof header !== 'string' || header.length > MAX_TRACEPARENT_LENGTH) return undefined;
  const value = header.trim();
  const match = TRACEPARENT.exec(value);
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match;
  if (version === 'ff') return undefined;
  // Version 00 has exactly four fields; a later version may append fields after a dash.
  if (version === '00' && rest !== undefined) return undefined;
  if (traceId === ZERO_TRACE_ID || spanId === ZERO_SPAN_ID) return undefined;
  return { traceId, spanId, traceFlags: parseInt(flags, 16), isRemote: true };
}

/** The `traceparent` header of a span context (version 00). */
export function formatTraceparent(span: SpanContext): string {
  const flags = (span.traceFlags & 0xff).toString(16).padStart(2, '0');
  return `00-${span.traceId}-${span.spanId}-${flags}`;
}

export function isValidSpanContext(span: SpanContext | undefined): span is SpanContext {
  return (
    span !== undefined &&
    HEX_TRACE_ID.test(span.traceId) &&
    span.traceId !== ZERO_TRACE_ID &&
    HEX_SPAN_ID.test(span.spanId) &&
    span.spanId !== ZERO_SPAN_ID
  );
}

function randomHex(bytes: number): string {
  for (;;) {
    const hex = randomBytes(bytes).toString('hex');
    if (!/^0+$/.test(hex)) return hex;
  }
}

/**
 * A context for a unit of work (a request, a job) in the trace of `parent` — a `traceparent`
 * header or a span context — with a span id of its own; a new, sampled trace when there is no
 * valid parent.
 */
export function traceContextFrom(parent?: unknown, base: Context = ROOT_CONTEXT): Context {
  enableTraceContext();
  const from =
    typeof parent === 'string' ? parseTraceparent(parent) : isSpanContext(parent) ? parent : undefined;
  const span: SpanContext = isValidSpanContext(from)
    ? { traceId: from.traceId, spanId: randomHex(8), traceFlags: from.traceFlags & 0xff }
    : { traceId: randomHex(16), spanId: randomHex(8), traceFlags: TraceFlags.SAMPLED };
  return trace.setSpanContext(base, span);
}

function isSpanContext(value: unknown): value is SpanContext {
  return typeof value === 'object' && value !== null && 'traceId' in value && 'spanId' in value;
}

/** The active span context (a request's, a job's), if any. */
export function activeSpanContext(ctx: Context = context.active()): SpanContext | undefined {
  const span = trace.getSpanContext(ctx);
  return isValidSpanContext(span) ? span : undefined;
}

/** The `traceparent` to send on (or record with an event) from the active context, if any. */
export function currentTraceparent(ctx: Context = context.active()): string | undefined {
  const span = activeSpanContext(ctx);
  return span ? formatTraceparent(span) : undefined;
}

/** Runs `fn` with `ctx` active (its trace in every log line and every traceparent sent). */
export function runInContext<T>(ctx: Context, fn: () => T): T {
  enableTraceContext();
  return context.with(ctx, fn);
}

const LINKED_TRACES = createContextKey('eiso linked trace ids');
/** At most this many trace ids are listed on one log line (a relayed job holds up to 100 events). */
const MAX_LINKED_TRACES = 100;

/**
 * A context that also names other traces the work belongs to: a job applying a run of events
 * written by several requests runs in the first one's trace, and its log lines list every trace
 * (`trace_ids`), so each request's logs lead to the job.
 */
export function withLinkedTraces(ctx: Context, traceIds: readonly string[]): Context {
  const distinct = [...new Set(traceIds)].slice(0, MAX_LINKED_TRACES);
  return distinct.length > 1 ? ctx.setValue(LINKED_TRACES, distinct) : ctx;
}

/**
 * The fields a log line gets from the active context (pino's `mixin`): `trace_id` and `span_id`,
 * and `trace_ids` for work on behalf of several traces. A new object each time (pino merges into it).
 */
export function traceLogFields(): Record<string, unknown> {
  const ctx = context.active();
  const span = trace.getSpanContext(ctx);
  if (!span) return {};
  const linked = ctx.getValue(LINKED_TRACES) as string[] | undefined;
  return linked
    ? { trace_id: span.traceId, span_id: span.spanId, trace_ids: linked }
    : { trace_id: span.traceId, span_id: span.spanId };
}

/** OpenTelemetry's ContextManager on AsyncLocalStorage: the active context follows every await. */
export class AsyncLocalStorageContextManager implements ContextManager {
  private storage = new AsyncLocalStorage<Context>();

  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.storage.run(ctx, () => fn.call(thisArg, ...args) as ReturnType<F>);
  }

  bind<T>(ctx: Context, target: T): T {
    if (typeof target !== 'function') return target;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const manager = this;
    return function (this: unknown, ...args: unknown[]) {
      return manager.with(ctx, () => (target as (...a: unknown[]) => unknown).apply(this, args));
    } as T;
  }

  enable(): this {
    return this;
  }

  disable(): this {
    this.storage.disable();
    this.storage = new AsyncLocalStorage<Context>();
    return this;
  }
}

let enabled = false;
/** Installs the AsyncLocalStorage context manager once per process (kept if one is there already). */
export function enableTraceContext(): void {
  if (enabled) return;
  enabled = true;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager());
}
