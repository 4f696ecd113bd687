import { expect, test } from '@playwright/test'
import { Types } from 'mongoose'
import { uniqueName } from '../harness/api-client'
import { connectDatabase } from '../harness/db'
import { openPage } from '../harness/open-page'
import { closeAll, signUpPerson } from './chat-helpers'

/** The person's sessions signed in 11 minutes ago (no test waits 10 minutes). */
async function ageSessions(userId: string) {
  const connection = await connectDatabase(process.env.PARLEY_TEST_MONGO_URI!)
  try {
    const then = new Date(Date.now() - 11 * 60 * 1000)
    await connection.collection('sessions').updateMany({ userId: new Types.ObjectId(userId) }, { $set: { authenticatedAt: then, createdAt: then } })
  }
  finally {
    await connection.close()
  }
}

// The re-authentication dialog (components/auth/ReauthDialog.vue, docs/security.md): a
// session that signed in 11 minutes ago (moved back in the database: no test waits 10
// minutes) changes its email, is asked for its password, and the change then goes through
// without being made again.
test('a stale session confirms its password in a dialog, and the email change it interrupted goes through', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const { page } = ana
  await ageSessions(ana.id)

  await openPage(page, '/settings')
  const email = `${uniqueName('ana')}@example.test`
  await page.getByRole('textbox', { name: 'Email', exact: true }).fill(email)
  await page.getByRole('button', { name: 'Save email' }).click()

  const dialog = page.getByRole('dialog').filter({ hasText: 'Confirm it is you' })
  await expect(dialog).toBeVisible()
  // Ana has no passkey: none is offered (tests/e2e/passkeys.spec.ts has one offered).
  await expect(dialog.getByRole('button', { name: 'Use a passkey instead' })).toHaveCount(0)
  await dialog.getByLabel('Password', { exact: true }).fill('not my password')
  await dialog.getByRole('button', { name: 'Confirm' }).click()
  await expect(dialog.getByText('Wrong password.')).toBeVisible()
  await dialog.getByLabel('Password', { exact: true }).fill('correct horse battery staple')
  await dialog.getByRole('button', { name: 'Confirm' }).click()

  await expect(dialog).toBeHidden()
  await expect(page.getByText(`We sent a confirmation link to ${email}.`)).toBeVisible()
  await expect(page.getByText('Not confirmed')).toBeVisible()
  expect(ana.dialogs).toEqual([])
  await closeAll(ana)
})

// Cancelling the dialog is the person's choice, not a failure: nothing is told, and the
// change simply did not happen.
test('cancelling the re-authentication dialog shows no error', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const { page } = ana
  await ageSessions(ana.id)
  await openPage(page, '/settings')
  await page.getByRole('textbox', { name: 'Email', exact: true }).fill(`${uniqueName('ana')}@example.test`)
  await page.getByRole('button', { name: 'Save email' }).click()

  const dialog = page.getByRole('dialog').filter({ hasText: 'Confirm it is you' })
  await expect(dialog).toBeVisible()
  await dialog.getByRole('button', { name: 'Cancel' }).click()
  await expect(dialog).toBeHidden()
  // A failure would be in the snackbar as the dialog closes (it goes after 7 s, so a waiting
  // assertion would pass anyway): what the page shows now is what the person sees.
  await expect(page.getByRole('button', { name: 'Save email' })).toBeFocused()
  expect(await page.locator('.v-snackbar').filter({ hasText: /\S/ }).count()).toBe(0)
  expect(await page.getByText(/We sent a confirmation link/).count()).toBe(0)
  await closeAll(ana)
})
