import { expect, test, type Page } from '@playwright/test'
import { Types } from 'mongoose'
import { startServer, type RunningServer } from '../../scripts/lib/stack.mjs'
import { TEST_PASSWORD } from '../harness/api-client'
import { connectDatabase } from '../harness/db'
import { openPage } from '../harness/open-page'
import { closeAll, signUpPerson } from './chat-helpers'

// A person with a passkey, in Chromium with its virtual authenticator (the DevTools
// protocol's WebAuthn domain: a platform authenticator that keeps passkeys and verifies
// its user): add one in the settings, sign out, sign in with it, see how the session
// signed in, remove it, and find that it signs in no more (docs/security.md, "Passkeys").
//
// A passkey belongs to a host name (browsers refuse an IP address as its relying party),
// so this file runs an instance of its own whose NUXT_PUBLIC_APP_URL is
// http://localhost:<port>, on the shared test database.
let server: RunningServer

test.beforeAll(async () => {
  server = await startServer({ mongoUri: process.env.PARLEY_TEST_MONGO_URI!, appHost: 'localhost' })
})
test.afterAll(async () => {
  await server?.stop()
})

type Credential = { credentialId: string, isResidentCredential: boolean, rpId?: string, privateKey: string, userHandle?: string, signCount: number }

/**
 * The device's authenticator: keeps passkeys, verifies its user, answers at once. With it
 * on, Chromium also answers the login page's autofill offer (conditional UI) at once, as a
 * person picking the passkey from the username field's list does; `away()` and `back()`
 * take the device out and bring it back with its passkeys (a phone out of reach).
 */
async function addPlatformAuthenticator(page: Page) {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('WebAuthn.enable', { enableUI: false })
  const options = { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true } as const
  let { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', { options })
  const credentials = async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials as Credential[]
  let kept: Credential[] = []
  return {
    credentials,
    async away() {
      kept = await credentials()
      await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId })
    },
    async back() {
      ;({ authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', { options }))
      for (const credential of kept) await cdp.send('WebAuthn.addCredential', { authenticatorId, credential })
    },
  }
}

async function logOut(page: Page) {
  await openPage(page, '/settings')
  await page.getByRole('button', { name: 'Log out' }).click()
  await expect(page).toHaveURL(/\/login/)
}

async function expectSignedInWithPasskey(page: Page) {
  await expect(page).not.toHaveURL(/\/login/)
  await openPage(page, '/settings')
  await expect(page.getByTestId('session-item').filter({ hasText: 'This device' })).toContainText('passkey')
}

test('a passkey added in the settings signs in without a password, until it is removed', async ({ browser }) => {
  const pia = await signUpPerson(browser, server.appUrl, 'Pia')
  const { page } = pia
  const device = await addPlatformAuthenticator(page)

  await openPage(page, '/settings')
  const passkeys = page.getByTestId('passkeys')
  await passkeys.getByLabel('Name of the new passkey').fill('Work laptop')
  await passkeys.getByRole('button', { name: 'Add a passkey' }).click()
  const item = passkeys.getByTestId('passkey-item')
  await expect(item).toHaveCount(1)
  await expect(item).toContainText('Work laptop')
  await expect(item).toContainText('never used')
  // A discoverable credential: the device remembers the account, no username is needed.
  const [stored] = await device.credentials()
  expect(stored?.isResidentCredential).toBe(true)

  // "Sign in with a passkey": the device is out of reach while the login page offers
  // passkeys in the username field, and at hand when the person presses the button.
  await device.away()
  await logOut(page)
  await expect(page.getByLabel('Username or email')).toHaveAttribute('autocomplete', 'username webauthn')
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click()
  await device.back()
  await expectSignedInWithPasskey(page)
  await expect(item).toContainText('last used')

  // The browser's offer in the username field (conditional UI) signs in with no button.
  await logOut(page)
  await expectSignedInWithPasskey(page)

  // Renamed in place: the name field takes the typing, Enter saves, and the focus stays
  // on the row (its Rename button), not on the page's body.
  await passkeys.getByRole('button', { name: 'Rename passkey Work laptop' }).click()
  const newName = passkeys.getByLabel('Passkey name')
  await expect(newName).toBeFocused()
  await newName.fill('Home laptop')
  await newName.press('Enter')
  await expect(item).toContainText('Home laptop')
  await expect(newName).toHaveCount(0)
  await expect(passkeys.getByRole('button', { name: 'Rename passkey Home laptop' })).toBeFocused()

  // Removing asks first, as the app's other irreversible actions do; Cancel keeps it.
  await passkeys.getByRole('button', { name: 'Remove passkey Home laptop' }).click()
  const confirm = page.getByRole('dialog').filter({ hasText: 'Remove passkey?' })
  await expect(confirm).toContainText('"Home laptop"')
  await confirm.getByRole('button', { name: 'Cancel' }).click()
  await expect(confirm).toBeHidden()
  await expect(item).toHaveCount(1)
  await passkeys.getByRole('button', { name: 'Remove passkey Home laptop' }).click()
  await confirm.getByRole('button', { name: 'Remove', exact: true }).click()
  await expect(item).toHaveCount(0)
  await expect(passkeys).toContainText('No passkeys yet.')
  // The row went: the focus goes to what comes next, the Add button.
  await expect(passkeys.getByRole('button', { name: 'Add a passkey' })).toBeFocused()

  // The device still holds the passkey, but the account no longer knows it: whether the
  // browser's offer or the button brings it, it is refused.
  await logOut(page)
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click()
  await expect(page.getByText('That passkey was not accepted.').first()).toBeVisible()
  await expect(page).toHaveURL(/\/login/)
  // The password still works, typed while the page offers passkeys.
  await page.getByLabel('Username or email').fill(pia.username)
  await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD)
  await page.getByRole('button', { name: 'Log in' }).click()
  await expect(page).not.toHaveURL(/\/login/)
  expect(pia.dialogs).toEqual([])
  await closeAll(pia)
})

test('a session signed in a while ago confirms with a passkey before removing one', async ({ browser }) => {
  const rui = await signUpPerson(browser, server.appUrl, 'Rui')
  const { page } = rui
  await addPlatformAuthenticator(page)
  await openPage(page, '/settings')
  const passkeys = page.getByTestId('passkeys')
  await passkeys.getByLabel('Name of the new passkey').fill('Phone')
  await passkeys.getByRole('button', { name: 'Add a passkey' }).click()
  await expect(passkeys.getByTestId('passkey-item')).toHaveCount(1)

  // The sign-in is 11 minutes old (moved back in the database: no test waits 10 minutes).
  const connection = await connectDatabase(process.env.PARLEY_TEST_MONGO_URI!)
  try {
    const then = new Date(Date.now() - 11 * 60 * 1000)
    await connection.collection('sessions').updateMany({ userId: new Types.ObjectId(rui.id) }, { $set: { authenticatedAt: then, createdAt: then } })
  }
  finally {
    await connection.close()
  }
  await passkeys.getByRole('button', { name: 'Remove passkey Phone' }).click()
  await page.getByRole('dialog').filter({ hasText: 'Remove passkey?' }).getByRole('button', { name: 'Remove', exact: true }).click()
  const dialog = page.getByRole('dialog').filter({ hasText: 'Confirm it is you' })
  await dialog.getByRole('button', { name: 'Use a passkey instead' }).click()
  await expect(dialog).toBeHidden()
  await expect(passkeys.getByTestId('passkey-item')).toHaveCount(0)
  expect(rui.dialogs).toEqual([])
  await closeAll(rui)
})

// On a phone a passkey's name is read whole: it wraps under its buttons' room instead of
// ending in an ellipsis.
test('on a phone a long passkey name is shown whole', async ({ browser }) => {
  const noa = await signUpPerson(browser, server.appUrl, 'Noa', { viewport: { width: 375, height: 740 } })
  const { page } = noa
  await addPlatformAuthenticator(page)
  await openPage(page, '/settings')
  const passkeys = page.getByTestId('passkeys')
  const name = 'Grandmother\'s kitchen tablet'
  await passkeys.getByLabel('Name of the new passkey').fill(name)
  await passkeys.getByRole('button', { name: 'Add a passkey' }).click()
  const title = passkeys.getByTestId('passkey-item').locator('.v-list-item-title')
  await expect(title).toHaveText(name)
  await title.scrollIntoViewIfNeeded()
  expect(await title.evaluate(element => element.scrollWidth <= element.clientWidth + 1)).toBe(true)
  const box = (await title.boundingBox())!
  expect(box.x).toBeGreaterThanOrEqual(0)
  expect(box.x + box.width).toBeLessThanOrEqual(375)
  await closeAll(noa)
})
