import { expect, test } from '@playwright/test'
import { Secret, TOTP } from 'otpauth'
import { Types } from 'mongoose'
import { TEST_PASSWORD } from '../harness/api-client'
import { connectDatabase } from '../harness/db'
import { openPage } from '../harness/open-page'
import { closeAll, signInElsewhere, signUpPerson } from './chat-helpers'

// What a person does with an authenticator app: read the key off the settings page, type
// the code the app shows, keep the recovery codes, and sign in again with password + code.
const STEP_MS = 30_000

function appCode(secret: string, offset = 0): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: Date.now() + offset * STEP_MS })
}

test('two-factor is set up from /settings with the code of the key shown, then asked for at sign-in', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const { page } = ana
  await openPage(page, '/settings')

  await page.getByRole('button', { name: 'Set up two-factor authentication' }).click()
  await expect(page.getByTestId('two-factor-qr')).toBeVisible()
  await expect(page.getByLabel('Code from the app')).toBeFocused()
  const secret = (await page.getByTestId('two-factor-secret').textContent())!.trim()
  expect(secret).toMatch(/^[A-Z2-7]+$/)
  // A wrong code is refused and nothing changes.
  const wrong = String((Number(appCode(secret)) + 1) % 1_000_000).padStart(6, '0')
  await page.getByLabel('Code from the app').fill(wrong)
  await page.getByRole('button', { name: 'Turn on' }).click()
  await expect(page.getByText('That code is not right; check the time on your device.')).toBeVisible()
  await page.getByLabel('Code from the app').fill(appCode(secret))
  await page.getByRole('button', { name: 'Turn on' }).click()

  const codes = page.getByTestId('recovery-codes')
  await expect(codes.locator('span')).toHaveCount(10)
  const download = page.waitForEvent('download')
  await page.getByRole('button', { name: 'Download' }).click()
  expect((await download).suggestedFilename()).toBe('parley-recovery-codes.txt')
  await page.getByRole('button', { name: 'Done' }).click()
  await expect(page.getByText('Two-factor authentication is on')).toBeVisible()
  // Turning it off asks for the password first: the focus is there, not in the code field
  // below it, where a password typed at once would show in plain text.
  const twoFactor = page.getByTestId('two-factor')
  await twoFactor.getByRole('button', { name: 'Turn off' }).click()
  await expect(twoFactor.getByLabel('Password', { exact: true })).toBeFocused()
  await twoFactor.getByRole('button', { name: 'Cancel' }).click()

  // Signing in again: the password, then a code (the next step's: the current one is spent).
  await page.context().clearCookies()
  await openPage(page, '/login')
  await page.getByLabel('Username or email').fill(ana.username)
  await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD)
  await page.getByRole('button', { name: 'Log in' }).click()
  await expect(page.getByLabel('Code')).toBeFocused()
  // Away too long for the sign-in (it lasts 5 minutes; here its clock is moved on): the code
  // meets an expired sign-in, and the form goes back to the password, the username kept.
  await expect(page.getByLabel('Code')).toBeVisible()
  const database = await connectDatabase(process.env.PARLEY_TEST_MONGO_URI!)
  await database.collection('loginchallenges').updateMany({ userId: new Types.ObjectId(ana.id) }, { $set: { expiresAt: new Date(0) } })
  await database.close()
  await page.getByLabel('Code').fill(appCode(secret, 1))
  await page.getByRole('button', { name: 'Verify' }).click()
  await expect(page.getByText('This sign-in has expired; enter your password again.')).toBeVisible()
  await expect(page.getByLabel('Username or email')).toHaveValue(ana.username)
  await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD)
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.getByLabel('Code').fill(appCode(secret, 1))
  await page.getByRole('button', { name: 'Verify' }).click()
  await expect(page).not.toHaveURL(/\/login/)
  expect(ana.dialogs).toEqual([])
  await closeAll(ana)
})

test('the fifth wrong code says the account is now locked, and goes back to the password saying so', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const { page, context } = ana
  const setup = await (await context.request.post('/api/auth/2fa/setup')).json() as { secret: string }
  expect((await context.request.post('/api/auth/2fa/enable', { data: { code: appCode(setup.secret) } })).status()).toBe(200)
  await context.clearCookies()

  await openPage(page, '/login')
  await page.getByLabel('Username or email').fill(ana.username)
  await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD)
  await page.getByRole('button', { name: 'Log in' }).click()
  // A code of no step near now: wrong however slow the machine is.
  const wrong = String((Number(appCode(setup.secret, 1)) + 1) % 1_000_000).padStart(6, '0')
  for (let i = 0; i < 4; i++) {
    await page.getByLabel('Code').fill(wrong)
    await page.getByRole('button', { name: 'Verify' }).click()
    await expect(page.getByText('That code is not right.')).toBeVisible()
  }
  const locked = 'Too many wrong passwords or codes: this account is locked for 15 minutes. Resetting the password unlocks it now.'
  await page.getByLabel('Code').fill(wrong)
  await page.getByRole('button', { name: 'Verify' }).click()
  // The sign-in is over: the password step again, with why, and no "not right" left over it.
  await expect(page.getByText(locked)).toBeVisible()
  await expect(page.getByLabel('Code')).toHaveCount(0)
  await expect(page.getByLabel('Username or email')).toHaveValue(ana.username)
  await expect(page.getByText('That code is not right.')).toHaveCount(0)
  // The right password meets the same lockout, in the same words.
  await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD)
  await page.getByRole('button', { name: 'Log in' }).click()
  await expect(page.getByText(locked)).toBeVisible()
  await expect(page.getByLabel('Code')).toHaveCount(0)
  await closeAll(ana)
})

test('two-factor turned on or off on the laptop shows so in the settings open on the phone', async ({ browser, baseURL }) => {
  const laptop = await signUpPerson(browser, baseURL, 'Ana')
  const phone = await signInElsewhere(browser, baseURL, laptop)
  await openPage(laptop.page, '/settings')
  await openPage(phone.page, '/settings')
  await expect(phone.page.getByRole('button', { name: 'Set up two-factor authentication' })).toBeVisible()

  const page = laptop.page
  await page.getByRole('button', { name: 'Set up two-factor authentication' }).click()
  const secret = (await page.getByTestId('two-factor-secret').textContent())!.trim()
  await page.getByLabel('Code from the app').fill(appCode(secret))
  await page.getByRole('button', { name: 'Turn on' }).click()
  await page.getByRole('button', { name: 'Done' }).click()
  await expect(page.getByText('Two-factor authentication is on')).toBeVisible()
  // The phone says so too, without a reload (before: "Protect your account..." and a setup
  // button answering "Two-factor authentication is already on.").
  await expect(phone.page.getByText('Two-factor authentication is on')).toBeVisible()
  await expect(phone.page.getByRole('button', { name: 'Set up two-factor authentication' })).toHaveCount(0)

  const twoFactor = page.getByTestId('two-factor')
  await twoFactor.getByRole('button', { name: 'Turn off' }).click()
  await twoFactor.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD)
  await twoFactor.getByLabel('Authenticator or recovery code').fill(appCode(secret, 1))
  await twoFactor.getByRole('button', { name: 'Turn off' }).click()
  await expect(page.getByText('Two-factor authentication is off.')).toBeVisible()
  await expect(phone.page.getByRole('button', { name: 'Set up two-factor authentication' })).toBeVisible()
  await closeAll(laptop, phone)
})
