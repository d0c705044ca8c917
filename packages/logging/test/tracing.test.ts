/** Trace ids: the traceparent header read strictly, the trace kept across awaits, and on every log line. */
import { Writable } from 'node:stream';
import fc from 'fast-check';
import {
  createLogger,
  currentTraceparent,
  formatTraceparent,
  parseTraceparent,
  runInContext,
  traceContextFrom,
  withLinkedTraces,
} from '../src';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';
const VALID = `00-${TRACE}-${SPAN}-01`;

const hex = (length: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });

describe('parseTraceparent', () => {
  it('reads a version 00 header', () => {
    expect(parseTraceparent(VALID)).toEqual({ traceId: TRACE, spanId: SPAN, traceFlags: 1, isRemote: true });
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-00`)?.traceFlags).toBe(0);
  });

  it('reads a later version by its first four fields, as the specification asks', () => {
    expect(parseTraceparent(`01-${TRACE}-${SPAN}-01-what-comes-next`)?.traceId).toBe(TRACE);
    expect(parseTraceparent(`01-${TRACE}-${SPAN}-01`)?.spanId).toBe(SPAN);
  });

  it.each([
    ['missing', undefined],
    ['not a string', 42],
    ['repeated (an array)', [VALID, VALID]],
    ['repeated (joined by Node)', `${VALID}, ${VALID}`],
    ['empty', ''],
    ['version ff', `ff-${TRACE}-${SPAN}-01`],
    ['version 00 with more fields', `${VALID}-extra`],
    ['upper-case hex', VALID.toUpperCase()],
    ['all-zero trace id', `00-${'0'.repeat(32)}-${SPAN}-01`],
    ['all-zero parent id', `00-${TRACE}-${'0'.repeat(16)}-01`],
    ['short trace id', `00-${TRACE.slice(1)}-${SPAN}-01`],
    ['long parent id', `00-${TRACE}-${SPAN}0-01`],
    ['a later version without a dash after the flags', `01-${TRACE}-${SPAN}-01x`],
    ['non-hex', `00-${TRACE.replace('4', 'g')}-${SPAN}-01`],
    ['kilobytes', `00-${TRACE}-${SPAN}-01-${'a'.repeat(5000)}`],
  ])('ignores a header that is %s', (_what, header) => {
    expect(parseTraceparent(header)).toBeUndefined();
  });

  it('never throws, and accepts only what it could format back', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.anything()), (header) => {
        const parsed = parseTraceparent(header);
        // The ids and flags as sent (the version aside: one header is formatted as 00).
        if (parsed) expect(formatTraceparent(parsed).slice(2)).toBe(String(header).trim().slice(2, 55));
      }),
      { numRuns: 2000 },
    );
  });

  it('reads back every header it formats', () => {
    fc.assert(
      fc.property(hex(32), hex(16), fc.integer({ min: 0, max: 255 }), (traceId, spanId, traceFlags) => {
        fc.pre(/[1-9a-f]/.test(traceId) && /[1-9a-f]/.test(spanId));
        const header = formatTraceparent({ traceId, spanId, traceFlags });
        expect(parseTraceparent(header)).toEqual({ traceId, spanId, traceFlags, isRemote: true });
      }),
    );
  });

  it('refuses headers made of valid parts put together wrongly', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(hex(2), hex(16), hex(32), fc.constant('-'), fc.constant(' ')), { maxLength: 8 }),
        (parts) => {
          const header = parts.join('');
          const parsed = parseTraceparent(header);
          if (parsed) expect(header.trim()).toMatch(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}/);
        },
      ),
    );
  });
});

describe('the trace context', () => {
  it('continues a valid parent with a span id of its own, and starts a trace otherwise', () => {
    const continued = currentTraceparent(traceContextFrom(VALID))!;
    expect(continued).toMatch(new RegExp(`^00-${TRACE}-[0-9a-f]{16}-01$`));
    expect(continued).not.toContain(SPAN);
    for (const bad of [undefined, 'garbage', `00-${TRACE}-${SPAN}-01-x`]) {
      const fresh = parseTraceparent(currentTraceparent(traceContextFrom(bad)));
      expect(fresh?.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(fresh?.traceId).not.toBe(TRACE);
      expect(fresh?.traceFlags).toBe(1);
    }
  });

  it('follows the work across awaits and timers, and ends with it', async () => {
    expect(currentTraceparent()).toBeUndefined();
    const seen = await runInContext(traceContextFrom(VALID), async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      const afterTimer = currentTraceparent();
      await Promise.resolve();
      return [afterTimer, currentTraceparent()];
    });
    expect(parseTraceparent(seen[0])?.traceId).toBe(TRACE);
    expect(seen[1]).toBe(seen[0]);
    expect(currentTraceparent()).toBeUndefined();
  });

  it('keeps concurrent requests apart', async () => {
    const ids = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        runInContext(traceContextFrom(), async () => {
          const mine = currentTraceparent();
          await new Promise((resolve) => setTimeout(resolve, 20 - i));
          return mine === currentTraceparent() ? mine : 'mixed up';
        }),
      ),
    );
    expect(new Set(ids).size).toBe(20);
    expect(ids).not.toContain('mixed up');
  });
});

describe('log lines', () => {
  function capture() {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    return { logger: createLogger('test', 'debug', { destination }), lines };
  }

  it('carry the trace and span ids of the active context, and nothing outside one', async () => {
    const { logger, lines } = capture();
    logger.info('outside');
    const ctx = traceContextFrom(VALID);
    await runInContext(ctx, async () => {
      await Promise.resolve();
      logger.child({ requestId: 'r-12345678' }).info({ n: 1 }, 'inside');
    });
    expect(lines[0]).not.toHaveProperty('trace_id');
    expect(lines[1]).toMatchObject({ trace_id: TRACE, requestId: 'r-12345678', n: 1, msg: 'inside' });
    expect(lines[1].span_id).toBe(parseTraceparent(currentTraceparent(ctx))!.spanId);
  });

  it('list every trace a job works for', () => {
    const { logger, lines } = capture();
    const other = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
    runInContext(withLinkedTraces(traceContextFrom(VALID), [TRACE, other, TRACE]), () => logger.info('job'));
    expect(lines[0]).toMatchObject({ trace_id: TRACE, trace_ids: [TRACE, other] });
  });
});
