import { scalarResolvers } from '@eiso/graphql';
import { queryResolvers } from './query';
import { unitResolvers } from './unit';
import { officialResolvers } from './official';

export const orgResolvers = {
  ...scalarResolvers,
  Query: queryResolvers,
  AdministrativeUnit: unitResolvers,
  Official: officialResolvers,
};
