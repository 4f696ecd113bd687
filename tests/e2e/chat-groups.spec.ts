import { expect, test } from '@playwright/test'
import { uniqueName } from '../harness/api-client'
import { chatList, closeAll, composer, createChannel, createGroupChat, menuItem, messageRows, openApp, send, signUpPerson, type Person } from './chat-helpers'

test('a group is created and renamed, and its members see both live', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const cleo = await signUpPerson(browser, baseURL, 'Cleo')
  await openApp(ben)
  await openApp(cleo)
  await openApp(ana, '/people')

  await ana.page.getByRole('button', { name: 'New chat' }).click()
  await menuItem(ana.page, 'New group').click()
  const dialog = ana.page.getByRole('dialog')
  // A person starts typing once the name field has the focus (v-autofocus).
  const groupName = dialog.getByLabel('Group name', { exact: true })
  await expect(groupName).toBeFocused()
  await groupName.fill('Weekend plans')
  for (const person of [ben, cleo]) {
    await dialog.getByLabel('Members', { exact: true }).fill(person.username)
    await ana.page.locator('.v-overlay--active .v-list-item').filter({ hasText: `@${person.username}` }).click()
  }
  await dialog.getByRole('button', { name: 'Create' }).click()
  await expect(ana.page.getByRole('heading', { name: 'Weekend plans' })).toBeVisible()
  await send(ana.page, 'Who is in?')

  for (const person of [ben, cleo]) {
    const item = chatList(person.page).getByRole('link', { name: /Weekend plans/ })
    await expect(item).toBeVisible()
  }
  await chatList(ben.page).getByRole('link', { name: /Weekend plans/ }).click()
  await expect(messageRows(ben.page, 'Who is in?')).toHaveCount(1)

  // Ana renames it; Ben (looking at it) and Cleo (in the list) see the new name.
  await ana.page.getByRole('button', { name: 'Chat options' }).click()
  await menuItem(ana.page, 'Rename group').click()
  await ana.page.getByRole('dialog').getByLabel('Name', { exact: true }).fill('Lake trip')
  await ana.page.getByRole('dialog').getByRole('button', { name: 'Save' }).click()
  await expect(ben.page.getByRole('heading', { name: 'Lake trip' })).toBeVisible()
  await expect(chatList(cleo.page).getByRole('link', { name: /Lake trip/ })).toBeVisible()
  await send(ben.page, 'Me!')
  await expect(messageRows(ana.page, 'Me!')).toHaveCount(1)
  await closeAll(ana, ben, cleo)
})

test('a channel is joined from the directory', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const name = uniqueName('hikers')
  const created = await ana.context.request.post('/api/chats', { data: { type: 'channel', name, topic: 'Trails and peaks' } })
  expect(created.status()).toBe(201)
  const channel = await created.json()
  await openApp(ana, `/chats/${channel.id}`)

  await openApp(ben, '/channels')
  await ben.page.getByRole('textbox', { name: 'Search channels' }).fill(name)
  await ben.page.getByRole('button', { name: `Join ${name}` }).click()
  await expect(ben.page.getByRole('heading', { name })).toBeVisible()
  await expect(chatList(ben.page).getByRole('link', { name: new RegExp(name) })).toBeVisible()
  await expect(composer(ben.page)).toBeVisible()
  await send(ben.page, 'Hello hikers')
  await expect(messageRows(ana.page, 'Hello hikers')).toHaveCount(1)
  await closeAll(ana, ben)
})

test('group members are added, made admin and removed live; leaving and deleting ask first', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const cleo = await signUpPerson(browser, baseURL, 'Cleo')
  const group = await createGroupChat(ana, 'Book club', [ben])
  await openApp(ana, `/chats/${group.id}`)
  await openApp(ben, '/')
  await openApp(cleo, '/')

  // Ana adds Cleo from the members panel; the group appears in Cleo's list.
  await ana.page.getByRole('button', { name: 'Members', exact: true }).click()
  const panel = ana.page.getByRole('region', { name: 'Members' })
  await panel.getByRole('button', { name: 'Add people' }).click()
  await panel.getByLabel('People to add', { exact: true }).fill(cleo.username)
  await ana.page.locator('.v-overlay--active .v-list-item').filter({ hasText: `@${cleo.username}` }).click()
  await panel.getByRole('button', { name: 'Add', exact: true }).click()
  await expect(panel.getByRole('list').getByText(`@${cleo.username}`, { exact: true })).toBeVisible()
  // The live event can show Cleo before the server answered; the form closes with the answer.
  await expect(panel.getByRole('button', { name: 'Add people' })).toBeVisible()
  await expect(chatList(cleo.page).getByRole('link', { name: /Book club/ })).toBeVisible()

  // Ben becomes an admin.
  await panel.getByRole('button', { name: 'Actions for Ben' }).click()
  await menuItem(ana.page, 'Make admin').click()
  await expect(panel.getByRole('listitem').filter({ hasText: `@${ben.username}` }).or(panel.locator('.v-list-item').filter({ hasText: `@${ben.username}` })).first()).toContainText('admin')
  // The panel shows the new role at once (optimistically); the server has it once it answered.
  await expect.poll(async () => {
    const members = await (await ana.context.request.get(`/api/chats/${group.id}/members`)).json()
    return members.items.find((member: { user: { id: string } }) => member.user.id === ben.id).role
  }).toBe('admin')

  // Removing Cleo asks first, naming her and what happens; Cancel changes nothing.
  await panel.getByRole('button', { name: 'Actions for Cleo' }).click()
  await menuItem(ana.page, 'Remove from group').click()
  const confirmRemove = ana.page.getByRole('dialog')
  await expect(confirmRemove).toContainText('Remove Cleo from Book club?')
  await expect(confirmRemove).toContainText('Cleo loses the group Book club and its messages')
  await confirmRemove.getByRole('button', { name: 'Cancel' }).click()
  await expect(confirmRemove).toHaveCount(0)
  await expect(panel.getByText(`@${cleo.username}`)).toBeVisible()
  expect((await cleo.context.request.get(`/api/chats/${group.id}`)).status()).toBe(200)
  await expect(chatList(cleo.page).getByRole('link', { name: /Book club/ })).toBeVisible()
  // Confirmed, Cleo is removed; the group leaves her list.
  await panel.getByRole('button', { name: 'Actions for Cleo' }).click()
  await menuItem(ana.page, 'Remove from group').click()
  await confirmRemove.getByRole('button', { name: 'Remove' }).click()
  await expect(confirmRemove).toHaveCount(0)
  await expect(panel.getByText(`@${cleo.username}`)).toHaveCount(0)
  await expect(chatList(cleo.page).getByRole('link', { name: /Book club/ })).toHaveCount(0)

  // Ben leaves, after confirming.
  await chatList(ben.page).getByRole('link', { name: /Book club/ }).click()
  // The server's removal event reaches the tab before the answer to the leave, as it can.
  await ben.page.route(`**/api/chats/${group.id}/leave`, async (route) => {
    const response = await route.fetch()
    await expect(chatList(ben.page).getByRole('link', { name: /Book club/ })).toHaveCount(0)
    await route.fulfill({ response })
  })
  await ben.page.getByRole('button', { name: 'Chat options' }).click()
  await menuItem(ben.page, 'Leave group').click()
  const confirmLeave = ben.page.getByRole('dialog')
  await expect(confirmLeave).toContainText('Leave Book club?')
  await confirmLeave.getByRole('button', { name: 'Leave' }).click()
  await expect(ben.page).not.toHaveURL(new RegExp(group.id))
  await expect(chatList(ben.page).getByRole('link', { name: /Book club/ })).toHaveCount(0)
  // Leaving is not news to the one who left (the server's removal event came on the way):
  // two frames on, no snackbar says otherwise.
  await ben.page.evaluate(() => new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve))))
  expect((await ben.page.locator('.v-snackbar').allTextContents()).join(' ')).not.toMatch(/removed from this chat|no longer a member/)

  // Ana deletes it, after confirming.
  await ana.page.getByRole('button', { name: 'Chat options' }).click()
  await menuItem(ana.page, 'Delete group').click()
  await ana.page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click()
  await expect(chatList(ana.page).getByRole('link', { name: /Book club/ })).toHaveCount(0)
  expect((await ana.context.request.get(`/api/chats/${group.id}`)).status()).toBe(404)
  await closeAll(ana, ben, cleo)
})

test('a role given, or handed over when the owner leaves, shows live to everyone with what it lets them do', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const cleo = await signUpPerson(browser, baseURL, 'Cleo')
  const group = await createGroupChat(ana, 'Garden', [ben, cleo])
  const memberRow = (person: Person, of: Person) => person.page.getByRole('region', { name: 'Members' }).locator('.v-list-item').filter({ hasText: `@${of.username}` })
  for (const person of [ben, cleo]) {
    await openApp(person, `/chats/${group.id}`)
    await person.page.getByRole('button', { name: 'Members', exact: true }).click()
    // The pane opened by the button has the focus.
    await expect(person.page.getByRole('button', { name: 'Close members' })).toBeFocused()
    await expect(memberRow(person, ana)).toContainText('owner')
  }
  await expect(ben.page.getByRole('button', { name: 'Add people' })).toHaveCount(0)

  // Ana makes Ben an admin: Ben may add people now, and Cleo sees his role.
  expect((await ana.context.request.patch(`/api/chats/${group.id}/members/${ben.id}`, { data: { role: 'admin' } })).status()).toBe(200)
  await expect(memberRow(cleo, ben)).toContainText('admin')
  await expect(memberRow(ben, ben)).toContainText('admin')
  await expect(ben.page.getByRole('button', { name: 'Add people' })).toBeVisible()

  // Ana leaves: Ben, the longest-standing admin, is the owner, and may rename the group.
  expect((await ana.context.request.post(`/api/chats/${group.id}/leave`)).status()).toBe(204)
  await expect(memberRow(cleo, ben)).toContainText('owner')
  await ben.page.getByRole('button', { name: 'Chat options' }).click()
  await expect(menuItem(ben.page, 'Rename group')).toBeVisible()
  await expect(menuItem(ben.page, 'Delete group')).toBeVisible()

  // Escape closes the innermost layer: a member's menu first, then the members pane, and
  // the focus goes back to the button that opened the pane.
  await memberRow(cleo, ben).getByRole('button', { name: 'Actions for Ben' }).focus()
  await cleo.page.keyboard.press('Enter')
  await expect(menuItem(cleo.page, 'Message')).toBeVisible()
  await cleo.page.keyboard.press('Escape')
  await expect(cleo.page.locator('.v-overlay--active')).toHaveCount(0)
  await expect(cleo.page.getByRole('region', { name: 'Members' })).toBeVisible()
  await cleo.page.keyboard.press('Escape')
  await expect(cleo.page.getByRole('region', { name: 'Members' })).toHaveCount(0)
  await expect(cleo.page.getByRole('button', { name: 'Members', exact: true })).toBeFocused()
  await closeAll(ana, ben, cleo)
})

test('in a channel, someone typing is named even before they have said anything', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  // A channel's member list is never loaded whole: Ben's name is in nothing Ana holds.
  const channel = await createChannel(ana, uniqueName('quiet'), [ben])
  await openApp(ana, `/chats/${channel.id}`)
  await openApp(ben, `/chats/${channel.id}`)
  await composer(ben.page).pressSequentially('Hello every')
  await expect(ana.page.getByTestId('typing-line')).toHaveText('Ben is typing...')
  await closeAll(ana, ben)
})

test('a channel\'s owner makes a member admin and removes another from the members panel; members see who is online', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const cleo = await signUpPerson(browser, baseURL, 'Cleo')
  const channel = await createChannel(ana, `garden-${ana.username}`, [ben, cleo])
  await openApp(cleo, '/')
  await openApp(ana, `/chats/${channel.id}`)
  await ana.page.getByRole('button', { name: 'Members', exact: true }).click()
  const panel = ana.page.getByRole('region', { name: 'Members' })
  const row = (person: Person) => panel.locator('.v-list-item').filter({ hasText: `@${person.username}` })
  // The presence dot is named for screen readers (Cleo has the app open, Ben has not).
  await expect(row(cleo).getByRole('status', { name: 'Online' })).toBeAttached()
  await expect(row(ben).getByRole('status', { name: 'Offline' })).toBeAttached()

  await panel.getByRole('button', { name: 'Actions for Ben' }).click()
  await menuItem(ana.page, 'Make admin').click()
  await expect(row(ben)).toContainText('admin')

  await panel.getByRole('button', { name: 'Actions for Cleo' }).click()
  await menuItem(ana.page, 'Remove from channel').click()
  const confirmRemove = ana.page.getByRole('dialog')
  await expect(confirmRemove).toContainText(`Remove Cleo from garden-${ana.username}?`)
  await expect(confirmRemove).toContainText('can join it again')
  await confirmRemove.getByRole('button', { name: 'Remove' }).click()
  await expect(row(cleo)).toHaveCount(0)
  await expect(chatList(cleo.page).getByRole('link', { name: new RegExp(`garden-${ana.username}`) })).toHaveCount(0)
  const members = await (await ana.context.request.get(`/api/chats/${channel.id}/members`)).json() as { items: { user: { id: string }, role: string }[] }
  expect(members.items.map(member => [member.user.id, member.role]).sort()).toEqual([[ana.id, 'owner'], [ben.id, 'admin']].sort())
  await closeAll(ana, ben, cleo)
})

test('a channel\'s header says how many members it has from the first paint, and opening its members does not change it', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const cleo = await signUpPerson(browser, baseURL, 'Cleo')
  const channel = await createChannel(ana, uniqueName('orchard'), [ben, cleo])
  const group = await createGroupChat(ana, 'Orchard crew', [ben, cleo])
  await openApp(cleo, '/')
  // A group's members come with it: who of them is online shows at once.
  await openApp(ana, `/chats/${group.id}`)
  await expect(ana.page.getByTestId('chat-subtitle')).toHaveText('3 members · 1 online')

  // A channel's member list is never loaded whole, so its header counts members only,
  // the same before and after the members panel loaded them (Cleo is online, Ben is not).
  // (A channel notifies of mentions only until its member says otherwise.)
  await chatList(ana.page).getByRole('link', { name: new RegExp(channel.name!) }).click()
  const subtitle = ana.page.getByTestId('chat-subtitle')
  await expect(subtitle).toHaveText('3 members · Mentions only')
  await ana.page.getByRole('button', { name: 'Members', exact: true }).click()
  const panel = ana.page.getByRole('region', { name: 'Members' })
  await expect(panel.locator('.v-list-item').filter({ hasText: `@${cleo.username}` }).getByRole('status', { name: 'Online' })).toBeAttached()
  await expect(subtitle).toHaveText('3 members · Mentions only')
  await closeAll(ana, ben, cleo)
})

test('a channel opened by its link before joining offers no reaction or reply on its messages; after Join it does', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const channel = await createChannel(ana, uniqueName('porch'), [])
  const posted = await ana.context.request.post(`/api/chats/${channel.id}/messages`, { data: { content: 'Who is coming Saturday?' } })
  expect(posted.status()).toBe(201)
  const { id } = await posted.json() as { id: string }
  expect((await ana.context.request.put(`/api/messages/${id}/reactions/${encodeURIComponent('👍')}`)).status()).toBe(200)

  // Ben reads the channel as its link shows it, not joined: what needs membership is not offered.
  await openApp(ben, `/chats/${channel.id}`)
  const join = ben.page.getByRole('button', { name: 'Join channel' })
  await expect(join).toBeVisible()
  const row = messageRows(ben.page, 'Who is coming Saturday?')
  await row.hover()
  await expect(row.getByText('👍 1')).toBeVisible()
  await expect(row.getByRole('button', { name: '👍 1' })).toHaveCount(0)
  await expect(row.getByRole('button', { name: 'Add reaction' })).toHaveCount(0)
  await row.getByRole('button', { name: 'Message actions' }).click()
  const menu = ben.page.getByRole('menu', { name: 'Message actions' })
  await expect(menu.getByRole('menuitem')).toHaveText(['Copy text', 'Copy link'])
  await expect(menu.getByRole('button', { name: /^React with/ })).toHaveCount(0)
  await ben.page.keyboard.press('Escape')
  await expect(menu).toBeHidden()

  // Joined, he may react and reply.
  await join.click()
  await expect(composer(ben.page)).toBeVisible()
  await row.hover()
  await expect(row.getByRole('button', { name: 'Add reaction' })).toBeVisible()
  await expect(row.getByRole('button', { name: '👍 1', pressed: false })).toBeVisible()
  await row.getByRole('button', { name: 'Message actions' }).click()
  await expect(menu.getByRole('menuitem')).toHaveText(['Reply', 'Copy text', 'Copy link'])
  await expect(menu.getByRole('button', { name: 'React with 👍' })).toBeVisible()
  await menuItem(ben.page, 'Reply').click()
  await expect(composer(ben.page)).toHaveAccessibleDescription(/^Replying to Ana: Who is coming Saturday\?/)
  expect(ben.dialogs).toEqual([])
  await closeAll(ana, ben)
})
