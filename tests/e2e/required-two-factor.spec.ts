import { expect, test } from '@playwright/test'
import { Secret, TOTP } from 'otpauth'
import { startServer, type RunningServer } from '../../scripts/lib/stack.mjs'
import { signUp, TEST_PASSWORD } from '../harness/api-client'
import { openPage } from '../harness/open-page'

// NUXT_REQUIRE_2FA in the browser (docs/security.md, "Required two-factor"): on an instance
// that requires it, a person who signs in lands on the setup, cannot leave it for the app,
// and enrols with the code of the key shown, as an authenticator app would compute it.
let server: RunningServer

test.beforeAll(async () => {
  server = await startServer({ mongoUri: process.env.PARLEY_TEST_MONGO_URI!, env: { NUXT_REQUIRE_2FA: 'true' } })
})
test.afterAll(async () => {
  await server?.stop()
})

const appCode = (secret: string) => new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate()

test('a person without two-factor signs in, is held on its setup, enrols, and reaches the chats', async ({ browser }) => {
  const person = await signUp(server.baseUrl, 'req2fa')
  const context = await browser.newContext({ baseURL: server.baseUrl })
  const page = await context.newPage()
  try {
    await openPage(page, '/login')
    await page.getByLabel('Username or email').fill(person.username)
    await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD)
    await page.getByRole('button', { name: 'Log in' }).click()
    await expect(page).toHaveURL(/\/setup-two-factor$/)
    await expect(page.getByText('This server asks every account for a code')).toBeVisible()

    // The app's pages send them back here.
    await openPage(page, '/settings')
    await expect(page).toHaveURL(/\/setup-two-factor$/)

    await page.getByRole('button', { name: 'Set up two-factor authentication' }).click()
    const secret = (await page.getByTestId('two-factor-secret').textContent())!.trim()
    await page.getByLabel('Code from the app').fill(appCode(secret))
    await page.getByRole('button', { name: 'Turn on' }).click()
    await expect(page.getByTestId('recovery-codes').locator('span')).toHaveCount(10)
    await page.getByRole('button', { name: 'Done' }).click()

    await expect(page).toHaveURL(/\/$/)
    await expect(page.getByRole('navigation', { name: 'Chats' })).toBeVisible()

    // Required, it stays on: the settings offer no way to turn it off.
    await openPage(page, '/settings')
    await expect(page.getByText('This server requires it, so it stays on.')).toBeVisible()
    await expect(page.getByRole('button', { name: 'Turn off' })).toHaveCount(0)
  }
  finally {
    await context.close()
  }
})
