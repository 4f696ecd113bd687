import { expect, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from '@playwright/test'
import type { Chat } from '#shared/types/api'
import { signUp, TEST_PASSWORD, uniqueName } from '../harness/api-client'
import { openPage } from '../harness/open-page'

export interface Person {
  id: string
  username: string
  displayName: string
  context: BrowserContext
  page: Page
  /** JavaScript dialogs the page opened (injected markup running would open one). */
  dialogs: string[]
}

export interface SignUpOptions {
  /** A phone's screen: a touch screen of this size. */
  viewport?: { width: number, height: number }
  /** Any other device (a zoomed desktop, forced colours), as the browser context's options. */
  device?: BrowserContextOptions
  /** The username's start, for a display name that is no valid username. */
  usernameStem?: string
}

/**
 * A person in their own browser context, signed up through the API from inside that
 * context so the session cookies land there (fast, and the UI starts signed in).
 */
export async function signUpPerson(browser: Browser, baseURL: string | undefined, displayName: string, options: SignUpOptions = {}): Promise<Person> {
  const device = options.device ?? (options.viewport ? { viewport: options.viewport, isMobile: true, hasTouch: true } : {})
  const context = await browser.newContext({ baseURL, ...device })
  const { id, username } = await signUp(context.request, { username: uniqueName(options.usernameStem ?? displayName.toLowerCase()), displayName })
  const page = await context.newPage()
  const dialogs: string[] = []
  page.on('dialog', async (dialog) => {
    dialogs.push(dialog.message())
    await dialog.dismiss()
  })
  return { id, username, displayName, context, page, dialogs }
}

/**
 * The same person on another device: a browser context of its own, signed in with the
 * password (a session of its own). `userAgent` tells the device apart in the session list.
 */
export async function signInElsewhere(browser: Browser, baseURL: string | undefined, person: Person, options: { userAgent?: string } = {}): Promise<Person> {
  const context = await browser.newContext({ baseURL, ...(options.userAgent ? { userAgent: options.userAgent } : {}) })
  const login = await context.request.post('/api/auth/login', { data: { login: person.username, password: TEST_PASSWORD } })
  expect(login.status(), await login.text()).toBe(200)
  const page = await context.newPage()
  const dialogs: string[] = []
  page.on('dialog', async (dialog) => {
    dialogs.push(dialog.message())
    await dialog.dismiss()
  })
  return { ...person, context, page, dialogs }
}

export async function createDirectChat(from: Person, to: Person): Promise<Chat> {
  const response = await from.context.request.post('/api/chats', { data: { type: 'direct', userId: to.id } })
  expect([200, 201]).toContain(response.status())
  return await response.json() as Chat
}

/** Ana and Ben, each in their own browser, both looking at the direct chat Ana started with Ben. */
export async function anaAndBenInDirectChat(browser: Browser, baseURL: string | undefined): Promise<{ ana: Person, ben: Person, chat: Chat }> {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const chat = await createDirectChat(ana, ben)
  await openApp(ana, `/chats/${chat.id}`)
  await openApp(ben, `/chats/${chat.id}`)
  return { ana, ben, chat }
}

export async function createGroupChat(owner: Person, name: string, members: Person[]): Promise<Chat> {
  const response = await owner.context.request.post('/api/chats', { data: { type: 'group', name, memberIds: members.map(member => member.id) } })
  expect(response.status(), await response.text()).toBe(201)
  return await response.json() as Chat
}

/** A public channel `owner` creates, which each of `members` joins. */
export async function createChannel(owner: Person, name: string, members: Person[]): Promise<Chat> {
  const response = await owner.context.request.post('/api/chats', { data: { type: 'channel', name } })
  expect(response.status(), await response.text()).toBe(201)
  const channel = await response.json() as Chat
  for (const member of members) expect((await member.context.request.post(`/api/chats/${channel.id}/join`)).status()).toBe(200)
  return channel
}

export async function postMessage(from: Person, chatId: string, content: string) {
  const response = await from.context.request.post(`/api/chats/${chatId}/messages`, { data: { content } })
  expect(response.status(), await response.text()).toBe(201)
}

export const chatList = (page: Page) => page.getByRole('navigation', { name: 'Chats' })
export const messageLog = (page: Page) => page.getByRole('log', { name: 'Messages' })
export const composer = (page: Page) => page.getByRole('textbox', { name: 'Message' })

/**
 * Opens the app as a person does (`openPage`) and waits for what they look for: the chat
 * list or the conversation on screen.
 */
export async function openApp(person: Person, path = '/') {
  await openPage(person.page, path)
  await expect(chatList(person.page).or(messageLog(person.page)).first()).toBeVisible({ timeout: 20_000 })
}

export async function send(page: Page, text: string) {
  await composer(page).fill(text)
  await composer(page).press('Enter')
}

/** The rendered message rows (sent and pending) whose text contains `text`. */
export function messageRows(page: Page, text: string) {
  return messageLog(page).locator('[data-seq], [data-client-id]').filter({ hasText: text })
}

export async function closeAll(...people: Person[]) {
  await Promise.all(people.map(person => person.context.close()))
}

/** An item of the open menu. */
export function menuItem(page: Page, name: string) {
  return page.locator('.v-overlay--active .v-list-item').filter({ hasText: name }).first()
}

/**
 * Lets the test hide or show a person's tab: headless Chromium has no real background
 * tab, so `document.visibilityState` answers what the test says, and `visibilitychange`
 * fires as it would. Call before the page loads.
 */
export async function hideableTab(person: Person) {
  await person.page.addInitScript(() => {
    let hidden = false
    Object.assign(window, {
      __setHidden: (value: boolean) => {
        hidden = value
        document.dispatchEvent(new Event('visibilitychange'))
      },
    })
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => hidden ? 'hidden' : 'visible' })
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden })
  })
  return {
    setHidden: (hidden: boolean) => person.page.evaluate(value => (window as unknown as { __setHidden: (hidden: boolean) => void }).__setHidden(value), hidden),
  }
}
