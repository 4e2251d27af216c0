// Reads vitest's JSON report and prints the one line CI reads:
// "N passed, N failed[, N skipped]". Exits non-zero on any failure, on a
// failed test run, or when no test ran at all.
import { readFileSync, existsSync } from 'node:fs';

const [reportPath, runStatus] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
if (reportPath && existsSync(reportPath)) {
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  passed = report.numPassedTests ?? 0;
  failed = report.numFailedTests ?? 0;
  skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // A file that fails to load has no tests but must still fail the run.
  for (const file of report.testResults ?? []) {
    if (file.status === 'failed' && (file.assertionResults ?? []).length === 0) failed += 1;
  }
}
if (Number(runStatus) !== 0 && failed === 0) failed = 1;
if (passed + failed === 0) {
  console.log('no tests ran');
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ''));
process.exit(failed === 0 ? 0 : 1);
