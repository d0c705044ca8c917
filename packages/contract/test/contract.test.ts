/**
 * Every contract operation must validate against the composed supergraph's API schema once the
 * subgraphs it needs are in the graph; the ones still waiting for a subgraph are listed as todo.
 */
import { readFileSync } from 'node:fs';
import { Supergraph } from '@apollo/federation-internals';
import { buildSchema, validate } from 'graphql';
import { SUBGRAPHS, SUPERGRAPH_PATH } from '@eiso/gateway';
import { API_SKETCH_PATH, contractOperations, OPERATION_SUBGRAPHS } from '../src';

const apiSchema = Supergraph.build(readFileSync(SUPERGRAPH_PATH, 'utf8')).apiSchema().toGraphQLJSSchema();
const present = new Set(SUBGRAPHS.map((s) => s.name));
const operations = [...contractOperations().values()];

describe('the contract operations', () => {
  it('are all known, each with the subgraphs it needs', () => {
    expect(operations.map((o) => o.name).sort()).toEqual(Object.keys(OPERATION_SUBGRAPHS).sort());
  });

  it('all validate against the contract API sketch (the copy is intact)', () => {
    const sketch = buildSchema(readFileSync(API_SKETCH_PATH, 'utf8'));
    for (const op of operations) expect([op.name, validate(sketch, op.document)]).toEqual([op.name, []]);
  });

  for (const op of operations) {
    const needs = OPERATION_SUBGRAPHS[op.name] ?? [];
    if (needs.every((name) => present.has(name))) {
      it(`${op.name} validates against the supergraph`, () => {
        expect(validate(apiSchema, op.document).map((e) => e.message)).toEqual([]);
      });
    } else {
      it.todo(`${op.name} (waits for: ${needs.filter((n) => !present.has(n)).join(', ')})`);
    }
  }
});
