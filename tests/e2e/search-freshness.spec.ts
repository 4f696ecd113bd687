import { expect, test } from '@playwright/test'
import { closeAll, createChannel, openApp, signUpPerson, type Person } from './chat-helpers'

// Message search shows what the server answers now (docs/ui.md, "Search follows deletions
// and edits"): a result deleted or edited while the dialog is open goes or shows its new
// words, and the dialog opened again searches again.

async function post(person: Person, chatId: string, content: string): Promise<string> {
  const response = await person.context.request.post(`/api/chats/${chatId}/messages`, { data: { content } })
  expect(response.status(), await response.text()).toBe(201)
  return (await response.json() as { id: string }).id
}

test('a result deleted or edited while the search is open goes or shows its new words, and reopened the search asks the server again', async ({ browser, baseURL }) => {
  const owner = await signUpPerson(browser, baseURL, 'Olga')
  const flood = await signUpPerson(browser, baseURL, 'Flo')
  const bob = await signUpPerson(browser, baseURL, 'Bob')
  const channel = await createChannel(owner, 'Town square', [flood, bob])
  const first = await post(flood, channel.id, 'slurXXXX first nasty thing')
  const second = await post(flood, channel.id, 'slurXXXX second nasty thing')
  const third = await post(flood, channel.id, 'slurXXXX third nasty thing')
  const fourth = await post(flood, channel.id, 'slurXXXX fourth nasty thing')

  await openApp(bob, '/')
  await bob.page.getByRole('button', { name: 'Search messages' }).click()
  const dialog = bob.page.getByRole('dialog', { name: 'Search messages' })
  await expect(dialog.getByRole('textbox', { name: 'Search' })).toBeFocused()
  await bob.page.keyboard.type('slurXXXX')
  const results = dialog.getByRole('list', { name: 'Search results' }).getByRole('link')
  await expect(results).toHaveCount(4)

  // While Bob looks: the owner deletes one, Flo rewords one (still found) and another (not).
  expect((await owner.context.request.delete(`/api/messages/${first}`)).status()).toBe(204)
  expect((await flood.context.request.patch(`/api/messages/${third}`, { data: { content: 'slurXXXX reworded kindly' } })).status()).toBe(200)
  expect((await flood.context.request.patch(`/api/messages/${fourth}`, { data: { content: 'all fine now' } })).status()).toBe(200)
  await expect(results).toHaveCount(2)
  await expect(dialog.getByText('first nasty thing')).toHaveCount(0)
  await expect(dialog.getByText('fourth nasty thing')).toHaveCount(0)
  await expect(dialog.getByText('all fine now')).toHaveCount(0)
  await expect(results.filter({ hasText: 'reworded kindly' })).toHaveCount(1)
  await expect(results.filter({ hasText: 'second nasty thing' })).toHaveCount(1)

  // Closed, then the owner deletes the other two and Flo writes again: opened again, the
  // search is the server's answer now, the new message in it.
  await bob.page.keyboard.press('Escape')
  await expect(dialog).toHaveCount(0)
  for (const id of [second, third]) expect((await owner.context.request.delete(`/api/messages/${id}`)).status()).toBe(204)
  await post(flood, channel.id, 'slurXXXX fifth nasty thing')
  await bob.page.getByRole('button', { name: 'Search messages' }).click()
  await expect(results.filter({ hasText: 'fifth nasty thing' })).toHaveCount(1)
  await expect(results).toHaveCount(1)
  await closeAll(owner, flood, bob)
})
