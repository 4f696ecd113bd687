import { expect, test, type Page } from '@playwright/test'
import { uniqueName } from '../harness/api-client'
import { closeAll, composer, createChannel, menuItem, openApp, signUpPerson } from './chat-helpers'

/** Opens a directory as a person does: the account menu's entry, from the chat list. */
async function openDirectory(page: Page, entry: 'People' | 'Channels') {
  await page.getByRole('button', { name: 'Account menu' }).click()
  await menuItem(page, entry).click()
  await expect(page.getByRole('heading', { name: entry })).toBeVisible()
}

/** The address's path and query, as the browser's bar shows them after the host. */
function address(page: Page): string {
  const url = new URL(page.url())
  return url.pathname + url.search
}

test('a people search is in the address: Back from the chat opened from it, a reload and a shared link show it again', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  await openApp(ana, '/')
  await openDirectory(ana.page, 'People')
  const field = ana.page.getByRole('textbox', { name: 'Search people' })
  const people = ana.page.getByRole('list', { name: 'People' }).getByRole('listitem')

  // Ana types key by key as soon as the field shows; the address follows what she typed.
  await field.pressSequentially(ben.username)
  await expect(people).toHaveCount(1)
  await expect(people).toContainText(`@${ben.username}`)
  await people.getByRole('button', { name: 'Message Ben' }).click()
  await expect(composer(ana.page)).toBeVisible()

  // Back: the directory shows her search and its result, not an empty field and everyone.
  await ana.page.goBack()
  await expect(field).toHaveValue(ben.username)
  await expect(people).toHaveCount(1)
  await expect(people).toContainText(`@${ben.username}`)
  expect(address(ana.page)).toBe(`/people?q=${ben.username}`)

  // A reload keeps it too.
  await ana.page.reload()
  await expect(field).toHaveValue(ben.username)
  await expect(people).toHaveCount(1)
  await expect(people).toContainText(`@${ben.username}`)

  // Clearing the field takes the search out of the address and lists everyone again.
  await field.fill('')
  await expect.poll(() => address(ana.page)).toBe('/people')
  await expect(people.filter({ hasText: `@${ben.username}` })).toHaveCount(1)
  await expect(people.filter({ hasNotText: `@${ben.username}` }).first()).toBeVisible()
  // Each key replaced the address: one step back is the chat list she came from, not a letter.
  await ana.page.goBack()
  await expect.poll(() => address(ana.page)).toBe('/')

  // A shared link of a search shows it to whoever opens it.
  await openApp(ben, `/people?q=${ana.username}`)
  await expect(ben.page.getByRole('textbox', { name: 'Search people' })).toHaveValue(ana.username)
  const found = ben.page.getByRole('list', { name: 'People' }).getByRole('listitem')
  await expect(found).toHaveCount(1)
  await expect(found).toContainText(`@${ana.username}`)
  await closeAll(ana, ben)
})

test('a channel search is in the address: Back from the channel joined from it and a reload show it again', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const name = uniqueName('orchard')
  await createChannel(ben, name, [])
  await openApp(ana, '/')
  await openDirectory(ana.page, 'Channels')
  const field = ana.page.getByRole('textbox', { name: 'Search channels' })
  const channels = ana.page.getByRole('list', { name: 'Channels' }).getByRole('listitem')

  await field.pressSequentially(name)
  await expect(channels).toHaveCount(1)
  await channels.getByRole('button', { name: `Join ${name}` }).click()
  await expect(ana.page.getByRole('heading', { name })).toBeVisible()

  await ana.page.goBack()
  await expect(field).toHaveValue(name)
  await expect(channels).toHaveCount(1)
  await expect(channels.getByRole('link', { name: `Open ${name}` })).toBeVisible()
  expect(address(ana.page)).toBe(`/channels?q=${name}`)

  await ana.page.reload()
  await expect(field).toHaveValue(name)
  await expect(channels).toHaveCount(1)
  await expect(channels.getByRole('link', { name: `Open ${name}` })).toBeVisible()

  // Another search typed over it replaces it in the address.
  await field.fill(`${name}-none`)
  await expect(ana.page.getByText('No channel matches your search.')).toBeVisible()
  await expect.poll(() => address(ana.page)).toBe(`/channels?q=${name}-none`)
  await closeAll(ana, ben)
})

test('on a phone, the arrow of a chat opened from a directory goes back to the directory and its search', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana', { viewport: { width: 390, height: 844 } })
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const name = uniqueName('quarry')
  await createChannel(ben, name, [])
  await openApp(ana, '/')
  await openDirectory(ana.page, 'Channels')
  const field = ana.page.getByRole('textbox', { name: 'Search channels' })
  const channels = ana.page.getByRole('list', { name: 'Channels' }).getByRole('listitem')
  await field.pressSequentially(name)
  await expect(channels).toHaveCount(1)
  await channels.getByRole('button', { name: `Join ${name}` }).click()
  await expect(ana.page.getByRole('heading', { name })).toBeVisible()

  // The arrow says where it goes, and goes there: the directory, her search still in it.
  await ana.page.getByRole('button', { name: 'Back to channels' }).click()
  await expect(field).toHaveValue(name)
  await expect(channels.getByRole('link', { name: `Open ${name}` })).toBeVisible()
  expect(address(ana.page)).toBe(`/channels?q=${name}`)
  // It was a step back: the phone's own Back now goes where she was before the directory.
  await ana.page.goBack()
  await expect.poll(() => address(ana.page)).toBe('/')

  // From the people directory, the same.
  await openDirectory(ana.page, 'People')
  const people = ana.page.getByRole('list', { name: 'People' }).getByRole('listitem')
  await ana.page.getByRole('textbox', { name: 'Search people' }).pressSequentially(ben.username)
  await expect(people).toHaveCount(1)
  await people.getByRole('button', { name: 'Message Ben' }).click()
  await expect(composer(ana.page)).toBeVisible()
  await ana.page.getByRole('button', { name: 'Back to people' }).click()
  await expect(ana.page.getByRole('textbox', { name: 'Search people' })).toHaveValue(ben.username)
  expect(address(ana.page)).toBe(`/people?q=${ben.username}`)
  await closeAll(ana, ben)
})

test('Back or Forward to a directory shows the pages it had loaded, scrolled where it was left; a fresh visit starts at the top', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const prefix = uniqueName('hdir')
  // 40 matches: more than the directory's first page (30) and than its box shows at once.
  for (let batch = 0; batch < 40; batch += 10) {
    await Promise.all(Array.from({ length: 10 }, (_, i) => createChannel(ana, `${prefix}-${String(batch + i + 1).padStart(2, '0')}`, [])))
  }
  await openApp(ana, '/')
  await openDirectory(ana.page, 'Channels')
  const field = ana.page.getByRole('textbox', { name: 'Search channels' })
  const list = ana.page.getByRole('list', { name: 'Channels' })
  const opens = list.getByRole('link', { name: new RegExp(`^Open ${prefix}-`) })
  await field.pressSequentially(prefix)
  await expect(opens).toHaveCount(30)
  await list.getByRole('button', { name: 'More channels' }).click()
  await expect(opens).toHaveCount(40)

  const row36 = list.getByRole('link', { name: `Open ${prefix}-36` })
  const first = list.getByRole('link', { name: `Open ${prefix}-01` })
  await row36.scrollIntoViewIfNeeded()
  await expect(first).not.toBeInViewport()
  const topOf = async () => Math.round((await row36.boundingBox())!.y)
  const leftAt = await topOf()
  await row36.click()
  await expect(ana.page.getByRole('heading', { name: `${prefix}-36` })).toBeVisible()

  // Back: the same search, all 40 rows, the row she opened where it was on screen.
  await ana.page.goBack()
  await expect(field).toHaveValue(prefix)
  await expect(opens).toHaveCount(40)
  await expect(row36).toBeInViewport()
  expect(await topOf()).toBe(leftAt)
  await expect(first).not.toBeInViewport()

  // Back to the chat list, then Forward to the directory: the same again.
  await ana.page.goBack()
  await expect(ana.page.getByRole('heading', { name: 'Channels' })).toBeHidden()
  await ana.page.goForward()
  await expect(field).toHaveValue(prefix)
  await expect(opens).toHaveCount(40)
  await expect(row36).toBeInViewport()
  expect(await topOf()).toBe(leftAt)

  // A fresh visit (the menu's entry) starts anew, at the top.
  await row36.click()
  await expect(ana.page.getByRole('heading', { name: `${prefix}-36` })).toBeVisible()
  await openDirectory(ana.page, 'Channels')
  await expect(field).toHaveValue('')
  await expect(field).toBeInViewport()
  await field.pressSequentially(prefix)
  await expect(opens).toHaveCount(30)
  await expect(first).toBeInViewport()
  await closeAll(ana)
})
