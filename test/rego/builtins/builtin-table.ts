// Runs a YAML behaviour table of builtin calls straight through the registry (no parser or evaluator involved).
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { BUILTINS, BuiltinError, type BuiltinContext } from '../../../service/src/rego/builtins/index.js';
import { canonicalJson, compareValues, makeObject, normalizeInt, RegoObject, RegoSet, type Value } from '../../../service/src/rego/value.js';

/**
 * One row: `builtin`, `args`, and exactly one of `want` (a value), `undefined: true`, or
 * `error` ({code, message}). Relations list every result under `want`.
 * Values are YAML with integers read exactly, `{$set: [...]}` for sets and
 * `{$object: [[k, v], ...]}` for objects with non-string keys.
 */
interface Row {
  note?: string;
  builtin: string;
  args: unknown[];
  want?: unknown;
  undefined?: boolean;
  error?: { code: string; message: string };
}

function decode(x: unknown): Value {
  if (typeof x === 'bigint') return normalizeInt(x);
  if (x === null || typeof x !== 'object') return x as Value;
  if (Array.isArray(x)) return x.map(decode);
  const o = x as Record<string, unknown>;
  if (Array.isArray(o.$set)) return new RegoSet(o.$set.map(decode));
  if (Array.isArray(o.$object)) return new RegoObject((o.$object as unknown[][]).map(([k, v]) => [decode(k), decode(v)]));
  return makeObject(Object.entries(o).map(([k, v]) => [k, decode(v)]));
}

const ctx: BuiltinContext = { nowNs: 0n, print: () => undefined, cache: new Map(), charge: () => undefined };

function sameNumberKind(a: Value, b: Value): boolean {
  // Exact integers beyond the safe range must stay bigints; everything else is a JS number.
  return typeof a === typeof b || (typeof a !== 'bigint' && typeof b !== 'bigint');
}

/** Registers one test per row of the table file next to the caller. */
export function runBuiltinTable(tableUrl: URL): void {
  const rows = parse(readFileSync(tableUrl, 'utf8'), { intAsBigInt: true }) as Row[];
  for (const row of rows) {
    const label = `${row.builtin}(${row.args.map((a) => canonicalJson(decode(a))).join(', ')})${row.note ? ` — ${row.note}` : ''}`;
    test(label, () => {
      const decl = BUILTINS.get(row.builtin);
      assert.ok(decl, `builtin ${row.builtin} is registered`);
      const call = (): Value | undefined => decl.impl(row.args.map(decode), ctx);
      if (row.error) {
        assert.throws(call, (e: unknown) => {
          assert.ok(e instanceof BuiltinError, `expected a BuiltinError, got ${String(e)}`);
          assert.equal(e.code, row.error?.code);
          assert.equal(e.message, row.error?.message);
          return true;
        });
        return;
      }
      const got = call();
      if (row.undefined) {
        assert.equal(got, undefined);
        return;
      }
      assert.notEqual(got, undefined, 'result is defined');
      const want = decode(row.want);
      assert.equal(canonicalJson(got as Value), canonicalJson(want));
      assert.equal(compareValues(got as Value, want), 0);
      assert.ok(sameNumberKind(got as Value, want), `number kind: got ${typeof got}, want ${typeof want}`);
    });
  }
}
