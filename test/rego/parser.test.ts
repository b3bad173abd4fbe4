// Parser: module structure, operator precedence, raw strings, and located parse errors with a caret.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy, parseModule, parseValue, RegoCompileError, RegoSet, formatRegoError } from '../../service/src/rego/index.js';

function evalP(source: string, query = 'data.t.p', input?: unknown): unknown {
  const policy = compilePolicy({ modules: [{ path: 't.rego', source }] });
  return policy.evalRef(query, input === undefined ? {} : { input: input as never });
}

describe('parser', () => {
  test('parses packages, imports, rule kinds and else chains', () => {
    const ast = parseModule(
      'm.rego',
      'package a.b\nimport rego.v1\nimport data.x as y\ndefault p := 1\np := 2 if { true }\nq contains 1\nr[k] := v if { some k, v in {"a": 1} }\nf(x) := 1 if x == 1\nelse := 2\n',
    ) as { pkg: string[]; imports: unknown[]; rules: { kind: string; elses: unknown[] }[] };
    assert.deepEqual(ast.pkg, ['a', 'b']);
    assert.equal(ast.imports.length, 2);
    assert.deepEqual(
      ast.rules.map((r) => r.kind),
      ['complete', 'complete', 'multi', 'complete', 'function'],
    );
    assert.equal(ast.rules[4].elses.length, 1);
  });

  test('operator precedence: * before +, arithmetic before comparison, in lowest', () => {
    assert.equal(evalP('package t\np := 1 + 2 * 3'), 7);
    assert.equal(evalP('package t\np := 1 + 2 == 3'), true);
    assert.equal(evalP('package t\np := 1 + 1 in {2}'), true);
    assert.equal(evalP('package t\np := (1 + 2) * 3'), 9);
  });

  test('raw strings keep backslashes; escapes decode in double quotes', () => {
    assert.equal(evalP('package t\np := `a\\nb`'), 'a\\nb');
    assert.equal(evalP('package t\np := "a\\u0041\\n"'), 'aA\n');
  });

  test('parseValue reads term literals including sets', () => {
    const v = parseValue('{"a": {1, 2}, "b": [null, true, -1.5]}') as Record<string, unknown>;
    assert.ok(v.a instanceof RegoSet);
    assert.deepEqual(v.b, [null, true, -1.5]);
  });

  test('newlines separate expressions; an operator at line end continues', () => {
    assert.equal(evalP('package t\np if {\n  x := 1 +\n    2\n  x == 3\n}'), true);
  });

  test('a parse error has file:line:col, the source line and a caret', () => {
    try {
      compilePolicy({ modules: [{ path: 'bad.rego', source: 'package t\n\np if {\n  x := [1, 2\n}\n' }] });
      assert.fail('expected a parse error');
    } catch (e) {
      assert.ok(e instanceof RegoCompileError);
      assert.equal(e.errors.length, 1);
      const err = e.errors[0];
      assert.equal(err.code, 'rego_parse_error');
      assert.equal(err.location?.file, 'bad.rego');
      assert.equal(err.location?.row, 5);
      const text = formatRegoError(err);
      assert.match(text, /^bad\.rego:5:1: rego_parse_error: /);
      assert.match(text, /\n}\n\^$/);
    }
  });

  test('v0 rule bodies without if are rejected', () => {
    assert.throws(() => parseModule('x.rego', 'package t\np { true }'), (e: unknown) => e instanceof RegoCompileError && e.errors[0].code === 'rego_parse_error');
  });
});
