import { expect, test } from '@playwright/test'
import { startServer, type RunningServer } from '../../scripts/lib/stack.mjs'
import { openPage } from '../harness/open-page'

// A company's server (docs/api-accounts.md, "Who may come in"): with NUXT_GUESTS=off and
// NUXT_SIGNUPS=closed the login page offers neither a guest sign-in nor a new account,
// and the register page says sign-up is closed, before the person types anything.
let server: RunningServer

test.beforeAll(async () => {
  server = await startServer({ mongoUri: process.env.PARLEY_TEST_MONGO_URI!, env: { NUXT_GUESTS: 'off', NUXT_SIGNUPS: 'closed' } })
})
test.afterAll(async () => {
  await server?.stop()
})

test('the login page has no guest form and no "Create an account" when the server turned them off', async ({ browser }) => {
  const context = await browser.newContext({ baseURL: server.baseUrl })
  const page = await context.newPage()
  try {
    await openPage(page, '/login')
    await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible()
    await expect(page.getByRole('link', { name: 'Forgot your password?' })).toBeVisible()
    await expect(page.getByRole('button', { name: 'Continue as guest' })).toHaveCount(0)
    await expect(page.getByRole('link', { name: 'Create an account' })).toHaveCount(0)

    await openPage(page, '/register')
    await expect(page.getByText('Sign-up is closed on this server: ask an admin for an account.')).toBeVisible()
  }
  finally {
    await context.close()
  }
})
