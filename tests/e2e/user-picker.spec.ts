import { expect, test, type Page, type Route } from '@playwright/test'
import { closeAll, composer, messageRows, openApp, signUpPerson } from './chat-helpers'

// Picking people in the New chat dialog from the keyboard alone (docs/ui.md, "Picking people
// from the keyboard"): the list offers what was typed, a pick keeps the focus in the field,
// and the chat made opens with the focus in its message field.

async function openNewChat(page: Page, kind: 'New direct message' | 'New group') {
  await page.getByRole('button', { name: 'New chat' }).click()
  await page.getByRole('menuitem', { name: kind }).click()
  return page.getByRole('dialog', { name: kind })
}

/** Types a username in the focused picker, then takes the first option with ArrowDown and Enter. */
async function pickFirstMatch(page: Page, username: string, displayName: string) {
  await page.keyboard.type(username)
  const options = page.getByRole('option')
  await expect(options.first()).toContainText(`@${username}`)
  await expect(options).toHaveCount(1)
  await page.keyboard.press('ArrowDown')
  await expect(options.first()).toBeFocused()
  await expect(options.first()).toContainText(displayName)
  await page.keyboard.press('Enter')
}

test('a second person picked with the keyboard joins the first, in a group of the three', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const cy = await signUpPerson(browser, baseURL, 'Cy')
  await openApp(ana, '/')
  const dialog = await openNewChat(ana.page, 'New group')
  await expect(dialog.getByLabel('Group name')).toBeFocused()
  await ana.page.keyboard.type('Picnic crew')
  const members = dialog.getByRole('combobox', { name: 'Members' })
  const chips = dialog.locator('.v-chip')
  await members.click()
  await pickFirstMatch(ana.page, ben.username, 'Ben')
  await expect(chips).toHaveText([`Ben (@${ben.username})`])

  // Ben, picked already, is not offered before Cy (ArrowDown and Enter took him out again).
  // (Back in the field whatever happened to the focus: that is the next test.)
  await members.focus()
  await pickFirstMatch(ana.page, cy.username, 'Cy')
  await expect(chips).toHaveText([`Ben (@${ben.username})`, `Cy (@${cy.username})`])

  await dialog.getByRole('button', { name: 'Create' }).click()
  await expect(ana.page.getByRole('heading', { name: 'Picnic crew' })).toBeVisible()
  const chatId = new URL(ana.page.url()).pathname.split('/').pop()
  const chat = await (await ana.context.request.get(`/api/chats/${chatId}`)).json() as { members?: { id: string }[] }
  expect(chat.members?.map(member => member.id).sort()).toEqual([ana.id, ben.id, cy.id].sort())
  await closeAll(ana, ben, cy)
})

test('a person picked with Enter leaves the focus in the field, where the next name is typed', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const cy = await signUpPerson(browser, baseURL, 'Cy')
  await openApp(ana, '/')
  const direct = await openNewChat(ana.page, 'New direct message')
  const person = direct.getByRole('combobox', { name: 'Person' })
  await expect(person).toBeFocused()
  await pickFirstMatch(ana.page, ben.username, 'Ben')
  await expect(person).toBeFocused()
  await ana.page.keyboard.press('Escape')
  await expect(direct).toBeHidden()

  const group = await openNewChat(ana.page, 'New group')
  await ana.page.keyboard.type('Book club')
  const members = group.getByRole('combobox', { name: 'Members' })
  await members.click()
  await pickFirstMatch(ana.page, ben.username, 'Ben')
  await expect(members).toBeFocused()
  // Typed straight on, not lost on the page's body.
  await pickFirstMatch(ana.page, cy.username, 'Cy')
  await expect(group.locator('.v-chip')).toHaveText([`Ben (@${ben.username})`, `Cy (@${cy.username})`])
  await expect(members).toBeFocused()
  await closeAll(ana, ben, cy)
})

test('a chat made in the New chat dialog opens with the focus in its message field', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  await openApp(ana, '/')
  const dialog = await openNewChat(ana.page, 'New direct message')
  await dialog.getByRole('combobox', { name: 'Person' }).fill(ben.username)
  await ana.page.getByRole('option', { name: new RegExp(ben.username) }).click()
  await dialog.getByRole('button', { name: 'Start chat' }).click()
  await expect(dialog).toBeHidden()
  await expect(ana.page.getByRole('heading', { name: 'Ben' })).toBeVisible()
  await expect(composer(ana.page)).toBeFocused()
  await ana.page.keyboard.type('Hi Ben')
  await ana.page.keyboard.press('Enter')
  await expect(messageRows(ana.page, 'Hi Ben')).toHaveCount(1)

  const group = await openNewChat(ana.page, 'New group')
  await ana.page.keyboard.type('Board games')
  await group.getByRole('combobox', { name: 'Members' }).fill(ben.username)
  await ana.page.getByRole('option', { name: new RegExp(ben.username) }).click()
  await group.getByRole('button', { name: 'Create' }).click()
  await expect(ana.page.getByRole('heading', { name: 'Board games' })).toBeVisible()
  await expect(composer(ana.page)).toBeFocused()
  await closeAll(ana, ben)
})

test('an answer for fewer letters that comes back late does not replace the matches of what is typed now', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const bea = await signUpPerson(browser, baseURL, 'Bea')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  // The search for the first letters is held (a slow server) until the one for the whole name has answered.
  let heldSearch: Route | null = null
  let searchHeld: () => void
  const held = new Promise<void>((resolve) => {
    searchHeld = resolve
  })
  await ana.page.route('**/api/users?*', async (route) => {
    if (new URL(route.request().url()).searchParams.get('q') !== 'be') return route.continue()
    heldSearch = route
    searchHeld()
  })
  await openApp(ana, '/')
  const dialog = await openNewChat(ana.page, 'New direct message')
  const person = dialog.getByRole('combobox', { name: 'Person' })
  await expect(person).toBeFocused()
  await ana.page.keyboard.type('be')
  await held
  await ana.page.keyboard.type(ben.username.slice(2))
  const options = ana.page.getByRole('option')
  await expect(options.first()).toContainText(`@${ben.username}`)

  const lateAnswer = ana.page.waitForResponse(response => new URL(response.url()).searchParams.get('q') === 'be')
  await heldSearch!.continue()
  await lateAnswer
  // The field's progress bar is gone once the search is over, as a person sees it; the
  // first option (Bea's, in the late answer: the list is by username) is drawn with it.
  await expect(dialog.getByRole('progressbar')).toBeHidden()
  await expect(options.first()).toContainText(`@${ben.username}`)
  await expect(options).toHaveCount(1)
  await expect(ana.page.getByRole('option', { name: new RegExp(bea.username) })).toHaveCount(0)
  await closeAll(ana, bea, ben)
})
