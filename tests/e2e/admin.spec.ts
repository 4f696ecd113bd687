import { expect, test, type Page } from '@playwright/test'
import { call, signUp, TEST_PASSWORD, uniqueName } from '../harness/api-client'
import { connectDatabase } from '../harness/db'
import { openPage as open } from '../harness/open-page'
import { closeAll, composer, createChannel, createDirectChat, messageRows, openApp, send, signUpPerson } from './chat-helpers'

/**
 * An administrator signed up in `page`: the first account of the shared test database is
 * whoever signed up first, so each test promotes its own directly in the database
 * (PARLEY_TEST_MONGO_URI).
 */
async function signUpAdmin(page: Page, password?: string) {
  const adminName = uniqueName('admin')
  await signUp(page.request, { username: adminName, ...(password ? { password } : {}) })
  const connection = await connectDatabase(process.env.PARLEY_TEST_MONGO_URI!)
  try {
    await connection.collection('users').updateOne({ usernameLower: adminName.toLowerCase() }, { $set: { role: 'admin' } })
  }
  finally {
    await connection.close()
  }
}

/** Bans `username` from the administration table, through its confirmation. */
async function ban(page: Page, username: string) {
  const row = page.getByTestId('admin-user-row').filter({ hasText: username })
  await row.getByRole('button', { name: `Ban ${username}` }).click()
  const confirmBan = page.getByRole('dialog')
  await confirmBan.getByRole('button', { name: 'Ban', exact: true }).click()
  await expect(confirmBan).toHaveCount(0)
  await expect(row.getByText('banned')).toBeVisible()
}

test('an admin finds a user, bans them (their session ends) and makes someone else admin, whose app shows it at once', async ({ page, browser, baseURL }) => {
  const targetName = uniqueName('target')
  const helperName = uniqueName('helper')
  const password = 'a long enough password'
  const target = await signUp(page.request, { username: targetName, password })
  // The helper has the app open in their own browser.
  const helperContext = await browser.newContext({ baseURL })
  const helperPage = await helperContext.newPage()
  await signUp(helperPage.request, { username: helperName, password })
  await open(helperPage, '/')
  await signUpAdmin(page, password)

  await open(page, '/admin/users')
  await page.getByRole('textbox', { name: 'Search users' }).fill(targetName)
  const row = page.getByTestId('admin-user-row').filter({ hasText: targetName })
  await expect(row).toHaveCount(1)
  // Banning asks first, naming the person and what happens; Cancel changes nothing.
  await row.getByRole('button', { name: `Ban ${targetName}` }).click()
  const confirmBan = page.getByRole('dialog')
  await expect(confirmBan).toContainText(`Ban ${targetName}?`)
  await expect(confirmBan).toContainText('signed out everywhere')
  await confirmBan.getByRole('button', { name: 'Cancel' }).click()
  await expect(confirmBan).toHaveCount(0)
  await expect(row.getByRole('button', { name: `Ban ${targetName}` })).toBeVisible()
  expect((await call(baseURL!, '/api/auth/me', { token: target.token })).status).toBe(200)
  await ban(page, targetName)

  expect((await call(baseURL!, '/api/auth/me', { token: target.token })).status).toBe(401)
  expect((await call(baseURL!, '/api/auth/login', { body: { login: targetName, password } })).status).toBe(403)

  await page.getByRole('textbox', { name: 'Search users' }).fill(helperName)
  const helperRow = page.getByTestId('admin-user-row').filter({ hasText: helperName })
  await helperRow.getByRole('button', { name: `Make ${helperName} admin` }).click()
  await expect(helperRow.getByRole('button', { name: `Remove admin role of ${helperName}` })).toBeVisible()
  // On a phone each row fits the screen: the actions are in view, nothing scrolls sideways.
  await page.setViewportSize({ width: 390, height: 844 })
  await expect(helperRow.getByRole('button', { name: `Ban ${helperName}` })).toBeInViewport({ ratio: 1 })
  expect(await page.getByRole('table', { name: 'Users' }).evaluate(table => table.parentElement!.scrollWidth <= table.parentElement!.clientWidth)).toBe(true)
  await helperPage.getByRole('button', { name: 'Account menu' }).click()
  await expect(helperPage.locator('.v-overlay--active .v-list-item').filter({ hasText: 'Administration' })).toBeVisible()
  await helperContext.close()
})

// `session.revoked` carries why (docs/api-realtime.md): a ban is said as a ban on /login,
// where it stays, and not as a session "ended elsewhere".
test('a person banned while the app is open lands on the login page told their account was suspended', async ({ page, browser, baseURL }) => {
  const tess = await signUpPerson(browser, baseURL, 'Tess')
  await openApp(tess)
  await signUpAdmin(page)

  await open(page, '/admin/users')
  await page.getByRole('textbox', { name: 'Search users' }).fill(tess.username)
  await ban(page, tess.username)

  await expect(tess.page).toHaveURL(/\/login/)
  await expect(tess.page.getByRole('alert').filter({ hasText: 'Your account was suspended by an administrator.' })).toBeVisible()
  await expect(tess.page.getByText('this session was ended elsewhere')).toHaveCount(0)
  await closeAll(tess)
})

// With no app open to hear `session.revoked`, the refresh that finds the session over says
// why (docs/api-accounts.md, "Why a session ended"): the person used to land on a bare login page.
test('a person banned while their app was closed is told on opening it that their account was suspended', async ({ page, browser, baseURL }) => {
  const tess = await signUpPerson(browser, baseURL, 'Tess')
  await openApp(tess)
  await tess.page.close()
  await signUpAdmin(page)
  await open(page, '/admin/users')
  await page.getByRole('textbox', { name: 'Search users' }).fill(tess.username)
  await ban(page, tess.username)

  const later = await tess.context.newPage()
  await open(later, '/')
  await expect(later).toHaveURL(/\/login/)
  await expect(later.getByRole('alert').filter({ hasText: 'Your account was suspended by an administrator.' })).toBeVisible()
  await closeAll(tess)
})

test('a non-admin sees no user administration', async ({ page }) => {
  const { auth } = await signUp(page.request, 'plain')
  test.skip(auth.user.role === 'admin', 'this account happened to be the first of the database')
  await open(page, '/admin/users')
  await expect(page.getByText('Only administrators can manage users.')).toBeVisible()
  await expect(page.getByTestId('admin-user-row')).toHaveCount(0)
})

// A ban is told to the people who write to the banned person, as Slack and Mattermost say
// "deactivated" (docs/ui.md, "Suspended people"): Bob used to write into the void, seeing
// only "last seen 1 minute ago".
test('a person writing to someone just banned is told, before writing, that they cannot read it; an unban takes it back', async ({ page, browser, baseURL }) => {
  const bob = await signUpPerson(browser, baseURL, 'Bob')
  const flood = await signUpPerson(browser, baseURL, 'Flood')
  const chat = await createDirectChat(bob, flood)
  await openApp(bob, `/chats/${chat.id}`)
  const subtitle = bob.page.getByTestId('chat-subtitle')
  await expect(subtitle).toContainText(`@${flood.username}`)
  await expect(subtitle).not.toContainText('suspended')
  const note = bob.page.getByText('is suspended: they cannot read this chat until an admin restores the account.')
  await expect(note).toHaveCount(0)

  await signUpAdmin(page)
  await open(page, '/admin/users')
  await page.getByRole('textbox', { name: 'Search users' }).fill(flood.username)
  await ban(page, flood.username)

  // Bob's open chat follows without a reload: the header and, above the field, why nobody reads it.
  await expect(subtitle).toContainText(`@${flood.username} · suspended`)
  await expect(note).toBeVisible()
  await expect(bob.page.getByTestId('suspended-peer-note')).toHaveText('Flood is suspended: they cannot read this chat until an admin restores the account.')
  // Writing stays possible (the ban may be lifted) and the message is kept.
  await expect(composer(bob.page)).toBeEditable()
  await send(bob.page, 'hello banned X')
  await expect(messageRows(bob.page, 'hello banned X')).toHaveAttribute('data-seq', /\d+/)

  const row = page.getByTestId('admin-user-row').filter({ hasText: flood.username })
  await row.getByRole('button', { name: `Unban ${flood.username}` }).click()
  await expect(row.getByRole('button', { name: `Ban ${flood.username}` })).toBeVisible()
  await expect(note).toHaveCount(0)
  await expect(subtitle).not.toContainText('suspended')
  await closeAll(bob, flood)
})

// The lists a person searched (the people directory, the New chat picker, the `@` completion
// in a channel) follow `user.updated` too (docs/ui.md, "Suspended people"): they used to
// show a ban, an unban or a new name only at the next search, so Bob, looking at Flood's
// row, saw an ordinary user just banned, or "suspended" after the unban.
test('the people directory, the New chat picker and the @ completion, open while someone is renamed, banned and unbanned, follow at once', async ({ page, browser, baseURL }) => {
  // Five pages in four browser contexts.
  test.setTimeout(150_000)
  const bob = await signUpPerson(browser, baseURL, 'Bob')
  const flood = await signUpPerson(browser, baseURL, 'Flood')
  // They share a channel: Bob hears what changes about Flood (docs/api-realtime.md).
  const channel = await createChannel(bob, uniqueName('crew'), [flood])

  await openApp(bob, `/people?q=${flood.username}`)
  const directoryRow = bob.page.getByRole('list', { name: 'People' }).getByRole('listitem').filter({ hasText: `@${flood.username}` })
  await expect(directoryRow).toContainText('Flood')
  await expect(directoryRow.getByText('suspended', { exact: true })).toHaveCount(0)

  const pickerPage = await bob.context.newPage()
  await open(pickerPage, '/')
  await pickerPage.getByRole('button', { name: 'New chat' }).click()
  await pickerPage.getByRole('menuitem', { name: 'New direct message' }).click()
  await pickerPage.getByRole('dialog', { name: 'New direct message' }).getByRole('combobox', { name: 'Person' }).fill(flood.username)
  const pickerOption = pickerPage.getByRole('option').filter({ hasText: `@${flood.username}` })
  await expect(pickerOption).toContainText('Flood')
  await expect(pickerOption).not.toContainText('suspended')

  const channelPage = await bob.context.newPage()
  await open(channelPage, `/chats/${channel.id}`)
  await composer(channelPage).click()
  await composer(channelPage).pressSequentially(`@${flood.username}`)
  const mentionOption = channelPage.getByRole('listbox', { name: 'People to mention' }).getByRole('option')
  await expect(mentionOption).toHaveText(`@${flood.username} Flood`)

  await signUpAdmin(page)
  await open(page, '/admin/users')
  await page.getByRole('textbox', { name: 'Search users' }).fill(flood.username)
  await ban(page, flood.username)
  await expect(directoryRow.getByText('suspended', { exact: true })).toBeVisible()
  await expect(pickerOption).toContainText(`@${flood.username} · suspended`)
  await expect(mentionOption).toHaveText(`@${flood.username} Flood · suspended`)

  const adminRow = page.getByTestId('admin-user-row').filter({ hasText: flood.username })
  await adminRow.getByRole('button', { name: `Unban ${flood.username}` }).click()
  await expect(adminRow.getByRole('button', { name: `Ban ${flood.username}` })).toBeVisible()
  await expect(directoryRow.getByText('suspended', { exact: true })).toHaveCount(0)
  await expect(pickerOption).not.toContainText('suspended')
  await expect(mentionOption).toHaveText(`@${flood.username} Flood`)

  // A new display name (Flood, restored, signs in again) replaces the old in every open list.
  const login = await flood.context.request.post('/api/auth/login', { data: { login: flood.username, password: TEST_PASSWORD } })
  expect(login.status()).toBe(200)
  expect((await flood.context.request.patch('/api/users/me', { data: { displayName: 'Flo Renamed' } })).status()).toBe(200)
  await expect(directoryRow).toContainText('Flo Renamed')
  await expect(pickerOption).toContainText('Flo Renamed')
  await expect(mentionOption).toHaveText(`@${flood.username} Flo Renamed`)
  await closeAll(bob, flood)
})
