import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { createErrorFormatter, errors, type ErrorLogger } from '../src';

/** A logger that keeps what it was given. */
function recordingLogger() {
  const entries: { object: unknown; message?: string }[] = [];
  const logger: ErrorLogger = { error: (object, message) => entries.push({ object, message }) };
  return { logger, entries };
}

/** What Apollo hands to formatError: the formatted error, with a stack trace in development. */
function formattedOf(error: GraphQLError, extra: Record<string, unknown> = {}): GraphQLFormattedError {
  const formatted = error.toJSON();
  return {
    ...formatted,
    extensions: { ...formatted.extensions, stacktrace: ['Error: x', '    at /srv/app.js:1:1'], ...extra },
  };
}

describe('createErrorFormatter', () => {
  it('keeps a contract error with its code, message and field, without the stack trace', () => {
    const { logger, entries } = recordingLogger();
    const format = createErrorFormatter(logger);
    const error = errors.badInput('"first" must be an integer from 0 to 200', 'first');
    const result = format({ ...formattedOf(error), path: ['units'] }, error);
    expect(result).toEqual({
      message: '"first" must be an integer from 0 to 200',
      path: ['units'],
      extensions: { code: 'BAD_USER_INPUT', field: 'first' },
    });
    expect(entries).toEqual([]);
  });

  it('keeps every contract code except INTERNAL_SERVER_ERROR', () => {
    const format = createErrorFormatter(recordingLogger().logger);
    for (const code of [
      'UNAUTHENTICATED',
      'FORBIDDEN',
      'NOT_FOUND',
      'CONFLICT',
      'INVALID_TRANSITION',
      'RATE_LIMITED',
      'QUERY_TOO_COMPLEX',
    ]) {
      const error = new GraphQLError(`a ${code} error`, { extensions: { code } });
      expect(format(formattedOf(error), error)).toEqual({ message: `a ${code} error`, extensions: { code } });
    }
  });

  it('drops a legacy `exception` extension too', () => {
    const format = createErrorFormatter(recordingLogger().logger);
    const error = errors.notFound('No unit 42');
    const result = format(formattedOf(error, { exception: { stacktrace: ['at /srv/x.js'] } }), error);
    expect(result.extensions).toEqual({ code: 'NOT_FOUND' });
  });

  it.each(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED'])('reports %s as BAD_USER_INPUT', (code) => {
    const { logger, entries } = recordingLogger();
    const format = createErrorFormatter(logger);
    const error = new GraphQLError('Cannot query field "password" on type "Official".', {
      extensions: { code },
    });
    const formatted = { ...formattedOf(error), locations: [{ line: 1, column: 3 }] };
    expect(format(formatted, error)).toEqual({
      message: 'Cannot query field "password" on type "Official".',
      locations: [{ line: 1, column: 3 }],
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(entries).toEqual([]);
  });

  describe('an unknown error', () => {
    const secretText =
      'duplicate key value violates unique constraint "official_username_key" at /srv/eiso/services/org/src/db.ts:42';

    it('becomes a fixed INTERNAL_SERVER_ERROR that says nothing of the original', () => {
      const { logger } = recordingLogger();
      const format = createErrorFormatter(logger);
      const original = new Error(secretText);
      const wrapped = new GraphQLError(secretText, { originalError: original, path: ['createOfficial'] });
      const result = format(formattedOf(wrapped, { code: 'INTERNAL_SERVER_ERROR' }), wrapped);
      expect(result).toEqual({
        message: 'Internal server error',
        path: ['createOfficial'],
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      });
      expect(JSON.stringify(result)).not.toMatch(/duplicate key|\/srv\/eiso|official_username_key/);
    });

    it('is logged with the original error', () => {
      const { logger, entries } = recordingLogger();
      const format = createErrorFormatter(logger);
      const original = new Error(secretText);
      const wrapped = new GraphQLError(secretText, { originalError: original, path: ['createOfficial'] });
      format(formattedOf(wrapped), wrapped);
      expect(entries).toHaveLength(1);
      expect(entries[0].object).toEqual({ err: original, path: ['createOfficial'] });
      expect((entries[0].object as { err: unknown }).err).toBe(original);
    });

    it('is hidden whether it has no code or a code outside the contract', () => {
      const format = createErrorFormatter(recordingLogger().logger);
      const plain = new Error(secretText);
      expect(format({ message: secretText }, plain)).toEqual({
        message: 'Internal server error',
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      });
      expect(
        format({ message: secretText, extensions: { code: 'ECONNREFUSED', detail: secretText } }, plain),
      ).toEqual({
        message: 'Internal server error',
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      });
    });
  });
});

describe('variable errors', () => {
  const format = createErrorFormatter({ error: () => undefined });
  const badVariable = (message: string) =>
    format({ message, extensions: { code: 'BAD_USER_INPUT' } }, new Error(message));

  it('name the input field, as rule errors do', () => {
    expect(
      badVariable(
        'Variable "$input" got invalid value "WIZARD" at "input.steps[0].role"; Value "WIZARD" does not exist in "Role" enum.',
      ).extensions,
    ).toEqual({ code: 'BAD_USER_INPUT', field: 'steps.0.role' });
    expect(
      badVariable('Variable "$first" got invalid value "x"; Int cannot represent non-integer value: "x"')
        .extensions,
    ).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'first',
    });
  });

  it('name a missing or unknown field of an input object, not the object', () => {
    expect(
      badVariable(
        'Variable "$input" got invalid value { name: "An" } at "input.applicant"; Field "idNumber" of required type "String!" was not provided.',
      ).extensions,
    ).toEqual({ code: 'BAD_USER_INPUT', field: 'applicant.idNumber' });
    expect(
      badVariable(
        'Variable "$input" got invalid value { priority: "HIGH" }; Field "priority" is not defined by type "ReceiveDossierInput".',
      ).extensions,
    ).toEqual({ code: 'BAD_USER_INPUT', field: 'priority' });
    expect(
      badVariable('Variable "$input" of required type "ReceiveDossierInput!" was not provided.').extensions,
    ).toEqual({ code: 'BAD_USER_INPUT', field: 'input' });
  });

  it('keep a field a resolver already named', () => {
    expect(
      format({ message: 'x', extensions: { code: 'BAD_USER_INPUT', field: 'unitCode' } }, new Error('x'))
        .extensions,
    ).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'unitCode',
    });
  });
});
