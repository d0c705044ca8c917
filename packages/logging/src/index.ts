/**
 * Structured logging (pino). One JSON line per event; a request id travels from the gateway to
 * every subgraph in the `x-request-id` header so one request can be followed across services.
 * Personal data and credentials are redacted by path, never logged.
 */
import { randomUUID } from 'node:crypto';
import pino, { type Logger } from 'pino';

export type { Logger };

export const REQUEST_ID_HEADER = 'x-request-id';

const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-eiso-caller"]',
  'req.headers["x-eiso-signature"]',
  '*.idNumber',
  '*.phone',
  '*.email',
  '*.pin',
  '*.password',
  '*.secret',
  'variables',
  '*.variables',
];

export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  tolerateClosedStdout();
  return pino(
    {
      name: service,
      level,
      base: { service },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    // process.stdout rather than pino's own synchronous writer: when the reader of our output dies
    // (a killed supervisor), that writer retries a broken pipe forever and the process can no
    // longer stop; the stream reports the error once, and logging simply goes nowhere.
    process.stdout,
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
