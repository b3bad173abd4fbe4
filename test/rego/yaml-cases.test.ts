// Runs the project's own Rego cases (test/rego/cases/**/*.yaml, OPA's case format): each case is a test.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { listCaseFiles, readCaseFile } from '../conformance/case-file.js';
import { runCase } from '../conformance/runner.js';

const root = fileURLToPath(new URL('./cases', import.meta.url));
const files = listCaseFiles(root);

test('own case files exist', () => {
  assert.ok(files.length > 0, 'no YAML case files under test/rego/cases');
});

for (const file of files) {
  describe(file, () => {
    for (const c of readCaseFile(root, file)) {
      test(c.note, { skip: c.skip }, () => {
        const outcome = runCase(c);
        assert.ok(outcome.passed, `${c.id}\n${outcome.reason ?? ''}`);
      });
    }
  });
}
