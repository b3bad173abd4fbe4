// `npm run conformance [-- --update] [-- --verbose]`: runs OPA's compliance cases, prints per-folder
// counts and `N passed, M failed`; --update rewrites the checked-in list of passing cases,
// --verbose first lists each failing case with its reason.
import { conformanceDir, conformanceDirExists, runSuite } from './runner.js';
import { writePassing } from './ratchet.js';

const args = process.argv.slice(2);
const update = args.includes('--update');
const dir = conformanceDir();
if (!conformanceDirExists(dir)) {
  console.log(`conformance: folder ${dir} not found (set OPA_CONFORMANCE_DIR); nothing run`);
  process.exit(process.env.CI === 'true' ? 1 : 0);
}

const report = runSuite(dir);
if (args.includes('--verbose')) {
  for (const o of report.outcomes) if (!o.passed) console.log(`FAIL ${o.id}: ${o.reason ?? ''}`);
}
for (const f of report.folders) console.log(`${f.folder}: ${f.passed}/${f.total}`);
console.log(`${report.passed} passed, ${report.failed} failed`);
if (update) writePassing(report.outcomes.filter((o) => o.passed).map((o) => o.id));
