import { GraphQLError, GraphQLScalarType } from 'graphql';
import { DateTimeResolver, LocalDateResolver } from 'graphql-scalars';

/**
 * The contract's scalars. `Date` is a calendar date, YYYY-MM-DD, kept as that string from input to
 * database and back (graphql-scalars' LocalDate under the contract's name): turning it into a JS
 * Date would pin it to a time zone and shift it a day for half the world. `DateTime` is an ISO
 * 8601 instant with offset. Both run from year 1 to 9999: PostgreSQL has no year 0, and a year 0
 * left to it would be an internal error rather than BAD_USER_INPUT.
 */
const localDate = LocalDateResolver.toConfig();
const dateTime = DateTimeResolver.toConfig();

function noYearZero<T extends string | Date>(value: T, scalar: string): T {
  const year = typeof value === 'string' ? Number(value.slice(0, 4)) : value.getUTCFullYear();
  if (!(year >= 1 && year <= 9999))
    throw new GraphQLError(`${scalar} runs from year 0001 to 9999`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  return value;
}

export const DateScalar = new GraphQLScalarType({
  ...localDate,
  name: 'Date',
  description: 'A calendar date, YYYY-MM-DD (Asia/Ho_Chi_Minh).',
  parseValue: (value) => noYearZero(localDate.parseValue!(value) as string, 'Date'),
  parseLiteral: (ast, variables) => noYearZero(localDate.parseLiteral!(ast, variables) as string, 'Date'),
});

export const DateTimeScalar = new GraphQLScalarType({
  ...dateTime,
  parseValue: (value) => noYearZero(dateTime.parseValue!(value) as Date, 'DateTime'),
  parseLiteral: (ast, variables) => noYearZero(dateTime.parseLiteral!(ast, variables) as Date, 'DateTime'),
});

export const scalarResolvers = { Date: DateScalar, DateTime: DateTimeScalar };
