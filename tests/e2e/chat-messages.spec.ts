import { expect, test, type Browser, type WebSocketRoute } from '@playwright/test'
import { anaAndBenInDirectChat, closeAll, composer, createChannel, createGroupChat, menuItem, messageLog, messageRows, openApp, postMessage, send, signUpPerson, type Person } from './chat-helpers'

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

test('the reply bar follows the message it quotes: an edit shows in it, and a deletion ends the reply', async ({ browser, baseURL }) => {
  const { ana, ben } = await anaAndBenInDirectChat(browser, baseURL)
  await send(ana.page, 'confidential target msg')
  const original = messageRows(ben.page, 'confidential target msg')
  await original.hover()
  await original.getByRole('button', { name: 'Message actions' }).click()
  await menuItem(ben.page, 'Reply').click()
  await expect(composer(ben.page)).toHaveAccessibleDescription(/^Replying to Ana: confidential target msg/)

  // Ana corrects her message, then deletes it, while Ben is still writing his reply.
  await expect(messageRows(ana.page, 'confidential target msg').and(ana.page.locator('[data-seq]'))).toHaveCount(1)
  await composer(ana.page).press('ArrowUp')
  await composer(ana.page).fill('corrected text')
  await composer(ana.page).press('Enter')
  await expect(composer(ben.page)).toHaveAccessibleDescription(/^Replying to Ana: corrected text/)
  await expect(ben.page.getByText('confidential target msg')).toHaveCount(0)
  const corrected = messageRows(ana.page, 'corrected text')
  await corrected.hover()
  await corrected.getByRole('button', { name: 'Message actions' }).click()
  await menuItem(ana.page, 'Delete').click()
  await ana.page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click()
  // A reply to nothing would quote nobody: the bar goes and says why, the words stay
  // (docs/ui.md, "A reply is part of the draft").
  await expect(ben.page.getByText('The message you were replying to was deleted.')).toBeVisible()
  await expect(composer(ben.page)).not.toHaveAccessibleDescription(/Replying/)
  await expect(ben.page.getByText('corrected text')).toHaveCount(0)
  await send(ben.page, 'noted')
  await expect(messageRows(ana.page, 'noted')).toHaveCount(1)
  await expect(messageRows(ana.page, 'noted').getByRole('button', { name: /Jump to the message/ })).toHaveCount(0)
  await closeAll(ana, ben)
})

/** Cy, a member of Ana's group, with the group open in both their browsers. */
async function anaAndCyInGroup(browser: Browser, baseURL: string | undefined, beforeOpening?: (cy: Person) => Promise<void>) {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const cy = await signUpPerson(browser, baseURL, 'Cy')
  const group = await createGroupChat(ana, 'Edits and deletions', [cy])
  await beforeOpening?.(cy)
  await openApp(ana, `/chats/${group.id}`)
  await openApp(cy, `/chats/${group.id}`)
  return { ana, cy }
}

async function deleteAsOwner(ana: Person, text: string) {
  const row = messageRows(ana.page, text)
  await row.hover()
  await row.getByRole('button', { name: 'Message actions' }).click()
  await menuItem(ana.page, 'Delete').click()
  await ana.page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click()
}

test('a message deleted while its author edits it stays deleted: the edit ends at once, saying why', async ({ browser, baseURL }) => {
  const { ana, cy } = await anaAndCyInGroup(browser, baseURL)
  await send(cy.page, 'cy own msg')
  await expect(messageRows(cy.page, 'cy own msg').and(cy.page.locator('[data-seq]'))).toHaveCount(1)
  await composer(cy.page).press('ArrowUp')
  await expect(cy.page.getByText('Editing message')).toBeVisible()
  await expect(composer(cy.page)).toHaveValue('cy own msg')

  await deleteAsOwner(ana, 'cy own msg')
  await expect(messageLog(cy.page).getByText('This message was deleted')).toBeVisible()
  const why = cy.page.getByText('The message you were editing was deleted.')
  await expect(why).toBeVisible()
  await expect(cy.page.getByText('Editing message')).toHaveCount(0)
  await expect(composer(cy.page)).toHaveValue('')

  // What Cy types next is a new message; the deleted one stays deleted.
  await composer(cy.page).pressSequentially('more')
  await composer(cy.page).press('Enter')
  await expect(messageRows(cy.page, 'more').and(cy.page.locator('[data-seq]'))).toHaveCount(1)
  await expect(messageRows(cy.page, 'cy own msg')).toHaveCount(0)
  await expect(messageLog(cy.page).getByText('This message was deleted')).toHaveCount(1)
  await expect(why).toHaveCount(1)
  await closeAll(ana, cy)
})

test('an edit saved just after the message was deleted, the news still on its way, ends with one word of why and the message deleted', async ({ browser, baseURL }) => {
  // Cy's socket passes through a relay that can hold back what the server says.
  let holding = false
  const held: (string | Buffer)[] = []
  let toCy: WebSocketRoute | null = null
  const { ana, cy } = await anaAndCyInGroup(browser, baseURL, cy => cy.page.routeWebSocket(/\/ws(?:\?|$)/, (socket) => {
    const server = socket.connectToServer()
    toCy = socket
    socket.onMessage(frame => server.send(frame))
    server.onMessage((frame) => {
      if (holding) held.push(frame)
      else socket.send(frame)
    })
  }))
  await send(cy.page, 'cy own msg')
  await expect(messageRows(cy.page, 'cy own msg').and(cy.page.locator('[data-seq]'))).toHaveCount(1)
  await composer(cy.page).press('ArrowUp')
  await expect(cy.page.getByText('Editing message')).toBeVisible()

  holding = true
  await deleteAsOwner(ana, 'cy own msg')
  await expect(messageLog(ana.page).getByText('This message was deleted')).toBeVisible()
  await composer(cy.page).pressSequentially(' more')
  await composer(cy.page).press('Enter')
  // The server's answer says why; the edit ends (there is nothing left to save it to).
  const why = cy.page.getByText('This message was deleted.', { exact: true })
  await expect(why).toBeVisible()
  await expect(cy.page.getByText('Editing message')).toHaveCount(0)

  // The news of the deletion arrives: the tombstone shows, and nothing is said twice.
  holding = false
  for (const frame of held.splice(0)) toCy!.send(frame)
  await expect(messageLog(cy.page).getByText('This message was deleted')).toBeVisible()
  await expect(messageRows(cy.page, 'cy own msg')).toHaveCount(0)
  await send(cy.page, 'next words')
  await expect(messageRows(cy.page, 'next words').and(cy.page.locator('[data-seq]'))).toHaveCount(1)
  await expect(messageRows(cy.page, 'cy own msg')).toHaveCount(0)
  await expect(cy.page.getByText('The message you were editing was deleted.')).toHaveCount(0)
  await closeAll(ana, cy)
})

// Invisible characters alone are a blank message, in an edit as in a send (docs/messages.md,
// "Blank messages"): the field says so in the server's words, where Save only stayed disabled.
test('editing a message to invisible characters only says "A message cannot be blank", and the message keeps its words', async ({ browser, baseURL }) => {
  const { ana, ben } = await anaAndBenInDirectChat(browser, baseURL)
  await send(ana.page, 'See you at eight')
  const mine = messageRows(ana.page, 'See you at eight')
  await expect(mine.locator('xpath=self::*[@data-seq]')).toHaveCount(1)
  await mine.hover()
  await mine.getByRole('button', { name: 'Message actions' }).click()
  await menuItem(ana.page, 'Edit').click()
  await composer(ana.page).fill('\u200B\u200B')
  await expect(ana.page.getByText('A message cannot be blank')).toBeVisible()
  await expect(ana.page.getByRole('button', { name: 'Save' })).toBeDisabled()
  await composer(ana.page).press('Enter')
  await expect(composer(ana.page)).toHaveValue('\u200B\u200B')
  // Words again: the error goes, and the edit saves.
  await composer(ana.page).fill('See you at nine')
  await expect(ana.page.getByText('A message cannot be blank')).toHaveCount(0)
  await composer(ana.page).press('Enter')
  await expect(messageRows(ben.page, 'See you at nine')).toContainText('edited')
  await closeAll(ana, ben)
})
