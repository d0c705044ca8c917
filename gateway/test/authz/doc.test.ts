import { readFileSync } from 'node:fs';
import { DOC_PATH, normalize, renderAuthorizationDoc } from './render';

it('docs/authorization.md is the table in matrix.ts (run `pnpm exec tsx gateway/test/authz/render.ts`)', () => {
  expect(normalize(readFileSync(DOC_PATH, 'utf8'))).toBe(normalize(renderAuthorizationDoc()));
});
