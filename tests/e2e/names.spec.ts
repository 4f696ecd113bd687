import { expect, test, type Locator } from '@playwright/test'
import { chatList, closeAll, composer, createDirectChat, createGroupChat, menuItem, openApp, postMessage, signUpPerson, type Person } from './chat-helpers'

// People's names inside the app's sentences and where two share one (docs/ui.md, "Names").

/** Where a piece of the element's text starts on screen, from the left. */
async function leftEdge(element: Locator, piece: string): Promise<number> {
  return await element.evaluate((root, piece) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT)
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.textContent!.indexOf(piece)
      if (at < 0) continue
      const range = document.createRange()
      range.setStart(node, at)
      range.setEnd(node, at + piece.length)
      return range.getBoundingClientRect().left
    }
    return Number.NaN
  }, piece)
}

/** A person whose display name is not one a username can be made of. */
async function renamed(person: Person, displayName: string): Promise<Person> {
  const response = await person.context.request.patch('/api/users/me', { data: { displayName } })
  expect(response.status(), await response.text()).toBe(200)
  return { ...person, displayName }
}

test('a display name that would turn sentences around or show nothing is refused, at the field and by the server', async ({ browser, baseURL }) => {
  const sam = await signUpPerson(browser, baseURL, 'Sam')
  // U+202E put "Sam Two is typing..." on screen as "...gnipyt si owT maS"; U+200B showed nobody.
  for (const [displayName, message] of [
    ['\u202ESam Two', 'Names cannot contain invisible, line-break or text-direction characters'],
    ['a\nb', 'Names cannot contain invisible, line-break or text-direction characters'],
    ['\u200B', 'Use 1 to 64 characters'],
  ]) {
    const response = await sam.context.request.patch('/api/users/me', { data: { displayName } })
    expect(response.status(), JSON.stringify(displayName)).toBe(400)
    expect(await response.text()).toContain(message)
  }

  await openApp(sam, '/settings')
  const field = sam.page.getByRole('textbox', { name: 'Display name' })
  await field.fill('\u202ESam Two')
  await sam.page.getByRole('button', { name: 'Save profile' }).click()
  await expect(sam.page.getByText('Names cannot contain invisible, line-break or text-direction characters')).toBeVisible()
  await field.fill('\u200B')
  await expect(sam.page.getByText('Use 1 to 64 characters')).toBeVisible()
  const me = await (await sam.context.request.get('/api/auth/me')).json() as { user: { displayName: string } }
  expect(me.user.displayName).toBe('Sam')
  await closeAll(sam)
})

test('an Arabic name keeps its place in the typing line and the chat list, the English around it in order', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const mariam = await renamed(await signUpPerson(browser, baseURL, 'Mariam'), 'مريم العربية')
  const group = await createGroupChat(ana, 'Allotment', [mariam])
  // Unisolated, the digits after an Arabic name join its right-to-left run: "12 :مريم".
  await postMessage(mariam, group.id, '12 apples')
  await openApp(ana, `/chats/${group.id}`)
  await openApp(mariam, `/chats/${group.id}`)

  const preview = chatList(ana.page).locator(`#chat-summary-${group.id}`)
  await expect(preview).toHaveText('مريم العربية: 12 apples')
  await expect(preview.locator('bdi')).toHaveText(['مريم العربية', '12 apples'])
  // Read left to right as the sentence goes: the name, then her words.
  expect(await leftEdge(preview, 'مريم العربية')).toBeLessThan(await leftEdge(preview, '12 apples'))

  await composer(mariam.page).pressSequentially('Hello')
  const typing = ana.page.getByTestId('typing-line')
  await expect(typing).toHaveText('مريم العربية is typing...')
  await expect(typing.locator('bdi')).toHaveText('مريم العربية')
  await closeAll(ana, mariam)
})

test('two people of the same name are told apart when picked, in the chat\'s header and in the chat list', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const samOne = await signUpPerson(browser, baseURL, 'Sam')
  const samTwo = await signUpPerson(browser, baseURL, 'Sam')
  await createDirectChat(ana, samOne)
  await openApp(ana, '/')

  await ana.page.getByRole('button', { name: 'New chat' }).click()
  await ana.page.getByRole('menuitem', { name: 'New direct message' }).click()
  const dialog = ana.page.getByRole('dialog', { name: 'New direct message' })
  const person = dialog.getByRole('combobox', { name: 'Person' })
  await expect(person).toBeFocused()
  await ana.page.keyboard.type(samTwo.username)
  const option = ana.page.getByRole('option').filter({ hasText: `@${samTwo.username}` })
  await option.click()
  await expect(person).toHaveValue(`Sam (@${samTwo.username})`)
  await dialog.getByRole('button', { name: 'Start chat' }).click()

  await expect(ana.page.getByRole('heading', { name: 'Sam' })).toBeVisible()
  await expect(ana.page.getByTestId('chat-subtitle')).toContainText(`@${samTwo.username}`)
  const list = chatList(ana.page)
  await expect(list.getByRole('link', { name: `Sam (@${samOne.username})` })).toContainText(`@${samOne.username}`)
  await expect(list.getByRole('link', { name: `Sam (@${samTwo.username})` })).toContainText(`@${samTwo.username}`)
  await closeAll(ana, samOne, samTwo)
})

test('on a phone, removing a long-named member asks with the whole title, naming the group', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana', { viewport: { width: 390, height: 844 } })
  const maxi = await renamed(await signUpPerson(browser, baseURL, 'Maximiliana'), 'Maximiliana 🦊 Wolkenstein-Ravensburg')
  const group = await createGroupChat(ana, 'Neighbourhood allotment committee', [maxi])
  await openApp(ana, `/chats/${group.id}`)
  await ana.page.getByRole('button', { name: 'Chat options' }).click()
  await menuItem(ana.page, 'Members').click()
  await ana.page.getByRole('button', { name: `Actions for ${maxi.displayName}` }).click()
  await menuItem(ana.page, 'Remove from group').click()

  const dialog = ana.page.getByRole('dialog', { name: `Remove ${maxi.displayName} from Neighbourhood allotment committee?` })
  const title = dialog.locator('.v-card-title')
  await expect(title).toHaveText(`Remove ${maxi.displayName} from Neighbourhood allotment committee?`)
  // Wrapped, not cut: all of it is inside the card.
  expect(await title.evaluate(element => element.scrollWidth <= element.clientWidth)).toBe(true)
  await expect(dialog).toContainText(`${maxi.displayName} loses the group Neighbourhood allotment committee and its messages`)
  await closeAll(ana, maxi)
})
