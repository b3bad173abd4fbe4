// Bundle signatures as OPA specifies them (.signatures.json, one JWS over the files' digests): the
// behaviour table is signature.cases.json; digests of structured files are checked against known values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  BUNDLE_SIGNING_ALGORITHMS, BundleError, fileDigest, loadBundleArchive, readTarGz, signBundle, type BundleSigningOptions, type TarEntry,
} from '../../service/src/bundles/index.js';
import { BUNDLE_KEY_ALGORITHMS } from '../../service/src/config/schema.js';
import { ALLOW_TOOLS_LIST_REGO, ecKeys, rsaKeys, tarGz } from './helpers.js';

interface Case { name: string; tamper: string; required: boolean; expect: string; message?: string }
const CASES = JSON.parse(readFileSync(new URL('./signature.cases.json', import.meta.url), 'utf8')) as Case[];

const ci = rsaKeys();
const other = rsaKeys();
const ec = ecKeys();
const files: Record<string, string> = {
  '.manifest': '{"revision":"r1","roots":["mcp"]}',
  'data.json': '{"mcp":{"open_methods":["tools/list"],"limits":{"a":1,"b":2}}}',
  'mcp/authz.rego': ALLOW_TOOLS_LIST_REGO,
};

function entries(f: Record<string, string>): TarEntry[] {
  return Object.entries(f).map(([name, text]) => ({ name, data: Buffer.from(text) }));
}

async function signed(f: Record<string, string>, options: Partial<BundleSigningOptions> = {}): Promise<Record<string, string>> {
  const sig = await signBundle(entries(f), { privateKey: ci.privatePem, algorithm: 'RS256', keyId: 'ci', ...options });
  return { '.signatures.json': sig.toString(), ...f };
}

async function tampered(kind: string): Promise<Record<string, string>> {
  const good = await signed(files);
  switch (kind) {
    case 'none': return good;
    case 'unsign': return files;
    case 'edit_rego': return { ...good, 'mcp/authz.rego': ALLOW_TOOLS_LIST_REGO.replace('false', 'true') };
    case 'add_file': return { ...good, 'extra.rego': 'package mcp.extra' };
    case 'remove_data': {
      const { 'data.json': _, ...rest } = good;
      return rest;
    }
    case 'reformat_data': return { ...good, 'data.json': '{\n  "mcp": {"limits": {"b": 2, "a": 1}, "open_methods": [ "tools/list" ]}\n}\n' };
    case 'edit_data': return { ...good, 'data.json': '{"mcp":{"open_methods":["tools/call"],"limits":{"a":1,"b":2}}}' };
    case 'other_key': return signed(files, { privateKey: other.privatePem });
    case 'unknown_kid': return signed(files, { keyId: 'stranger' });
    case 'wrong_scope': return signed(files, { scope: 'write' });
    case 'alg_mismatch': return signed(files, { privateKey: ec.privatePem, algorithm: 'ES256' });
    case 'two_signatures': {
      const token = (JSON.parse(good['.signatures.json']!) as { signatures: string[] }).signatures[0];
      return { ...good, '.signatures.json': JSON.stringify({ signatures: [token, token] }) };
    }
    default: throw new Error(`unknown tamper ${kind}`);
  }
}

for (const c of CASES) {
  test(c.name, async () => {
    const archive = tarGz(await tampered(c.tamper));
    const verification = { required: c.required, keys: [{ id: 'ci', algorithm: 'RS256' as const, key: ci.publicPem }] };
    if (c.expect === 'signed' || c.expect === 'unsigned') {
      const loaded = await loadBundleArchive(archive, verification);
      assert.equal(loaded.bundle?.signed, c.expect === 'signed');
      assert.equal(loaded.bundle?.revision, 'r1');
      return;
    }
    await assert.rejects(loadBundleArchive(archive, verification), (e: unknown) => {
      assert.ok(e instanceof BundleError, String(e));
      assert.equal(e.code, c.expect);
      if (c.message) assert.match(e.message, new RegExp(c.message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      return true;
    });
  });
}

test('a signature naming no key verifies with the only configured key', async () => {
  const archive = tarGz(await signed(files, { keyId: undefined }));
  const loaded = await loadBundleArchive(archive, { required: true, keys: [{ id: 'any', algorithm: 'RS256', key: ci.publicPem }] });
  assert.equal(loaded.bundle?.signed, true);
});

test('digests follow OPA: structured files hash their compact, key-sorted JSON with numbers as written', () => {
  const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
  const doc = Buffer.from('{ "b": 1.50, "a": ["<x>", {"d": null, "c": true}], "u": "\\u2028é" }');
  assert.equal(fileDigest('data.json', doc, 'SHA-256'), sha('{"a":["<x>",{"c":true,"d":null}],"b":1.50,"u":"\\u2028é"}'));
  assert.equal(fileDigest('x/data.yaml', Buffer.from('b: 2\na: x\n'), 'SHA-256'), sha('{"a":"x","b":2}'));
  assert.equal(fileDigest('.manifest', Buffer.from('{"roots":[""], "revision":"r"}'), 'SHA-256'), sha('{"revision":"r","roots":[""]}'));
  // Anything else is hashed as its bytes.
  assert.equal(fileDigest('p.rego', Buffer.from(' package p '), 'SHA-256'), sha(' package p '));
  assert.throws(() => fileDigest('p.rego', Buffer.from('x'), 'MD5'), /unsupported hash algorithm "MD5"/);
});

test('the signed payload lists every file but the signatures with SHA-256 digests, the key in header and payload', async () => {
  const archive = tarGz(await signed(files));
  const sig = readTarGz(archive).find((e) => e.name === '.signatures.json')!;
  const token = (JSON.parse(sig.data.toString()) as { signatures: string[] }).signatures[0]!;
  const [h, p] = token.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>);
  assert.deepEqual(h, { alg: 'RS256', kid: 'ci' });
  assert.equal(p!.keyid, 'ci');
  assert.deepEqual((p!.files as Array<{ name: string; algorithm: string }>).map((f) => [f.name, f.algorithm]), [
    ['.manifest', 'SHA-256'], ['data.json', 'SHA-256'], ['mcp/authz.rego', 'SHA-256'],
  ]);
});

test('configuration and verifier accept the same algorithms', () => {
  assert.deepEqual([...BUNDLE_KEY_ALGORITHMS], [...BUNDLE_SIGNING_ALGORITHMS]);
});
