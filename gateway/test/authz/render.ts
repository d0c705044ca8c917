/**
 * docs/authorization.md from the table in matrix.ts. `pnpm exec tsx gateway/test/authz/render.ts`
 * rewrites it; gateway/test/authz/doc.test.ts fails when it is stale.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { MATRIX, ROLES, SCOPE_LABELS, SCOPES, type Outcome, type Row } from './matrix';

export const DOC_PATH = path.join(__dirname, '..', '..', '..', 'docs', 'authorization.md');

const SHORT: Record<Outcome, string> = {
  ok: 'ok',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  UNAUTHENTICATED: 'UNAUTH',
  null: 'null',
  NOOP: 'noop',
  ITEM_REFUSED: 'item refused',
};

function table(row: Row): string {
  const columns = row.scoped ? SCOPES.map((s) => s) : ['any'];
  const lines = [`| role | ${columns.join(' | ')} |`, `| --- | ${columns.map(() => '---').join(' | ')} |`];
  for (const role of ROLES) {
    const cells = row.scoped
      ? SCOPES.map((s) => SHORT[row.expect(role, s)])
      : [SHORT[row.expect(role, 'own')]];
    lines.push(`| ${role} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** The page's markdown, before Prettier aligns its tables. */
export function renderAuthorizationDoc(): string {
  const parts = [
    '# Authorization: operation × role × scope',
    '',
    '<!-- Generated from gateway/test/authz/matrix.ts by `pnpm exec tsx gateway/test/authz/render.ts`; do not edit by hand. -->',
    '',
    'Every operation of the client contract, and every other field that returns unit data, with the answer',
    'each role gets for an object in each scope. `gateway/test/authz.e2e.test.ts` sends every cell through',
    'the real gateway (two provinces, all five subgraphs) and compares the answer; `docs/security.md`',
    'says how the rules are enforced.',
    '',
    '**Callers.** RECEIVER, HANDLER, LEADER and ISO_SECRETARY are the seeded officials of a district D of',
    'province 22 (`receiver.<D>`…); UNIT_ADMIN is an official of D with that role (none is seeded: the test',
    'adds one); AUDITOR is `auditor.22`, at the province itself; MINISTRY_VIEWER is `viewer.BKHCN`;',
    'SYSTEM_ADMIN is `admin`, at VN.',
    '',
    '**Scopes** (where the object is):',
    '',
    ...SCOPES.map((s) => `- \`${s}\`: ${SCOPE_LABELS[s]}`),
    '',
    'A row marked “any” does not depend on where an object is.',
    '',
    '**Answers.** `ok`: data. `FORBIDDEN`: the roles or the scope do not cover the object (its existence',
    'is no secret: units and the catalog are public). `NOT_FOUND`: an object addressed by id or code outside',
    'the caller’s view, answered exactly as one that does not exist. `UNAUTH`: `UNAUTHENTICATED`, no token',
    'where one is needed. `null`: no data and no error. `noop`: answered, nothing changed (another’s',
    'notification counts 0). `item refused`: the batch answers and reports the item in `errors`.',
    '',
    '## Summary',
    '',
    '| operation or field | subgraph | contract | rule |',
    '| --- | --- | --- | --- |',
    ...MATRIX.map((r) => `| ${r.what} | ${r.subgraph} | ${r.contract ? 'yes' : 'no'} | ${r.rule} |`),
    '',
    '## Fixes and decisions',
    '',
    ...MATRIX.filter((r) => r.note).map((r) => `- **${r.what}**: ${r.note}`),
    '',
  ];
  for (const subgraph of ['org', 'catalog', 'dossier', 'audit', 'notification']) {
    parts.push(`## ${subgraph}`, '');
    for (const row of MATRIX.filter((r) => r.subgraph === subgraph)) {
      parts.push(`### ${row.what}`, '', `${row.rule}.`, '', table(row), '');
    }
  }
  return parts.join('\n');
}

/** The page as Prettier leaves it, less the alignment of table cells: what the staleness test compares. */
export function normalize(markdown: string): string {
  return markdown
    .split('\n')
    .map((line) =>
      line.startsWith('|') ? line.replace(/ *\| */g, '|').replace(/-{3,}/g, '---') : line.trimEnd(),
    )
    .filter((line) => line !== '')
    .join('\n');
}

if (require.main === module) {
  void (async () => {
    const { format, resolveConfig } = await import('prettier');
    const options = (await resolveConfig(DOC_PATH)) ?? {};
    writeFileSync(DOC_PATH, await format(renderAuthorizationDoc(), { ...options, parser: 'markdown' }));
    console.error(`wrote ${path.relative(process.cwd(), DOC_PATH)}`);
  })();
}
