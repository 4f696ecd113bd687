import { expect, test } from '@playwright/test'
import { anaAndBenInDirectChat, closeAll, composer, createChannel, menuItem, messageLog, messageRows, openApp, postMessage, send, signUpPerson } from './chat-helpers'

test('an edit, a reaction and a delete are seen live by the other person', async ({ browser, baseURL }) => {
  const { ana, ben } = await anaAndBenInDirectChat(browser, baseURL)

  await send(ana.page, 'See you at 5')
  const onBen = messageRows(ben.page, 'See you at 5')
  await expect(onBen).toHaveCount(1)

  // Ana edits her message from its actions menu.
  const onAna = messageRows(ana.page, 'See you at 5')
  await onAna.hover()
  await onAna.getByRole('button', { name: 'Message actions' }).click()
  await menuItem(ana.page, 'Edit').click()
  await expect(composer(ana.page)).toHaveValue('See you at 5')
  await composer(ana.page).fill('See you at 6')
  await composer(ana.page).press('Enter')
  const edited = messageRows(ben.page, 'See you at 6')
  await expect(edited).toHaveCount(1)
  await expect(edited).toContainText('edited')

  // Ben reacts; Ana sees the reaction.
  await edited.hover()
  await edited.getByRole('button', { name: 'Add reaction' }).click()
  await ben.page.getByRole('button', { name: 'React with 👍' }).click()
  // A reaction is a toggle button, pressed for those who gave it: Ana adds hers to Ben's.
  await expect(edited.getByRole('button', { name: '👍 1', pressed: true })).toBeVisible()
  const onAnaReacted = messageRows(ana.page, 'See you at 6')
  await onAnaReacted.getByRole('button', { name: '👍 1', pressed: false }).click()
  await expect(onAnaReacted.getByRole('button', { name: '👍 2', pressed: true })).toBeVisible()
  await expect(edited.getByRole('button', { name: '👍 2', pressed: true })).toBeVisible()

  // Ana deletes it; Ben sees the tombstone.
  const mine = messageRows(ana.page, 'See you at 6')
  await mine.hover()
  await mine.getByRole('button', { name: 'Message actions' }).click()
  await menuItem(ana.page, 'Delete').click()
  await ana.page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click()
  // The actions button that opened the dialog went with the message: the focus stays in the page.
  await expect(ana.page.getByRole('dialog')).toHaveCount(0)
  await expect(ana.page.getByRole('main')).toBeFocused()
  await expect(messageRows(ben.page, 'See you at 6')).toHaveCount(0)
  await expect(ben.page.getByText('This message was deleted')).toBeVisible()
  await closeAll(ana, ben)
})

test('a reply quotes the original, and clicking the quote jumps to it', async ({ browser, baseURL }) => {
  const { ana, ben } = await anaAndBenInDirectChat(browser, baseURL)
  await send(ana.page, 'Which train?')
  const original = messageRows(ben.page, 'Which train?')
  await expect(original).toHaveCount(1)
  await original.hover()
  await original.getByRole('button', { name: 'Message actions' }).click()
  await menuItem(ben.page, 'Reply').click()
  // The field says what it is doing to a screen reader, beside its formatting hint.
  await expect(composer(ben.page)).toBeFocused()
  await expect(composer(ben.page)).toHaveAccessibleDescription(/^Replying to Ana: Which train\?.*Shift\+Enter: new line/)
  await send(ben.page, 'The 8:15')
  await expect(composer(ben.page)).not.toHaveAccessibleDescription(/Replying/)
  const reply = messageRows(ana.page, 'The 8:15')
  await expect(reply).toHaveCount(1)
  const quote = reply.getByRole('button', { name: /Jump to the message/ })
  await expect(quote).toContainText('Which train?')
  await quote.click()
  await expect(ana.page.locator('.message--highlighted')).toContainText('Which train?')
  await closeAll(ana, ben)
})

test('a quote follows its original: an edit shows in it, and a deletion takes the words out', async ({ browser, baseURL }) => {
  const { ana, ben } = await anaAndBenInDirectChat(browser, baseURL)
  await send(ana.page, 'The door code is 4711')
  const original = messageRows(ben.page, 'The door code is 4711')
  await original.hover()
  await original.getByRole('button', { name: 'Message actions' }).click()
  await menuItem(ben.page, 'Reply').click()
  await send(ben.page, 'Got it')
  const quotes = [ana, ben].map(person => messageRows(person.page, 'Got it').getByRole('button', { name: /Jump to the message/ }))
  for (const quote of quotes) await expect(quote).toContainText('The door code is 4711')

  const mine = messageRows(ana.page, 'The door code is 4711').first()
  await mine.hover()
  await mine.getByRole('button', { name: 'Message actions' }).click()
  await menuItem(ana.page, 'Edit').click()
  await composer(ana.page).fill('The door code is 0815')
  await composer(ana.page).press('Enter')
  for (const quote of quotes) await expect(quote).toContainText('The door code is 0815')

  const edited = messageRows(ana.page, 'The door code is 0815').first()
  await edited.hover()
  await edited.getByRole('button', { name: 'Message actions' }).click()
  await menuItem(ana.page, 'Delete').click()
  await ana.page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click()
  for (const quote of quotes) await expect(quote).toHaveText(/Deleted message/)
  for (const person of [ana, ben]) await expect(messageLog(person.page)).not.toContainText('0815')
  await closeAll(ana, ben)
})

test('in a channel a reply names the author it quotes, and a search result shows a formatted message as text', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const channel = await createChannel(ana, `quotes-${ben.username}`, [ben])
  await postMessage(ana, channel.id, 'Read the **house rules** in the [guide](https://example.com/guide) first')

  // A channel's member list is not loaded: the author's name comes from the messages held.
  await openApp(ben, `/chats/${channel.id}`)
  const original = messageRows(ben.page, 'Read the house rules')
  await original.hover()
  await original.getByRole('button', { name: 'Message actions' }).click()
  await menuItem(ben.page, 'Reply').click()
  await send(ben.page, 'Done, thanks')
  const quote = messageRows(ben.page, 'Done, thanks').getByRole('button', { name: 'Jump to the message from Ana this replies to' })
  await expect(quote).toContainText('Ana')

  await ben.page.getByRole('button', { name: 'Search messages' }).first().click()
  await ben.page.getByRole('dialog').getByRole('textbox', { name: 'Search' }).fill('house rules')
  const result = ben.page.getByRole('dialog').getByText('Read the house rules in the guide first')
  await expect(result).toBeVisible()
  await expect(ben.page.getByRole('dialog')).not.toContainText('**')
  await closeAll(ana, ben)
})
