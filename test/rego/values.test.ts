// Value representations and evaluation-state reuse: sets small and large, JSON export, reused query state.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy, RegoError, RegoSet, toJson, type Value } from '../../service/src/rego/index.js';

function policyOf(source: string, data?: Value) {
  return compilePolicy({ modules: [{ path: 'v.rego', source }], data });
}

describe('sets', () => {
  test('elements come out in Rego order whatever the insertion order, without duplicates', () => {
    const s = new RegoSet(['b', 3, 'a', null, true, 3, 'b', -0, 0, 1.5]);
    assert.deepEqual(s.values(), [null, true, -0, 1.5, 3, 'a', 'b']);
    assert.equal(s.size, 7);
    assert.equal(s.has(0), true);
    assert.equal(s.has('c'), false);
  });

  test('a bigint is not the double next to it, as before (map keys differ)', () => {
    const big = 2n ** 60n;
    const s = new RegoSet([2 ** 60]);
    assert.equal(s.has(big), false);
    s.add(big);
    assert.equal(s.size, 2);
    assert.equal(s.has(big), true);
    assert.equal(s.has(2 ** 60), true);
  });

  test('growing past the small size and adding composites keep every element', () => {
    const xs = ['j', 'i', 'h', 'g', 'f', 'e', 'd', 'c', 'b', 'a'];
    const s = new RegoSet();
    for (const x of xs) s.add(x);
    assert.deepEqual(s.values(), [...xs].sort());
    s.add(['x']);
    s.add(['x']);
    assert.equal(s.size, 11);
    assert.equal(s.has('a'), true);
    assert.equal(s.has(['x']), true);
    const mixed = new RegoSet([2, ['y'], 1]);
    assert.deepEqual(mixed.values(), [1, 2, ['y']]);
    assert.equal(mixed.has(1), true);
  });

  test('values() handed out earlier do not change when the set grows', () => {
    const s = new RegoSet(['b']);
    const before = s.values();
    s.add('a');
    s.add('c');
    assert.deepEqual(before, ['b']);
    assert.deepEqual(s.values(), ['a', 'b', 'c']);
  });
});

describe('toJson', () => {
  test('a "__proto__" key stays a member', () => {
    const p = policyOf('package t\no := {"__proto__": {"x": 1}, "a": 2}\nc := {k: 1 | some k in ["__proto__"]}\n');
    const o = toJson(p.evalRef('data.t.o')!) as Record<string, unknown>;
    assert.deepEqual(Object.keys(o), ['__proto__', 'a']);
    assert.equal(JSON.stringify(o), '{"__proto__":{"x":1},"a":2}');
    assert.equal(Object.getPrototypeOf(o), Object.prototype);
    assert.equal(JSON.stringify(toJson(p.evalRef('data.t.c')!)), '{"__proto__":1}');
  });

  test('keys are sorted, sets become sorted arrays', () => {
    const p = policyOf('package t\no := {"b": {"z", "y"}, "a": [input.x]}\n');
    assert.equal(JSON.stringify(toJson(p.evalRef('data.t.o', { input: { x: 1 } })!)), '{"a":[1],"b":["y","z"]}');
  });
});

describe('query state reuse', () => {
  const source = `package t
import rego.v1
kinds := {k | some k in input.kinds}
ok(k) := k in kinds
named(n) := x if x := input.names[n]
answer := {"read": ok("read"), "name": object.get(input, "pick", "none"), "n": named("a")} if true
boom if to_number(input.bad) > 0
`;

  test('nothing memoized for one input shows up for the next', () => {
    const p = policyOf(source);
    const a = p.evalRef('data.t.answer', { input: { kinds: ['read'], pick: 'p1', names: { a: 1 } } });
    const b = p.evalRef('data.t.answer', { input: { kinds: [], names: { a: 2 } } });
    assert.deepEqual(toJson(a!), { n: 1, name: 'p1', read: true });
    assert.deepEqual(toJson(b!), { n: 2, name: 'none', read: false });
  });

  test('an evaluation that fails leaves nothing behind for the next', () => {
    const p = policyOf(source, undefined);
    const strict = { strictBuiltinErrors: true };
    assert.throws(() => p.evalRef('data.t.boom', { input: { bad: 'x' }, ...strict }), (e: unknown) => e instanceof RegoError);
    assert.equal(p.evalRef('data.t.boom', { input: { bad: '2' }, ...strict }), true);
    assert.deepEqual(toJson(p.evalRef('data.t.answer', { input: { kinds: ['read'], names: { a: 3 } } })!), { n: 3, name: 'none', read: true });
  });

  test('a query started from inside another (through print) gets its own state', () => {
    const p = policyOf('package t\nimport rego.v1\nv := input.v\nw := x if { print("inner"); x := input.v }\n');
    let inner: Value | undefined;
    const outer = p.evalRef('data.t.w', {
      input: { v: 'outer' },
      print: () => {
        inner = p.evalRef('data.t.v', { input: { v: 'inner' } });
      },
    });
    assert.equal(outer, 'outer');
    assert.equal(inner, 'inner');
    assert.equal(p.evalRef('data.t.v', { input: { v: 'after' } }), 'after');
  });
});
