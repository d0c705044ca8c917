/**
 * Structured logging (pino). One JSON line per event; a request id travels from the gateway to
 * every subgraph in the `x-request-id` header so one request can be followed across services, and
 * a W3C trace id (tracing.ts) further, into the jobs its events cause: lines carry `trace_id`.
 * Personal data and credentials are redacted by path, never logged.
 */
import { randomUUID } from 'node:crypto';
import pino, { type Logger } from 'pino';
import { enableTraceContext, traceLogFields } from './tracing';

export type { Logger };
export * from './tracing';

export const REQUEST_ID_HEADER = 'x-request-id';

/** Field names that carry personal data or credentials, redacted wherever they sit (up to four levels deep). */
export const SENSITIVE_FIELDS = [
  'idNumber',
  'phone',
  'email',
  'applicant',
  'pin',
  'trackingPin',
  'pinHash',
  'password',
  'secret',
  'secretEncrypted',
  'token',
  'authorization',
  'cookie',
  'variables',
] as const;
const SENSITIVE_HEADERS = ['authorization', 'cookie', 'set-cookie', 'x-eiso-caller', 'x-eiso-signature'];

export const REDACT_PATHS = [
  ...SENSITIVE_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`, `*.*.*.${field}`]),
  ...SENSITIVE_HEADERS.flatMap((h) => [`req.headers["${h}"]`, `headers["${h}"]`, `*.headers["${h}"]`]),
  // A failed SQL statement carries its parameters (an applicant's id number, say) and PostgreSQL's
  // detail ("Key (id_number)=(…) already exists"): the statement's text is enough to look into it.
  'err.parameters',
  'err.detail',
  'err.driverError',
  '*.err.parameters',
  '*.err.detail',
  '*.err.driverError',
];

export interface LoggerOptions {
  /** Where the JSON lines go (tests capture them); process.stdout by default. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(
  service: string,
  level = process.env.LOG_LEVEL ?? 'info',
  options: LoggerOptions = {},
): Logger {
  tolerateClosedStdout();
  enableTraceContext();
  return pino(
    {
      name: service,
      level,
      base: { service },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: serializeError },
      timestamp: pino.stdTimeFunctions.isoTime,
      // `trace_id` and `span_id` of the request or job being handled, on every line (tracing.ts).
      mixin: traceLogFields,
    },
    // process.stdout rather than pino's own synchronous writer: when the reader of our output dies
    // (a killed supervisor), that writer retries a broken pipe forever and the process can no
    // longer stop; the stream reports the error once, and logging simply goes nowhere.
    options.destination ?? process.stdout,
  );
}

/** pino's error serializer, with e-mail addresses and long digit runs scrubbed from message and stack. */
function serializeError(error: unknown): unknown {
  const serialized = pino.stdSerializers.err(error as Error) as unknown as Record<string, unknown>;
  if (!serialized || typeof serialized !== 'object') return serialized;
  for (const key of ['message', 'stack', 'detail'])
    if (typeof serialized[key] === 'string') serialized[key] = scrubPersonalData(serialized[key] as string);
  return serialized;
}

/**
 * Free text (an error message from SMTP, PostgreSQL or a library) may quote an address or a number
 * it was given: e-mail addresses and runs of 9 or more digits (id numbers, phone numbers) are
 * replaced. Ids and codes eiso logs (UUIDs, dossier codes like 22001-250101-0001) are left alone.
 */
export function scrubPersonalData(text: string): string {
  return text
    .replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, '[email]')
    .replace(/(?<![\w-])\+?\d[\d .]{7,}\d(?![\w-])/g, (run) =>
      run.replace(/\D/g, '').length >= 9 ? '[number]' : run,
    );
}

let stdoutGuarded = false;
function tolerateClosedStdout(): void {
  if (stdoutGuarded) return;
  stdoutGuarded = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;

/** Keeps a caller-supplied request id when it looks like one; otherwise makes a fresh one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && REQUEST_ID_PATTERN.test(value) ? value : randomUUID();
}
