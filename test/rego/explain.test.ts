// Explained evaluations: the reference policy's decisions name the clauses (rule and line) that fired
// and the conditions that failed; modes filter the trace; the trace is capped; plain eval is unchanged.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { compilePolicy, explain, formatSteps, type Explanation, type Value } from '../../service/src/rego/index.js';

interface Row {
  name: string;
  input: Record<string, unknown>;
  allow: boolean;
  reasons?: string[];
  required_scopes?: string[];
  fired: string[];
  not_fired: string[];
  failed: string[];
  fails: string[];
}

const ROWS = parse(readFileSync(new URL('./explain.cases.yaml', import.meta.url), 'utf8')) as Row[];
const REFERENCE = new URL('../../policies/mcp/', import.meta.url);

const policy = compilePolicy({
  modules: [{ path: 'policies/mcp/authz.rego', source: readFileSync(new URL('authz.rego', REFERENCE), 'utf8') }],
  data: { mcp: JSON.parse(readFileSync(new URL('data.json', REFERENCE), 'utf8')) as Value },
});

const inputOf = (row: Row): Value => ({ ...row.input, context: { time: '2025-01-06T10:00:00Z' } }) as unknown as Value;

function explained(row: Row, mode: 'fails' | 'full' = 'fails'): { value: Record<string, unknown>; ex: Explanation } {
  const t = policy.explainRef('data.mcp.authz.decision', { input: inputOf(row) });
  assert.equal(t.error, undefined);
  return { value: t.result as Record<string, unknown>, ex: explain(t.trace, mode, 10_000) };
}

describe('explain over the reference policy', () => {
  for (const row of ROWS) {
    test(row.name, () => {
      const { value, ex } = explained(row);
      assert.equal(value.allow, row.allow);
      if (row.reasons) assert.deepEqual(value.reasons, row.reasons);
      if (row.required_scopes) assert.deepEqual([...(value.required_scopes as Iterable<string>)], row.required_scopes);
      const fired = ex.summary.fired.map((c) => `${c.rule}:${c.location.row}`);
      for (const f of row.fired) assert.ok(fired.includes(f), `${f} fired; got ${fired.join(', ')}`);
      for (const f of row.not_fired) assert.ok(!fired.includes(f), `${f} did not fire`);
      const failed = ex.summary.failed.map((c) => `${c.rule}:${c.location.row}@${c.condition?.location.row ?? ''}`);
      for (const f of row.failed) assert.ok(failed.includes(f), `${f} failed; got ${failed.join(', ')}`);
      const fails = ex.steps.filter((s) => s.event === 'fail').map((s) => `${s.rule}:${s.location.row}`);
      for (const f of row.fails) assert.ok(fails.includes(f), `fail step ${f}; got ${fails.join(', ')}`);
      assert.ok(ex.steps.every((s) => s.event === 'fail' || s.event === 'enter'), 'fails mode shows failures and the clauses around them');
      assert.equal(ex.truncated, false);
    });
  }

  test('the traced evaluation decides as the plain one', () => {
    for (const row of ROWS) {
      const plain = policy.evalRef('data.mcp.authz.decision', { input: inputOf(row) });
      assert.deepEqual(explained(row).value, plain);
    }
  });

  test('full mode shows every expression evaluated, with its text, in order and indented', () => {
    const { ex } = explained(ROWS[2], 'full');
    assert.ok(ex.steps.some((s) => s.event === 'eval' && s.text === 'permitted_kind(tool.kind)' && s.location.row === 51));
    const lines = formatSteps(ex.steps);
    assert.equal(lines[0], 'query.rego:1                 Enter data.mcp.authz.decision');
    assert.ok(lines.includes('policies/mcp/authz.rego:51   | | | Fail permitted_kind(tool.kind)'), lines.join('\n'));
  });

  test('an iteration that yields again is a redo', () => {
    const p = compilePolicy({ modules: [{ path: 'r.rego', source: 'package r\nxs contains x if {\n\tsome x in [1, 2, 3]\n\tx > 1\n}\n' }] });
    const t = p.explainRef('data.r.xs');
    const ex = explain(t.trace, 'full', 1000);
    assert.equal(ex.steps.filter((s) => s.event === 'redo' && s.text === 'some x in [1, 2, 3]').length, 2);
    assert.equal(ex.steps.filter((s) => s.event === 'fail' && s.text === 'x > 1').length, 1);
    assert.equal(ex.steps.filter((s) => s.event === 'exit' && s.rule === 'data.r.xs').length, 2);
  });

  test('notes mode keeps print output and the clauses around it', () => {
    const p = compilePolicy({ modules: [{ path: 'n.rego', source: 'package n\nallow if {\n\tprint("checking", input.user)\n\tinput.user == "a"\n}\n' }] });
    const printed: string[] = [];
    const t = p.explainRef('data.n.allow', { input: { user: 'b' }, print: (l) => printed.push(l) });
    const ex = explain(t.trace, 'notes', 1000);
    assert.deepEqual(printed, ['checking b']);
    assert.deepEqual(
      ex.steps.map((s) => [s.event, s.rule, s.message ?? '']),
      [
        ['enter', 'query', ''],
        ['enter', 'data.n.allow', ''],
        ['note', 'data.n.allow', 'checking b'],
      ],
    );
  });

  test('the recording and the returned steps are capped, and say so', () => {
    const row = ROWS[0];
    const t = policy.explainRef('data.mcp.authz.decision', { input: inputOf(row), maxEvents: 10 });
    assert.equal(t.trace.events.length, 10);
    assert.ok(t.trace.dropped > 0);
    assert.equal(explain(t.trace, 'full', 1000).truncated, true);
    const full = policy.explainRef('data.mcp.authz.decision', { input: inputOf(row) });
    const capped = explain(full.trace, 'full', 5);
    assert.equal(capped.steps.length, 5);
    assert.equal(capped.truncated, true);
    assert.ok(capped.total_steps > 5);
  });

  test('an evaluation error comes back with the trace up to it', () => {
    const p = compilePolicy({ modules: [{ path: 'e.rego', source: 'package e\nx := 1 if input.a\nx := 2 if input.a\n' }] });
    const t = p.explainRef('data.e.x', { input: { a: true } });
    assert.equal(t.error?.code, 'eval_conflict_error');
    assert.ok(t.trace.events.some((e) => e.op === 'exit' && e.site.location.row === 2));
  });
});
