import { expect, test } from '@playwright/test'
import { api, signUp, uniqueName } from '../harness/api-client'
import { chatList, closeAll, composer, createChannel, createDirectChat, createGroupChat, messageLog, messageRows, openApp, postMessage, send, signUpPerson } from './chat-helpers'

/** `count` guests join the channel (guests: no password to hash, so fifty join in moments). */
async function crowdJoins(baseURL: string, chatId: string, count: number) {
  await Promise.all(Array.from({ length: count }, async (_, index) => {
    const guest = await api<{ accessToken: string }>(baseURL, null, 'POST', '/api/auth/guest', { username: uniqueName(`crowd${index}`) })
    expect(guest.status).toBe(201)
    expect((await api(baseURL, { token: guest.body.accessToken }, 'POST', `/api/chats/${chatId}/join`)).status).toBe(200)
  }))
}

test('an @ completion mentions a member, who sees the highlight, the @ badge and the jump to the mention', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const cy = await signUpPerson(browser, baseURL, 'Cy')
  const group = await createGroupChat(ana, 'Planning', [ben, cy])
  await openApp(ana, `/chats/${group.id}`)
  // Ben has another chat open.
  const direct = await createDirectChat(cy, ben)
  await openApp(ben, `/chats/${direct.id}`)

  // Ana types "@" and the first letters of Ben's name; the list offers Ben, the keyboard picks him.
  await composer(ana.page).click()
  await composer(ana.page).pressSequentially(`see @${ben.username.slice(0, 4)}`)
  const options = ana.page.getByRole('listbox', { name: 'People to mention' })
  await expect(options.getByRole('option').first()).toContainText(`@${ben.username}`)
  await expect(composer(ana.page)).toHaveAttribute('aria-expanded', 'true')
  await composer(ana.page).press('ArrowDown')
  await composer(ana.page).press('ArrowUp')
  await composer(ana.page).press('Enter')
  await expect(options).toBeHidden()
  await expect(composer(ana.page)).toHaveValue(`see @${ben.username} `)
  await composer(ana.page).pressSequentially('the plan')
  await composer(ana.page).press('Enter')

  // Ben, on another page, sees the chat with an @ badge and a label that says so.
  const item = chatList(ben.page).locator(`[data-chat-id="${group.id}"]`)
  await expect(item.getByTestId('mention-badge')).toBeVisible()
  await expect(item).toHaveAttribute('aria-label', /1 mention/)

  // In the chat, his name stands out, and the message is marked as mentioning him.
  await item.click()
  const mention = messageLog(ben.page).locator(`.mention[data-mention="${ben.username.toLowerCase()}"]`)
  await expect(mention).toHaveText(`@${ben.username}`)
  await expect(mention).toHaveClass(/mention--me/)
  await expect(messageLog(ben.page).locator('[data-mentions-me]')).toHaveCount(1)
  // Read: the badge goes.
  await expect(item.getByTestId('mention-badge')).toHaveCount(0)

  // Cy sees the same mention, highlighted less (not his name), and no badge.
  await openApp(cy, `/chats/${group.id}`)
  const seen = messageLog(cy.page).locator('.mention').first()
  await expect(seen).toBeVisible()
  await expect(seen).not.toHaveClass(/mention--me/)
  await expect(chatList(cy.page).locator(`[data-chat-id="${group.id}"]`).getByTestId('mention-badge')).toHaveCount(0)
  expect(ana.dialogs.concat(ben.dialogs, cy.dialogs)).toEqual([])
  await closeAll(ana, ben, cy)
})

test('"@ever" offers @everyone, which mentions the whole chat: the other member sees it as a mention of them', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const group = await createGroupChat(ana, 'Release', [ben])
  await openApp(ana, `/chats/${group.id}`)
  await openApp(ben, `/chats/${group.id}`)

  // Ana, used to Slack, types "@ever": the list offers @everyone, and Enter picks it.
  await composer(ana.page).click()
  await composer(ana.page).pressSequentially('ship it @ever')
  const options = ana.page.getByRole('listbox', { name: 'People to mention' })
  await expect(options.getByRole('option')).toHaveCount(1)
  await expect(options.getByRole('option')).toContainText('@everyone')
  await composer(ana.page).press('Enter')
  await expect(composer(ana.page)).toHaveValue('ship it @everyone ')
  await composer(ana.page).pressSequentially('at 5')
  await composer(ana.page).press('Enter')

  // Ben sees it as the chat-wide mention it is, standing out as his; Ana sees it highlighted, not as hers.
  const mention = messageRows(ben.page, 'at 5').locator('.mention[data-mention="everyone"]')
  await expect(mention).toHaveText('@everyone')
  await expect(mention).toHaveClass(/mention--me/)
  await expect(messageRows(ben.page, 'at 5')).toHaveAttribute('data-mentions-me')
  await expect(messageRows(ana.page, 'at 5').locator('.mention[data-mention="everyone"]')).not.toHaveClass(/mention--me/)
  expect(ana.dialogs.concat(ben.dialogs)).toEqual([])
  await closeAll(ana, ben)
})

test('"Jump to next mention" brings the next unread mention not yet on screen into view, and goes once each has been shown', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const group = await createGroupChat(ana, 'Long talk', [ben])
  await postMessage(ana, group.id, `@${ben.username} this one is for you`)
  for (let index = 0; index < 40; index++) await postMessage(ana, group.id, `filler line ${index}`)
  await postMessage(ana, group.id, `@${ben.username} and this one too`)
  for (let index = 0; index < 5; index++) await postMessage(ana, group.id, `closing line ${index}`)
  await openApp(ben, `/chats/${group.id}`)
  // The chat opens at the first unread message, the first mention: the button offers the second.
  const mentions = messageLog(ben.page).locator('[data-mentions-me]')
  await expect(mentions.first()).toBeInViewport()
  await expect(mentions.last()).not.toBeInViewport()
  await ben.page.getByTestId('next-mention').click()
  await expect(mentions.last()).toBeInViewport()
  // Both have been on screen: nothing is left to jump to.
  await expect(ben.page.getByTestId('next-mention')).toHaveCount(0)
  await closeAll(ana, ben)
})

test('in a channel the @ completion searches its members by prefix, and Tab picks from the keyboard', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const channel = await createChannel(ana, `trail-${ben.username}`, [ben])
  await openApp(ana, `/chats/${channel.id}`)
  // Ben has another chat open.
  const direct = await createDirectChat(ben, ana)
  await openApp(ben, `/chats/${direct.id}`)

  // A channel's members may be thousands: the list comes from a search of its members by the typed prefix.
  const searches: string[] = []
  ana.page.on('request', (request) => {
    const url = new URL(request.url())
    if (url.pathname === `/api/chats/${channel.id}/members`) searches.push(url.searchParams.get('q') ?? '')
  })
  await composer(ana.page).click()
  // Every test's Ben starts "ben_": Ana types until only hers is left, as a person would.
  const typed = ben.username.slice(0, -1)
  await composer(ana.page).pressSequentially(`ping @${typed}`)
  const options = ana.page.getByRole('listbox', { name: 'People to mention' })
  await expect(options.getByRole('option').first()).toContainText(`@${ben.username}`)
  // (The request may have gone for fewer letters, as they were typed.)
  expect(searches.some(typed => typed !== '' && ben.username.startsWith(typed))).toBe(true)
  // Escape closes the list; typing on opens it again; Tab picks.
  await composer(ana.page).press('Escape')
  await expect(options).toBeHidden()
  await composer(ana.page).pressSequentially(ben.username.slice(-1))
  await expect(options.getByRole('option').first()).toContainText(`@${ben.username}`)
  await composer(ana.page).press('Tab')
  await expect(composer(ana.page)).toHaveValue(`ping @${ben.username} `)
  await composer(ana.page).press('Enter')

  // Ben, a member, is mentioned: the @ badge on the channel.
  await expect(chatList(ben.page).locator(`[data-chat-id="${channel.id}"]`).getByTestId('mention-badge')).toBeVisible()
  expect(ana.dialogs.concat(ben.dialogs)).toEqual([])
  await closeAll(ana, ben)
})

test('an unread message deleted by its sender leaves the unread and mention counts at once', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const group = await createGroupChat(ben, 'Oops', [ana])
  await openApp(ana, '/people')
  const sent: { id: string }[] = []
  for (const content of ['first', `wrong chat @${ana.username}`, 'third']) {
    const response = await ben.context.request.post(`/api/chats/${group.id}/messages`, { data: { content } })
    expect(response.status()).toBe(201)
    sent.push(await response.json())
  }
  const item = chatList(ana.page).getByRole('link', { name: /Oops/ })
  await expect(item.getByTestId('unread-badge')).toHaveText('3')
  await expect(item.getByTestId('mention-badge')).toBeVisible()
  await expect(ana.page).toHaveTitle(/^\(3\)/)

  expect((await ben.context.request.delete(`/api/messages/${sent[1]!.id}`)).status()).toBe(204)
  await expect(item.getByTestId('unread-badge')).toHaveText('2')
  await expect(item.getByTestId('mention-badge')).toHaveCount(0)
  await expect(ana.page).toHaveTitle(/^\(2\)/)
  await closeAll(ana, ben)
})

test('in a channel of more than 50, a plain member is not offered @all or @here, and a mention that mentions nobody is plain text for everyone', async ({ browser, baseURL }) => {
  // Fifty people join before anything is looked at: a net for a loaded machine, as other specs' single pair of people has.
  test.setTimeout(120_000)
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const bob = await signUpPerson(browser, baseURL, 'Bob')
  // Cy has an account but is not in the channel.
  const cy = await signUp(baseURL!, 'cy')
  const channel = await createChannel(ana, `standup-${bob.username}`, [bob])
  await crowdJoins(baseURL!, channel.id, 50)
  await openApp(ana, `/chats/${channel.id}`)
  await openApp(bob, `/chats/${channel.id}`)
  await expect(bob.page.getByText('52 members')).toBeVisible()

  // Bob, a plain member, types "@al": nothing offers to address all 52.
  const options = bob.page.getByRole('listbox', { name: 'People to mention' })
  await composer(bob.page).click()
  await composer(bob.page).pressSequentially('@al')
  await expect(composer(bob.page)).toHaveValue('@al')
  await expect(options.getByRole('option', { name: /@all/ })).toHaveCount(0)
  await composer(bob.page).fill('')
  await composer(bob.page).pressSequentially('@he')
  await expect(options.getByRole('option', { name: /@here/ })).toHaveCount(0)
  await composer(bob.page).fill('')
  // He writes them anyway, and names Cy, who is not in the channel: the server mentions nobody.
  await send(bob.page, '@all standup moved to 10')
  await send(bob.page, 'and @here too')
  await send(bob.page, `ask @${cy.username} about it`)
  await send(bob.page, `@${ana.username} can you confirm`)

  // Ana, the owner, is offered @all, and her @all reaches Bob.
  await composer(ana.page).click()
  await composer(ana.page).pressSequentially('@al')
  await expect(ana.page.getByRole('listbox', { name: 'People to mention' }).getByRole('option', { name: /@all/ })).toBeVisible()
  await composer(ana.page).fill('')
  await send(ana.page, '@all the owner says hello')

  for (const person of [ana, bob]) {
    // Once the owner's @all is on screen (highlighted), Bob's earlier messages are too: plain text.
    const owners = messageRows(person.page, 'the owner says hello').locator('.mention[data-mention="all"]')
    await expect(owners).toBeVisible()
    for (const text of ['standup moved to 10', 'and @here too', 'about it']) {
      await expect(messageRows(person.page, text)).toBeVisible()
      await expect(messageRows(person.page, text).locator('.mention')).toHaveCount(0)
    }
    // Ana's name, in the chat, is a mention: highlighted for both, as hers on her screen.
    await expect(messageRows(person.page, 'can you confirm').locator('.mention')).toHaveText(`@${ana.username}`)
  }
  // Bob is mentioned by the owner's @all; the owner's own @all is no mention of her.
  await expect(messageRows(bob.page, 'the owner says hello').locator('.mention--me')).toHaveText('@all')
  await expect(messageRows(ana.page, 'the owner says hello').locator('.mention--me')).toHaveCount(0)
  await expect(messageRows(ana.page, 'can you confirm').locator('.mention--me')).toHaveText(`@${ana.username}`)
  await expect(messageRows(bob.page, 'can you confirm').locator('.mention--me')).toHaveCount(0)
  // Only the message naming her mentions Ana, as the server counted it.
  await expect(messageLog(ana.page).locator('[data-mentions-me]')).toHaveCount(1)
  const stored = await (await bob.context.request.get(`/api/chats/${channel.id}/messages`)).json() as { items: { content: string, mentions: string[], mentionsAll: boolean }[] }
  expect(stored.items.filter(message => message.mentionsAll).map(message => message.content)).toEqual(['@all the owner says hello'])
  expect(ana.dialogs.concat(bob.dialogs)).toEqual([])
  await closeAll(ana, bob)
})

test('in a channel the @ completion offers only its members: a non-member whose name matches is not offered', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const tag = uniqueName('pal')
  const channel = await createChannel(ana, `crew-${tag}`, [])
  // Two members and two outsiders share the typed prefix: by username, and by display name.
  const members = [
    await signUp(baseURL!, { username: `${tag}a`, displayName: 'Member by username' }),
    await signUp(baseURL!, { username: uniqueName('zed'), displayName: `${tag} Member` }),
  ]
  const outsiders = [
    await signUp(baseURL!, { username: `${tag}b`, displayName: 'Outsider by username' }),
    await signUp(baseURL!, { username: uniqueName('zed'), displayName: `${tag} Outsider` }),
  ]
  for (const member of members) expect((await api(baseURL!, { token: member.token }, 'POST', `/api/chats/${channel.id}/join`)).status).toBe(200)
  await openApp(ana, `/chats/${channel.id}`)

  await composer(ana.page).click()
  await composer(ana.page).pressSequentially(`ask @${tag}`)
  const options = ana.page.getByRole('listbox', { name: 'People to mention' })
  for (const member of members) await expect(options.getByRole('option', { name: `@${member.username}` })).toBeVisible()
  // The list holds the two members alone: a mention of an outsider would notify nobody.
  await expect(options.getByRole('option')).toHaveCount(2)
  for (const outsider of outsiders) await expect(options.getByRole('option', { name: `@${outsider.username}` })).toHaveCount(0)
  await composer(ana.page).press('Enter')
  await expect(composer(ana.page)).toHaveValue(new RegExp(`^ask @(${members.map(member => member.username).join('|')}) $`))
  expect(ana.dialogs).toEqual([])
  await closeAll(ana)
})

test('the @ completion finds a name that starts with a letter outside ASCII: "@Ér" offers Érica, "@мар" offers Мария', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  // Usernames are ASCII (shared/schemas/auth.ts); display names are not.
  const erica = await signUp(baseURL!, { username: uniqueName('erica'), displayName: 'Érica' })
  const maria = await signUp(baseURL!, { username: uniqueName('maria'), displayName: 'Мария' })
  const channel = await createChannel(ana, `mundo-${erica.username}`, [])
  for (const member of [erica, maria]) expect((await api(baseURL!, { token: member.token }, 'POST', `/api/chats/${channel.id}/join`)).status).toBe(200)
  const created = await ana.context.request.post('/api/chats', { data: { type: 'group', name: 'Amigos', memberIds: [erica.id, maria.id] } })
  expect(created.status()).toBe(201)
  const group = await created.json() as { id: string }
  const options = ana.page.getByRole('listbox', { name: 'People to mention' })

  // In a channel (the server's search of its members) and in a group (the loaded members).
  for (const chat of [channel, group]) {
    await openApp(ana, `/chats/${chat.id}`)
    await composer(ana.page).click()
    await composer(ana.page).pressSequentially('hola @Ér')
    await expect(options.getByRole('option', { name: `@${erica.username}` })).toBeVisible()
    await expect(options.getByRole('option', { name: `@${maria.username}` })).toHaveCount(0)
    await composer(ana.page).press('Enter')
    await expect(composer(ana.page)).toHaveValue(`hola @${erica.username} `)
    // Lower case finds the capital: "мар" is "Мар".
    await composer(ana.page).pressSequentially('y @мар')
    await expect(options.getByRole('option', { name: `@${maria.username}` })).toBeVisible()
    await composer(ana.page).press('Tab')
    await expect(composer(ana.page)).toHaveValue(`hola @${erica.username} y @${maria.username} `)
    // Inside an address it stays text: no list opens.
    await composer(ana.page).pressSequentially('mail é@Ér')
    await expect(composer(ana.page)).toHaveAttribute('aria-expanded', 'false')
    await expect(options).toBeHidden()
    await composer(ana.page).fill('')
  }
  expect(ana.dialogs).toEqual([])
  await closeAll(ana)
})
