// The reference pages must cover the code: every configuration key of the schema and every
// environment variable in docs/configuration.md, every problem code in docs/http-api.md's table
// (a new key or code without documentation fails here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { configSchema, ENV_VARIABLES } from '../../service/src/config/index.js';
import { PROBLEMS } from '../../service/src/http/problems.js';

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const CONFIGURATION = read('docs/configuration.md');
const HTTP_API = read('docs/http-api.md');

type Schema = {
  type?: string;
  properties?: Record<string, Schema | boolean>;
  additionalProperties?: unknown;
  allOf?: { then?: Schema }[];
  items?: Schema;
};

/** A closed object's keys, including those a conditional branch (`allOf[].then`) allows. */
function keysOf(schema: Schema): [string, Schema][] {
  const all = { ...schema.properties };
  for (const branch of schema.allOf ?? []) Object.assign(all, branch.then?.properties);
  return Object.entries(all).filter((entry): entry is [string, Schema] => typeof entry[1] === 'object');
}

/** A structure of the configuration: a closed object (its keys are configuration, not free data). */
function isStructure(schema: Schema | undefined): boolean {
  return schema !== undefined && schema.type === 'object' && (schema.additionalProperties === false || schema.allOf !== undefined) && keysOf(schema).length > 0;
}

/** Every key path that holds a value: `http.port`, `issuers[].jwks_uri`, `decision_logs.sinks[].max_bytes`. */
function leaves(schema: Schema, path: string): string[] {
  if (isStructure(schema)) return keysOf(schema).flatMap(([k, v]) => leaves(v, path === '' ? k : `${path}.${k}`));
  if (schema.type === 'array' && schema.items !== undefined && isStructure(schema.items)) return leaves(schema.items, `${path}[]`);
  return [path];
}

/** The rows of the reference table: the first cell of each line starting with "| `". */
function referenceRows(page: string): Set<string> {
  return new Set([...page.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!));
}

/** The text of one `## ` section of a page. */
function section(page: string, title: string): string {
  const start = page.indexOf(`\n## ${title}\n`);
  assert.ok(start >= 0, `no "## ${title}" section`);
  const end = page.indexOf('\n## ', start + 1);
  return page.slice(start, end < 0 ? undefined : end);
}

test('every configuration key has its row in the configuration reference', () => {
  const keys = leaves(configSchema as unknown as Schema, '');
  assert.ok(keys.length > 100, `found ${keys.length} keys: the walk should see the whole schema`);
  assert.ok(keys.includes('oauth.rate_limits.login.window_seconds') && keys.includes('decision_logs.sinks[].max_files'));
  const rows = referenceRows(section(CONFIGURATION, 'Reference'));
  assert.deepEqual(keys.filter((k) => !rows.has(k)), []);
});

test('every environment variable is in the quick forms table', () => {
  const rows = section(CONFIGURATION, 'Environment quick forms');
  const missing = Object.keys(ENV_VARIABLES).filter((name) => !rows.includes(`\`${name}\``));
  assert.deepEqual(missing, []);
});

test('every problem code is in the problem table with its status', () => {
  const table = section(HTTP_API, 'Problems');
  const missing = Object.entries(PROBLEMS)
    .filter(([code, { status }]) => !new RegExp(`^\\| ${status} \\| [^|]*\`${code}\``, 'm').test(table))
    .map(([code, { status }]) => `${status} ${code}`);
  assert.deepEqual(missing, []);
});
