/** Writes gateway/supergraph.graphql from the subgraphs' schemas (`pnpm compose`). */
import { writeFileSync } from 'node:fs';
import { composeSupergraph } from '../src/compose';
import { SUPERGRAPH_PATH } from '../src/subgraphs';

writeFileSync(SUPERGRAPH_PATH, composeSupergraph());
process.stderr.write(`wrote ${SUPERGRAPH_PATH}\n`);
