// The README's configuration reference must cover every key of the schema and every environment
// variable the service reads (a new key without documentation fails here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { configSchema, ENV_VARIABLES } from '../../service/src/config/index.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

type Schema = { type?: string; properties?: Record<string, Schema>; items?: Schema };

function leaves(schema: Schema, path: string): string[] {
  if (schema.type === 'object' && schema.properties && Object.keys(schema.properties).length > 0) {
    return Object.entries(schema.properties).flatMap(([k, v]) => leaves(v, path === '' ? k : `${path}.${k}`));
  }
  if (schema.type === 'array' && schema.items?.properties) return leaves(schema.items, `${path}[]`);
  return [path];
}

function documented(path: string): boolean {
  if (README.includes(`\`${path}\``)) return true;
  // A parent documented as a group: `a.b.*`, `a.b[]`, `a.{x,y}`.
  const parts = path.split('.');
  for (let i = parts.length - 1; i > 0; i--) {
    const parent = parts.slice(0, i).join('.');
    if (README.includes(`\`${parent}.*\``) || README.includes(`\`${parent}.{`)) return true;
    if (parent.endsWith('[]') && README.includes(`\`${parent}\``)) return true;
  }
  return false;
}

test('every configuration key is in the README reference', () => {
  const missing = leaves(configSchema as unknown as Schema, '').filter((p) => !documented(p));
  assert.deepEqual(missing, []);
});

test('every environment variable is in the README', () => {
  const missing = Object.keys(ENV_VARIABLES).filter((name) => !README.includes(`\`${name}\``));
  assert.deepEqual(missing, []);
});
