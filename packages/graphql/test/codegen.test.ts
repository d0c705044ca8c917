import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const root = path.join(__dirname, '..', '..', '..');

describe('generated resolver types', () => {
  it("match every subgraph's schema.graphql (run `pnpm codegen` when this fails)", async () => {
    // The codegen CLI is ESM-only inside; its own --check compares without writing.
    const cli = path.join(root, 'node_modules', '.bin', 'graphql-codegen');
    const run = promisify(execFile)(cli, ['--config', 'codegen.ts', '--check'], { cwd: root });
    await expect(run).resolves.toBeDefined();
  });
});
