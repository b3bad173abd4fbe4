// A bundle's files as a loaded policy: manifest, roots, data placement; the table is read-bundle.cases.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BundleError, loadBundleArchive } from '../../service/src/bundles/index.js';
import { tarGz } from './helpers.js';

interface Case { name: string; files: Record<string, string>; data?: unknown; error?: string }
const CASES = JSON.parse(readFileSync(new URL('./read-bundle.cases.json', import.meta.url), 'utf8')) as Case[];

for (const c of CASES) {
  test(c.name, async () => {
    const load = loadBundleArchive(tarGz(c.files), { required: false, keys: [] });
    if (c.error === undefined) {
      assert.deepEqual((await load).data, c.data);
      return;
    }
    await assert.rejects(load, (e: unknown) => e instanceof BundleError && e.code === 'bundle_invalid' && e.message.includes(c.error!));
  });
}

test('the revision is the content hash (the manifest revision is kept beside it) and ignores the signature file', async () => {
  const files = { '.manifest': '{"revision":"v1"}', 'p.rego': 'package p\n' };
  const a = await loadBundleArchive(tarGz(files), { required: false, keys: [] });
  const b = await loadBundleArchive(tarGz({ ...files, '.signatures.json': '{"signatures":[]}' }), { required: false, keys: [] });
  const c = await loadBundleArchive(tarGz({ ...files, 'p.rego': 'package p\n\nx := 1\n' }), { required: false, keys: [] });
  assert.match(a.revision, /^[0-9a-f]{64}$/);
  assert.equal(a.revision, b.revision);
  assert.notEqual(a.revision, c.revision);
  assert.deepEqual(a.bundle, { revision: 'v1', roots: [''], signed: false });
});
