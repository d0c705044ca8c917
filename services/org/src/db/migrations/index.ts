import { CreateOrg1732300000000 } from './1732300000000-create-org';

/** In order. Listed explicitly (no globbing) so that source and compiled runs see the same set. */
export const orgMigrations = [CreateOrg1732300000000];
