import { expect, test } from '@playwright/test'
import { uniqueName } from '../harness/api-client'
import { closeAll, createDirectChat, menuItem, openApp, postMessage, signUpPerson } from './chat-helpers'

test('a taken channel name is said next to the name, and the dialog stays open to fix it', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const taken = uniqueName('taken')
  const created = await ana.context.request.post('/api/chats', { data: { type: 'channel', name: taken } })
  expect(created.status()).toBe(201)

  await openApp(ana, '/channels')
  await ana.page.getByRole('button', { name: 'New channel' }).click()
  const dialog = ana.page.getByRole('dialog')
  await dialog.getByLabel('Channel name').fill(taken.toUpperCase())
  await dialog.getByRole('button', { name: 'Create' }).click()
  await expect(dialog.getByText('A channel with that name exists.')).toBeVisible()
  await expect(dialog).toBeVisible()

  const fresh = uniqueName('fresh')
  await dialog.getByLabel('Channel name').fill(fresh)
  await dialog.getByRole('button', { name: 'Create' }).click()
  await expect(dialog).toBeHidden()
  await expect(ana.page.getByRole('heading', { name: fresh })).toBeVisible()

  // Renaming it to the taken name is refused in the edit dialog, which stays open.
  await ana.page.getByRole('button', { name: 'Chat options' }).click()
  await menuItem(ana.page, 'Edit name and topic').click()
  const edit = ana.page.getByRole('dialog')
  await edit.getByLabel('Name', { exact: true }).fill(taken)
  await edit.getByRole('button', { name: 'Save' }).click()
  await expect(edit.getByRole('alert').filter({ hasText: 'A channel with that name exists.' })).toBeVisible()
  await expect(ana.page.getByRole('heading', { name: fresh })).toBeVisible()
  await closeAll(ana)
})

test('a dialog is named by its title, and closing it gives the focus back to the button that opened it', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  await openApp(ana, '/channels')
  // Each button is named as the dialog it opens.
  for (const name of ['New channel', 'Search messages']) {
    const opener = ana.page.getByRole('button', { name })
    await opener.click()
    await expect(ana.page.getByRole('dialog', { name })).toBeVisible()
    await ana.page.keyboard.press('Escape')
    await expect(ana.page.getByRole('dialog')).toHaveCount(0)
    await expect(opener).toBeFocused()
  }
  await closeAll(ana)
})

test('the search dialog keeps Tab inside it, and its results are links a screen reader names', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const chat = await createDirectChat(ana, ben)
  for (const words of ['Tickets for Friday', 'Tickets are sold out']) await postMessage(ben, chat.id, words)
  await openApp(ana, '/')
  await ana.page.getByRole('button', { name: 'Search messages' }).click()
  const dialog = ana.page.getByRole('dialog', { name: 'Search messages' })
  await dialog.getByRole('textbox', { name: 'Search' }).fill('tickets')
  const results = dialog.getByRole('list', { name: 'Search results' }).getByRole('link')
  await expect(results).toHaveCount(2)
  await expect(results.first()).toHaveAttribute('href', `/chats/${chat.id}?around=2`)

  // Tab and Shift+Tab go round the dialog's own controls, never to the page behind it.
  for (const key of ['Tab', 'Tab', 'Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab']) {
    await ana.page.keyboard.press(key)
    expect(await dialog.evaluate(element => element.contains(document.activeElement)), `after ${key}`).toBe(true)
  }
  await results.last().focus()
  await ana.page.keyboard.press('Enter')
  await expect(ana.page).toHaveURL(new RegExp(`/chats/${chat.id}\\?around=1$`))
  await closeAll(ana, ben)
})

test('search from a chat\'s header looks in that chat, and the box widens it to every chat', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const chat = await createDirectChat(ana, ben)
  const elsewhere = await createDirectChat(ana, await signUpPerson(browser, baseURL, 'Cy'))
  await postMessage(ben, chat.id, 'Picnic on Sunday')
  await postMessage(ana, elsewhere.id, 'Picnic photos attached')
  await openApp(ana, `/chats/${chat.id}`)
  await ana.page.getByRole('button', { name: 'Search in this chat' }).click()
  const dialog = ana.page.getByRole('dialog', { name: 'Search messages' })
  await expect(dialog.getByRole('checkbox', { name: 'Only this chat' })).toBeChecked()
  await dialog.getByRole('textbox', { name: 'Search' }).fill('picnic')
  const results = dialog.getByRole('list', { name: 'Search results' }).getByRole('link')
  await expect(results).toHaveCount(1)
  await expect(results).toContainText('Picnic on Sunday')
  await dialog.getByRole('checkbox', { name: 'Only this chat' }).uncheck()
  await expect(results).toHaveCount(2)
  await closeAll(ana, ben)
})

test('a slow answer to words already typed over never replaces the results of what the box says', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const chat = await createDirectChat(ana, ben)
  for (const words of ['Red car parked outside', 'Release notes draft']) await postMessage(ben, chat.id, words)
  await openApp(ana, '/')
  // The server is slow with the search of "re" (a busy instance): its answer comes only
  // after the person, still typing, has the answer for "release".
  let answerRe!: () => void
  const held = new Promise<void>(resolve => (answerRe = resolve))
  const isSearchOf = (words: string) => (url: URL) => url.pathname === '/api/search/messages' && url.searchParams.get('q') === words
  await ana.page.route(isSearchOf('re'), async (route) => {
    await held
    await route.continue()
  })
  await ana.page.getByRole('button', { name: 'Search messages' }).click()
  const dialog = ana.page.getByRole('dialog', { name: 'Search messages' })
  const box = dialog.getByRole('textbox', { name: 'Search' })
  const askedRe = ana.page.waitForRequest(request => isSearchOf('re')(new URL(request.url())))
  await box.fill('re')
  await askedRe
  await box.pressSequentially('lease')
  const results = dialog.getByRole('list', { name: 'Search results' }).getByRole('link')
  await expect(results).toHaveCount(1)
  await expect(results).toContainText('Release notes draft')

  const answeredRe = ana.page.waitForResponse(response => isSearchOf('re')(new URL(response.url())))
  answerRe()
  await answeredRe
  await expect(dialog.getByRole('progressbar')).toBeHidden()
  await expect(box).toHaveValue('release')
  await expect(results).toHaveCount(1)
  await expect(results).toContainText('Release notes draft')
  await closeAll(ana, ben)
})
