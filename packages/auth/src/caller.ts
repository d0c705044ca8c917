import { z } from 'zod';

export const ROLES = [
  'RECEIVER',
  'HANDLER',
  'LEADER',
  'ISO_SECRETARY',
  'AUDITOR',
  'UNIT_ADMIN',
  'MINISTRY_VIEWER',
  'SYSTEM_ADMIN',
] as const;
export type Role = (typeof ROLES)[number];

/** A signed-in official, as the gateway verified them: who, in which unit (with its tree path), doing what. */
export interface OfficialCaller {
  kind: 'official';
  officialId: string;
  username: string;
  unitId: string;
  unitCode: string;
  /** Materialized path of the official's unit, e.g. `/VN/22/193/`: their scope is this subtree. */
  unitPath: string;
  roles: Role[];
}
export interface AnonymousCaller {
  kind: 'anonymous';
}
export type Caller = OfficialCaller | AnonymousCaller;

export const ANONYMOUS: AnonymousCaller = Object.freeze({ kind: 'anonymous' });

export const callerSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('official'),
    officialId: z.string().min(1),
    username: z.string().min(1),
    unitId: z.string().min(1),
    unitCode: z.string().min(1),
    unitPath: z.string().regex(/^\/([^/]+\/)+$/),
    roles: z.array(z.enum(ROLES)),
  }),
  z.object({ kind: z.literal('anonymous') }),
]);
