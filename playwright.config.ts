import { defineConfig, devices } from '@playwright/test'

// Debian's Chromium: Playwright cannot download its own browsers on these machines.
export const chromiumLaunchOptions = {
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
}

export default defineConfig({
  testDir: 'tests/e2e',
  globalSetup: './tests/harness/playwright-setup.ts',
  fullyParallel: false,
  workers: 1,
  // Two browsers racing a live server on a loaded 2-core machine: a retried pass is
  // reported as flaky in the totals' log, never hidden (see issues 6 and 7 notes).
  retries: 2,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.PARLEY_PLAYWRIGHT_JSON
    ? [['list'], ['json', { outputFile: process.env.PARLEY_PLAYWRIGHT_JSON }]]
    : [['list']],
  use: {
    baseURL: process.env.PARLEY_TEST_BASE_URL,
    trace: 'off',
    screenshot: 'only-on-failure',
    launchOptions: chromiumLaunchOptions,
  },
  projects: [
    { name: 'chromium', use: { ...devices['Desktop Chrome'], launchOptions: chromiumLaunchOptions } },
  ],
})
