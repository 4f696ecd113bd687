import { expect, test } from '@playwright/test'
import { closeAll, composer, createChannel, messageRows, openApp, postMessage, send, signUpPerson } from './chat-helpers'

// A public channel looked at before joining is live, as in Slack's and Element's previews:
// the socket watches it while it is shown (`chat.watch`, docs/api-realtime.md, "Watching a
// channel before joining"), and Join hands over to the membership.

test('a person previewing a channel sees a new message and a topic change live, then joins and sends, each message shown once', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const channel = await createChannel(ana, `lookout-${ben.username}`, [])
  await postMessage(ana, channel.id, 'Before Ben looked')
  await openApp(ben, `/chats/${channel.id}`)
  await expect(messageRows(ben.page, 'Before Ben looked')).toHaveCount(1)
  await expect(ben.page.getByRole('button', { name: 'Join channel' })).toBeVisible()

  // Whenever the watch begins (the socket may still be connecting), nothing is missed:
  // what came before it arrives with the catch-up and the read of the channel its answer
  // starts, what comes after it live.
  await postMessage(ana, channel.id, 'live check')
  await expect(messageRows(ben.page, 'live check')).toHaveCount(1)
  const renamed = await ana.context.request.patch(`/api/chats/${channel.id}`, { data: { topic: 'Fog on the ridge today' } })
  expect(renamed.status()).toBe(200)
  await expect(ben.page.getByText('Fog on the ridge today')).toBeVisible()
  await postMessage(ana, channel.id, 'still live')
  await expect(messageRows(ben.page, 'still live')).toHaveCount(1)

  await ben.page.getByRole('button', { name: 'Join channel' }).click()
  await expect(composer(ben.page)).toBeVisible()
  await send(ben.page, 'Ben here, joined')
  await postMessage(ana, channel.id, 'Welcome, Ben')
  await expect(messageRows(ben.page, 'Welcome, Ben')).toHaveCount(1)
  await expect(messageRows(ben.page, 'Ben here, joined')).toHaveCount(1)
  await expect(messageRows(ben.page, 'live check')).toHaveCount(1)
  await closeAll(ana, ben)
})
