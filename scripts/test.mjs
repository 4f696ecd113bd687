// `npm test`: lint, typecheck, every vitest project and Playwright, against one
// build and one test stack. Ends with exactly one line `N passed, N failed`; just before
// it, every test that needed a retry is named (retries are only a net for a loaded
// machine: a test that needs one is a defect to fix, not a pass to forget).
// Pass-through: `npm test -- --only=vitest` (or lint, typecheck, playwright, docker).
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { ROOT, build, startStack } from './lib/stack.mjs'

const only = process.argv.find(arg => arg.startsWith('--only='))?.slice(7).split(',')
const wants = step => !only || only.includes(step)
const reports = mkdtempSync(join(tmpdir(), 'parley-test-reports-'))
const tally = { passed: 0, failed: 0, skipped: 0 }
const failures = []
/** Tests that needed a retry: `runner: file > name (how)`. */
const retried = []

function run(command, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } })
    child.on('exit', code => resolve(code ?? 1))
  })
}

function count(name, passed, failed, skipped = 0) {
  tally.passed += passed
  tally.failed += failed
  tally.skipped += skipped
  if (failed > 0) failures.push(`${name}: ${failed} failed`)
}

async function check(name, command, args) {
  console.log(`\n── ${name} ──`)
  const code = await run(command, args)
  count(name, code === 0 ? 1 : 0, code === 0 ? 0 : 1)
}

/** Playwright's JSON report: specs whose test ran more than once (flaky, or failed after its retries). */
function retriedPlaywrightTests(report) {
  const found = []
  const testDir = report?.config?.rootDir ?? join(ROOT, 'tests/e2e')
  const walk = (suite, path) => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        const runs = test.results?.length ?? 0
        if (runs > 1) found.push(`${relative(ROOT, join(testDir, spec.file ?? suite.file))} > ${[...path, spec.title].join(' > ')} (${test.status === 'flaky' ? 'passed' : 'failed'} after ${runs - 1} ${runs === 2 ? 'retry' : 'retries'})`)
      }
    }
    for (const child of suite.suites ?? []) walk(child, [...path, child.title])
  }
  for (const suite of report?.suites ?? []) walk(suite, [])
  return found
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  }
  catch {
    return null
  }
}

let stack
try {
  if (wants('lint')) await check('lint', 'npx', ['eslint', '.'])
  if (wants('typecheck')) await check('typecheck', 'npx', ['nuxt', 'typecheck'])

  if (wants('vitest') || wants('playwright')) {
    console.log('\n── build and test stack ──')
    build()
    stack = await startStack({ skipBuild: true })
    const env = { PARLEY_TEST_BASE_URL: stack.baseUrl, PARLEY_TEST_MONGO_URI: stack.mongoUri, PARLEY_TEST_MAILBOX: stack.mailbox }

    if (wants('vitest')) {
      console.log('\n── vitest (unit, server, nuxt) ──')
      const file = join(reports, 'vitest.json')
      const retriesFile = join(reports, 'vitest-retries.json')
      const code = await run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${file}`, '--reporter=./scripts/lib/vitest-retries.mjs'], { ...env, PARLEY_VITEST_RETRIES: retriesFile })
      for (const test of readJson(retriesFile) ?? []) {
        retried.push(`vitest: ${test.name} (${test.passed ? 'passed' : 'failed'} after ${test.retries} ${test.retries === 1 ? 'retry' : 'retries'})`)
      }
      const report = readJson(file)
      if (report) {
        count('vitest', report.numPassedTests, report.numFailedTests + (report.numRuntimeErrorTests ?? 0), report.numPendingTests + report.numTodoTests)
        if (code !== 0 && report.numFailedTests === 0) count('vitest (suite errors)', 0, 1)
      }
      else {
        count('vitest (no report)', 0, 1)
      }
    }

    if (wants('playwright')) {
      console.log('\n── playwright (e2e, Chromium) ──')
      const file = join(reports, 'playwright.json')
      const code = await run('npx', ['playwright', 'test'], { ...env, PARLEY_PLAYWRIGHT_JSON: file })
      const playwrightReport = readJson(file)
      for (const test of retriedPlaywrightTests(playwrightReport)) retried.push(`playwright: ${test}`)
      const stats = playwrightReport?.stats
      if (stats) {
        count('playwright', stats.expected + stats.flaky, stats.unexpected, stats.skipped)
        if (code !== 0 && stats.unexpected === 0) count('playwright (run errors)', 0, 1)
      }
      else {
        count('playwright (no report)', 0, 1)
      }
    }
  }

  // The Dockerfile's steps in a clean copy of the repository (scripts/docker-steps.mjs).
  if (wants('docker')) await check('docker steps', 'node', ['scripts/docker-steps.mjs'])
}
catch (error) {
  console.error(`\n[test] ${error.message}`)
  count('harness', 0, 1)
}
finally {
  await stack?.stop()
  rmSync(reports, { recursive: true, force: true })
}

if (failures.length > 0) console.log(`\nFailed: ${failures.join('; ')}`)
if (tally.skipped > 0) console.log(`(${tally.skipped} skipped)`)
if (retried.length > 0) {
  console.log(`Needed a retry (${retried.length}):`)
  for (const line of retried) console.log(`  ${line}`)
}
console.log(`${tally.passed} passed, ${tally.failed} failed`)
process.exitCode = tally.failed > 0 ? 1 : 0
