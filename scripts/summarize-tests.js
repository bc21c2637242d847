// Prints the final summary of `npm test` from the reports in test-output/:
// the static checks, Jest's JSON and Playwright's JSON. A report that is
// missing counts as a failure, so a runner that crashed cannot pass.
// Exit code: 0 only when nothing failed.
const fs = require('node:fs');
const path = require('node:path');

const out = process.argv[2];
const readJson = file => {
  try {
    return JSON.parse(fs.readFileSync(path.join(out, file), 'utf8'));
  } catch {
    return undefined;
  }
};

const checks = fs
  .readFileSync(path.join(out, 'checks.tsv'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map(line => line.split('\t'));
const failedChecks = checks.filter(([, result]) => result !== 'passed');

const jest = readJson('jest.json');
const jestCounts = jest
  ? {
      passed: jest.numPassedTests,
      failed: jest.numFailedTests + (jest.numRuntimeErrorTestSuites ?? 0),
      skipped: jest.numPendingTests + jest.numTodoTests,
    }
  : { passed: 0, failed: 1, skipped: 0 };

const playwright = readJson('playwright.json');
const browserCounts = playwright
  ? {
      passed: playwright.stats.expected + playwright.stats.flaky,
      failed: playwright.stats.unexpected + (playwright.errors?.length ?? 0),
      skipped: playwright.stats.skipped,
    }
  : { passed: 0, failed: 1, skipped: 0 };

for (const [name, result] of checks) {
  console.log(`${result === 'passed' ? 'ok  ' : 'FAIL'}  ${name}`);
}
console.log(
  `${jest ? '' : 'FAIL  no Jest report (the runner crashed)\n'}` +
    `jest:    ${jestCounts.passed} passed, ${jestCounts.failed} failed, ${jestCounts.skipped} skipped`,
);
console.log(
  `${
    playwright
      ? ''
      : 'FAIL  no Playwright report (the browser tests did not run)\n'
  }` +
    `browser: ${browserCounts.passed} passed, ${browserCounts.failed} failed, ${browserCounts.skipped} skipped`,
);

const passed =
  checks.length -
  failedChecks.length +
  jestCounts.passed +
  browserCounts.passed;
const failed = failedChecks.length + jestCounts.failed + browserCounts.failed;
const skipped = jestCounts.skipped + browserCounts.skipped;
console.log(
  `${passed} passed, ${failed} failed, ${skipped} skipped ` +
    `(${checks.length} checks, ${
      jestCounts.passed + jestCounts.failed
    } unit/integration, ` +
    `${browserCounts.passed + browserCounts.failed} browser)`,
);
process.exitCode = failed === 0 ? 0 : 1;
