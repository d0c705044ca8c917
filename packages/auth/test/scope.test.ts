import fc from 'fast-check';
import { GraphQLError } from 'graphql';
import {
  ANONYMOUS,
  canAct,
  canRead,
  requireAct,
  requireOfficial,
  requireRead,
  type OfficialCaller,
  type Role,
} from '../src';

function officialAt(unitPath: string, roles: Role[] = ['HANDLER']): OfficialCaller {
  return {
    kind: 'official',
    officialId: 'off-1',
    username: 'official',
    unitId: 'unit-1',
    unitCode: unitPath.split('/').filter(Boolean).pop()!,
    unitPath,
    roles,
  };
}

function codeOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    return (error as GraphQLError).extensions.code;
  }
  throw new Error('expected a refusal');
}

const quangNinh = officialAt('/VN/22/');
const viewer = officialAt('/VN/BYT/', ['MINISTRY_VIEWER']);
const admin = officialAt('/VN/BCA/', ['SYSTEM_ADMIN']);

describe('canRead', () => {
  it('covers the caller’s own unit and every unit below it', () => {
    expect(canRead(quangNinh, '/VN/22/')).toBe(true);
    expect(canRead(quangNinh, '/VN/22/193/')).toBe(true);
    expect(canRead(quangNinh, '/VN/22/193/06660/')).toBe(true);
  });

  it('does not cover the parent nor a sibling', () => {
    expect(canRead(quangNinh, '/VN/')).toBe(false);
    expect(canRead(quangNinh, '/VN/24/')).toBe(false);
    expect(canRead(quangNinh, '/VN/24/213/')).toBe(false);
  });

  it('does not let /VN/2/ cover /VN/22/ (a code prefix is not an ancestor)', () => {
    expect(canRead(officialAt('/VN/2/'), '/VN/22/')).toBe(false);
    expect(canRead(officialAt('/VN/22/19/'), '/VN/22/193/')).toBe(false);
  });

  it('lets MINISTRY_VIEWER and SYSTEM_ADMIN read any unit', () => {
    for (const path of ['/VN/', '/VN/22/', '/VN/24/213/07345/', '/VN/BYT/']) {
      expect(canRead(viewer, path)).toBe(true);
      expect(canRead(admin, path)).toBe(true);
    }
  });

  it('never lets the anonymous caller read', () => {
    expect(canRead(ANONYMOUS, '/VN/')).toBe(false);
  });
});

describe('canAct', () => {
  it('needs one of the given roles and the unit inside the caller’s subtree', () => {
    expect(canAct(quangNinh, '/VN/22/193/', ['HANDLER', 'LEADER'])).toBe(true);
    expect(canAct(quangNinh, '/VN/22/193/', ['LEADER'])).toBe(false);
    expect(canAct(quangNinh, '/VN/24/', ['HANDLER'])).toBe(false);
    expect(canAct(quangNinh, '/VN/', ['HANDLER'])).toBe(false);
    expect(canAct(officialAt('/VN/2/'), '/VN/22/', ['HANDLER'])).toBe(false);
  });

  it('does not let MINISTRY_VIEWER act, even in its own unit', () => {
    expect(canAct(viewer, '/VN/22/', ['HANDLER'])).toBe(false);
    expect(canAct(viewer, '/VN/BYT/', ['HANDLER', 'LEADER', 'UNIT_ADMIN'])).toBe(false);
  });

  it('lets SYSTEM_ADMIN act anywhere, whatever roles the action needs', () => {
    expect(canAct(admin, '/VN/22/193/', ['HANDLER'])).toBe(true);
    expect(canAct(admin, '/VN/', ['UNIT_ADMIN'])).toBe(true);
  });

  it('never lets the anonymous caller act', () => {
    expect(canAct(ANONYMOUS, '/VN/', ['HANDLER'])).toBe(false);
  });
});

describe('requireOfficial / requireRead / requireAct', () => {
  it('return the official when allowed', () => {
    expect(requireOfficial(quangNinh)).toBe(quangNinh);
    expect(requireRead(quangNinh, '/VN/22/193/')).toBe(quangNinh);
    expect(requireAct(quangNinh, '/VN/22/193/', ['HANDLER'])).toBe(quangNinh);
  });

  it('refuse the anonymous caller with UNAUTHENTICATED', () => {
    expect(codeOf(() => requireOfficial(ANONYMOUS))).toBe('UNAUTHENTICATED');
    expect(codeOf(() => requireRead(ANONYMOUS, '/VN/22/'))).toBe('UNAUTHENTICATED');
    expect(codeOf(() => requireAct(ANONYMOUS, '/VN/22/', ['HANDLER']))).toBe('UNAUTHENTICATED');
  });

  it('refuse an official outside their scope with FORBIDDEN', () => {
    expect(codeOf(() => requireRead(quangNinh, '/VN/24/'))).toBe('FORBIDDEN');
    expect(codeOf(() => requireAct(quangNinh, '/VN/24/', ['HANDLER']))).toBe('FORBIDDEN');
    expect(codeOf(() => requireAct(quangNinh, '/VN/22/', ['LEADER']))).toBe('FORBIDDEN');
    expect(codeOf(() => requireAct(viewer, '/VN/22/', ['HANDLER']))).toBe('FORBIDDEN');
  });
});

describe('scope over random unit trees', () => {
  // Few, overlapping codes, so that siblings like 2 / 22 / 2.2 and repeated codes at other depths are common.
  const code = fc.constantFrom('1', '2', '22', '2.2', '2-2', 'A', 'AB', 'a');
  const codes = fc.array(code, { minLength: 1, maxLength: 5 });
  const pathOf = (cs: string[]) => `/${cs.join('/')}/`;
  const isAncestorOrSelf = (ancestor: string[], unit: string[]) =>
    ancestor.length <= unit.length && ancestor.every((c, i) => unit[i] === c);
  const localRoles = fc.subarray<Role>([
    'RECEIVER',
    'HANDLER',
    'LEADER',
    'ISO_SECRETARY',
    'AUDITOR',
    'UNIT_ADMIN',
  ]);

  it('canRead(caller at P, unit at Q) holds exactly when P is Q or an ancestor of Q', () => {
    fc.assert(
      fc.property(codes, codes, localRoles, (p, q, roles) => {
        expect(canRead(officialAt(pathOf(p), roles), pathOf(q))).toBe(isAncestorOrSelf(p, q));
      }),
    );
  });

  it('canAct(caller at P, unit at Q) holds exactly when P covers Q and a role matches', () => {
    fc.assert(
      fc.property(codes, codes, localRoles, localRoles, (p, q, roles, needed) => {
        const expected = isAncestorOrSelf(p, q) && roles.some((r) => needed.includes(r));
        expect(canAct(officialAt(pathOf(p), roles), pathOf(q), needed)).toBe(expected);
      }),
    );
  });
});
