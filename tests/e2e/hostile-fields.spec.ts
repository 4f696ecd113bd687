import { expect, test } from '@playwright/test'
import { signUp, uniqueName } from '../harness/api-client'
import { chatList, closeAll, composer, createGroupChat, messageLog, openApp, postMessage, signUpPerson, type Person } from './chat-helpers'

// A script payload in every field issue 14 added stays text and opens no dialog: a display
// name offered by the @ completion and shown beside a mention, a group's name in the list,
// a mention of a name that is markup, a code fence's language, a link's words, the chat
// list's plain-text preview (tests/e2e/chat-formatting.spec.ts covers message bodies; the
// pushed notification is tests/e2e/push-notifications.spec.ts).

const NAME = '<img src=x onerror=alert(1)>Mal'
const GROUP = '<svg onload=alert(2)>Club'

test('script payloads in names, mentions, code languages and previews stay text', async ({ browser, baseURL }) => {
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  // Mal signs up with a display name that is markup, in a browser of her own.
  const context = await browser.newContext({ baseURL })
  const registered = await signUp(context.request, { username: uniqueName('mal'), displayName: NAME })
  const page = await context.newPage()
  const mal: Person = { id: registered.id, username: registered.username, displayName: NAME, context, page, dialogs: [] }
  page.on('dialog', async (dialog) => {
    mal.dialogs.push(dialog.message())
    await dialog.dismiss()
  })
  const group = await createGroupChat(mal, GROUP, [ben])
  await postMessage(mal, group.id, `@${ben.username} \`\`\`<script>alert(3)</script>\n<b>bold?</b>\n\`\`\``)
  await postMessage(mal, group.id, '```"><img src=x onerror=alert(4)>\nlet x = 1\n```')
  await postMessage(mal, group.id, '[<img src=x onerror=alert(5)>](https://example.com) @<script>alert(6)</script>')

  await openApp(ben, '/')
  const item = chatList(ben.page).locator(`[data-chat-id="${group.id}"]`)
  await expect(item).toContainText(GROUP)
  await expect(item).toContainText(`${NAME}: <img src=x onerror=alert(5)> @<script>alert(6)</script>`)
  await item.click()
  const log = messageLog(ben.page)
  await expect(log.getByText('let x = 1')).toBeVisible()
  await expect(log.locator('code[data-language]').first()).toBeAttached()
  await expect(log.getByRole('link', { name: '<img src=x onerror=alert(5)>' })).toHaveAttribute('href', 'https://example.com')
  await expect(log.getByText(NAME).first()).toBeVisible()

  // Ben's @ completion offers Mal under her display name, as text.
  await composer(ben.page).click()
  await composer(ben.page).pressSequentially(`@${mal.username.slice(0, 5)}`)
  const options = ben.page.getByRole('listbox', { name: 'People to mention' })
  await expect(options.getByRole('option').first()).toContainText(NAME)

  for (const where of [log, options, chatList(ben.page)]) {
    await expect(where.locator('img, script, svg:not(.v-icon svg)')).toHaveCount(0)
  }
  expect(ben.dialogs.concat(mal.dialogs)).toEqual([])
  await closeAll(ben, mal)
})
