import { GraphQLScalarType } from 'graphql';
import { DateTimeResolver, LocalDateResolver } from 'graphql-scalars';

/**
 * The contract's scalars. `Date` is a calendar date, YYYY-MM-DD, kept as that string from input to
 * database and back (graphql-scalars' LocalDate under the contract's name): turning it into a JS
 * Date would pin it to a time zone and shift it a day for half the world. `DateTime` is an ISO
 * 8601 instant with offset.
 */
export const DateScalar = new GraphQLScalarType({
  ...LocalDateResolver.toConfig(),
  name: 'Date',
  description: 'A calendar date, YYYY-MM-DD (Asia/Ho_Chi_Minh).',
});

export const scalarResolvers = { Date: DateScalar, DateTime: DateTimeResolver };
