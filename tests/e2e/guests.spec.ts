import { expect, test } from '@playwright/test'
import { uniqueName } from '../harness/api-client'
import { closeAll, composer, createChannel, createDirectChat, openApp, signUpPerson, type Person } from './chat-helpers'

// Guests as the people beside them see them (docs/ui.md, "Guests"): marked "guest" where
// people are listed, as Slack and Mattermost do, where only the admin table said so.

/** A guest in their own browser context: no password, a name of their choosing. */
async function guestPerson(browser: Parameters<typeof signUpPerson>[0], baseURL: string | undefined): Promise<Person> {
  const context = await browser.newContext({ baseURL })
  const response = await context.request.post('/api/auth/guest', { data: { username: uniqueName('visitor') } })
  expect(response.status()).toBe(201)
  const { user } = await response.json() as { user: { id: string, username: string, displayName: string } }
  return { ...user, context, page: await context.newPage(), dialogs: [] }
}

test('a guest is marked "guest" in a chat\'s members panel and in the people directory; a teammate is not', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const visitor = await guestPerson(browser, baseURL)
  const channel = await createChannel(ana, uniqueName('lobby'), [ben, visitor])

  await openApp(ana, `/chats/${channel.id}`)
  await ana.page.getByRole('button', { name: 'Members', exact: true }).click()
  const memberRow = (of: Person) => ana.page.getByRole('region', { name: 'Members' }).locator('.v-list-item').filter({ hasText: `@${of.username}` })
  await expect(memberRow(visitor).getByText('guest', { exact: true })).toBeVisible()
  await expect(memberRow(ben)).toBeVisible()
  await expect(memberRow(ben).getByText('guest', { exact: true })).toHaveCount(0)

  await openApp(ana, '/people')
  const people = ana.page.getByRole('list', { name: 'People' }).getByRole('listitem')
  for (const [person, marked] of [[visitor, 1], [ben, 0]] as const) {
    await ana.page.getByRole('textbox', { name: 'Search people' }).fill(person.username)
    await expect(people).toHaveCount(1)
    await expect(people.filter({ hasText: `@${person.username}` })).toBeVisible()
    await expect(people.getByText('guest', { exact: true })).toHaveCount(marked)
  }
  await closeAll(ana, ben, visitor)
})

test('a guest is marked "guest" in a direct chat\'s header and in the @ completion; a teammate is not', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const visitor = await guestPerson(browser, baseURL)
  const withVisitor = await createDirectChat(ana, visitor)
  const withBen = await createDirectChat(ana, ben)

  const subtitle = ana.page.getByTestId('chat-subtitle')
  await openApp(ana, `/chats/${withVisitor.id}`)
  await expect(subtitle).toContainText(`@${visitor.username} · guest`)
  await openApp(ana, `/chats/${withBen.id}`)
  await expect(subtitle).toContainText(`@${ben.username}`)
  await expect(subtitle).not.toContainText('guest')

  const channel = await createChannel(ana, uniqueName('lobby'), [ben, visitor])
  await openApp(ana, `/chats/${channel.id}`)
  const options = ana.page.getByRole('listbox', { name: 'People to mention' }).getByRole('option')
  await composer(ana.page).click()
  await composer(ana.page).pressSequentially(`@${visitor.username}`)
  await expect(options).toHaveCount(1)
  await expect(options).toContainText(`@${visitor.username}`)
  await expect(options).toContainText('guest')
  await composer(ana.page).fill('')
  await composer(ana.page).pressSequentially(`@${ben.username}`)
  await expect(options).toHaveCount(1)
  await expect(options).toContainText(`@${ben.username}`)
  await expect(options).not.toContainText('guest')
  await closeAll(ana, ben, visitor)
})
