import { readFileSync } from 'node:fs';
import { composeSupergraph, SUPERGRAPH_PATH } from '../src';

describe('gateway/supergraph.graphql', () => {
  it("is what the subgraphs' schemas compose to (run `pnpm compose` when this fails)", () => {
    expect(readFileSync(SUPERGRAPH_PATH, 'utf8')).toBe(composeSupergraph());
  });
});
