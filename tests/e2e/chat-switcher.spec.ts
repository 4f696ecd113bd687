import { expect, test } from '@playwright/test'
import { chatList, closeAll, composer, createGroupChat, messageLog, openApp, signUpPerson } from './chat-helpers'

// "Filter chats" as the quick switcher (docs/ui.md, "Switching chats from the keyboard"):
// Ctrl+K (Cmd+K) reaches it from anywhere, Enter opens the first match ready to write in,
// ArrowDown goes into the filtered list.

test('Ctrl+K, a few letters and Enter open the first matching chat with the focus in its message field', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const crew = await createGroupChat(ana, 'Crew', [ben])
  const design = await createGroupChat(ana, 'Design', [ben])
  await createGroupChat(ana, 'Design review', [ben])
  await openApp(ana, `/chats/${design.id}`)
  const filter = chatList(ana.page).getByRole('textbox', { name: 'Filter chats' })

  // From the message field: Ctrl+K leaves it for the filter, and writes nothing into it.
  await composer(ana.page).click()
  await composer(ana.page).press('Control+k')
  await expect(filter).toBeFocused()
  await ana.page.keyboard.type('crew')
  await expect(chatList(ana.page).getByRole('link')).toHaveCount(1)
  await ana.page.keyboard.press('Enter')
  await expect(ana.page).toHaveURL(new RegExp(`/chats/${crew.id}$`))
  await expect(composer(ana.page)).toBeFocused()
  await expect(filter).toHaveValue('')
  await ana.page.keyboard.type('hello crew')
  await expect(composer(ana.page)).toHaveValue('hello crew')

  // From the message log: ArrowDown goes from the filter to the first match, Enter opens it.
  await messageLog(ana.page).focus()
  await ana.page.keyboard.press('Control+k')
  await expect(filter).toBeFocused()
  await ana.page.keyboard.type('design')
  await expect(chatList(ana.page).getByRole('link')).toHaveCount(2)
  await ana.page.keyboard.press('ArrowDown')
  await expect(chatList(ana.page).getByRole('link').first()).toBeFocused()
  await closeAll(ana, ben)
})
