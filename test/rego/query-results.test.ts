// Query results (expression values and bindings) checked against OPA's documented answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { compilePolicy } from '../../service/src/rego/index.js';
import type { Value } from '../../service/src/rego/index.js';

interface Table {
  modules: string[];
  cases: { note: string; query: string; results: { values: Value[]; bindings?: Record<string, Value> }[] }[];
}

const table = parseYaml(readFileSync(new URL('./query-results.yaml', import.meta.url), 'utf8')) as Table;
const policy = compilePolicy({ modules: table.modules.map((source, i) => ({ path: `query-results-${i}.rego`, source })) });

for (const c of table.cases) {
  test(`${c.note}: ${c.query}`, () => {
    const got = policy.evalQuery(c.query).map((r) => ({ values: r.expressions, bindings: r.bindings }));
    assert.deepEqual(
      got,
      c.results.map((r) => ({ values: r.values, bindings: r.bindings ?? {} })),
    );
  });
}
