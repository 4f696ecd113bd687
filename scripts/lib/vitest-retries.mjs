import { writeFileSync } from 'node:fs'
import { relative } from 'node:path'
import { ROOT } from './stack.mjs'

// A vitest reporter for `npm test` (scripts/test.mjs): vitest's JSON report does not say
// which tests passed only on a retry, so this one writes them, as JSON, to the file
// PARLEY_VITEST_RETRIES names. Retries stay configured only as a net for a loaded machine;
// every test that needed one is named at the end of the run.
export default class RetriedTestsReporter {
  retried = []

  onTestCaseResult(testCase) {
    const retries = testCase.diagnostic()?.retryCount ?? 0
    if (retries === 0) return
    this.retried.push({
      name: `${relative(ROOT, testCase.module.moduleId)} > ${testCase.fullName}`,
      retries,
      passed: testCase.result().state === 'passed',
    })
  }

  onTestRunEnd() {
    const file = process.env.PARLEY_VITEST_RETRIES
    if (file) writeFileSync(file, JSON.stringify(this.retried))
  }
}
