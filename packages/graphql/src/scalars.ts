import { DateResolver, DateTimeResolver } from 'graphql-scalars';

/** The contract's scalars: Date is a calendar date (YYYY-MM-DD), DateTime an ISO 8601 instant with offset. */
export const scalarResolvers = { Date: DateResolver, DateTime: DateTimeResolver };
