import { expect, test } from '@playwright/test'
import { chatList, closeAll, hideableTab, createDirectChat, createGroupChat, menuItem, messageLog, openApp, postMessage, signUpPerson, type Person } from './chat-helpers'

interface Shown { title: string, body: string | undefined }

/** Records every notification the page creates; the tab can be hidden (`hideableTab`). */
async function watchNotifications(person: Person, baseURL: string) {
  await person.context.grantPermissions(['notifications'], { origin: baseURL })
  const tab = await hideableTab(person)
  await person.page.addInitScript(() => {
    const shown: { title: string, body: string | undefined }[] = []
    const instances: Notification[] = []
    const Native = window.Notification
    class Recorded extends Native {
      constructor(title: string, options?: NotificationOptions) {
        // A name is wrapped in invisible isolation marks (FSI, PDI: docs/ui.md); what a person reads is without them.
        shown.push({ title: title.replace(/[\u2068\u2069]/g, ''), body: options?.body })
        super(title, options)
        instances.push(this)
      }
    }
    Object.assign(window, {
      Notification: Recorded,
      __shownNotifications: shown,
      // What the browser does when the person clicks the notification.
      __clickNotification: (index: number) => instances[index]!.dispatchEvent(new Event('click')),
    })
  })
  return {
    shown: () => person.page.evaluate(() => (window as unknown as { __shownNotifications: Shown[] }).__shownNotifications.slice()),
    setHidden: tab.setHidden,
    click: (index: number) => person.page.evaluate(value => (window as unknown as { __clickNotification: (index: number) => void }).__clickNotification(value), index),
  }
}

test('a new message notifies while the tab is hidden, once turned on, and never while it is visible', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const direct = await createDirectChat(ben, ana)
  const group = await createGroupChat(ben, 'Night owls', [ana])
  const notifications = await watchNotifications(ana, baseURL!)
  await openApp(ana, '/')

  // Turned on from the account menu (the browser has granted the permission).
  await ana.page.getByRole('button', { name: 'Account menu' }).click()
  const toggle = ana.page.getByRole('checkbox', { name: 'Desktop notifications' })
  await toggle.click()
  await expect(toggle).toBeChecked()
  await expect(ana.page.getByText('On while Parley is in the background')).toBeVisible()
  await ana.page.keyboard.press('Escape')

  // Visible: the message shows in the list, and no notification.
  await postMessage(ben, direct.id, 'You can see this already')
  await expect(chatList(ana.page).getByText('You can see this already')).toBeVisible()
  expect(await notifications.shown()).toEqual([])

  // Hidden: each new message from someone else notifies, naming the sender (and the group).
  await notifications.setHidden(true)
  // The body is the message's words: its Markdown is not shown raw.
  await postMessage(ben, direct.id, 'Are you **still** up?')
  await expect.poll(notifications.shown).toEqual([{ title: 'Ben', body: 'Are you still up?' }])
  await postMessage(ben, group.id, '<b>Owls</b> unite')
  await expect.poll(notifications.shown).toEqual([
    { title: 'Ben', body: 'Are you still up?' },
    { title: 'Ben in Night owls', body: '<b>Owls</b> unite' },
  ])

  // Visible again: nothing more.
  await notifications.setHidden(false)
  await postMessage(ben, direct.id, 'Good, you are back')
  await expect(chatList(ana.page).getByText('Good, you are back')).toBeVisible()
  expect(await notifications.shown()).toHaveLength(2)
  await closeAll(ana, ben)
})

test('a muted chat shows no notification while a mention in a "mentions only" chat does', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const quiet = await createGroupChat(ben, 'Quiet room', [ana])
  const busy = await createGroupChat(ben, 'Busy room', [ana])
  const direct = await createDirectChat(ben, ana)
  const notifications = await watchNotifications(ana, baseURL!)
  await ana.page.addInitScript(() => localStorage.setItem('parley:notifications', 'true'))

  // Ana mutes one group and sets the other to mentions only, from each chat's menu.
  await openApp(ana, `/chats/${quiet.id}`)
  await ana.page.getByRole('button', { name: 'Chat options' }).click()
  await menuItem(ana.page, 'Mute until I turn it back on').click()
  await expect(chatList(ana.page).locator(`[data-chat-id="${quiet.id}"]`)).toHaveAttribute('aria-label', /muted/)
  // The chat says so where the person looks: its header, and a bell in the list.
  await expect(ana.page.getByTestId('chat-subtitle')).toContainText('Muted')
  await expect(chatList(ana.page).locator(`[data-chat-id="${quiet.id}"]`).getByTestId('muted-icon')).toBeVisible()
  await chatList(ana.page).locator(`[data-chat-id="${busy.id}"]`).click()
  await ana.page.getByRole('button', { name: 'Chat options' }).click()
  await menuItem(ana.page, 'Notify me of mentions only').click()
  await expect(ana.page.getByTestId('chat-subtitle')).toContainText('Mentions only')
  await chatList(ana.page).locator(`[data-chat-id="${direct.id}"]`).click()
  await expect(ana.page).toHaveURL(new RegExp(direct.id))

  await notifications.setHidden(true)
  await postMessage(ben, quiet.id, 'Nobody hears this')
  await postMessage(ben, busy.id, 'Chatter without a name')
  await postMessage(ben, busy.id, `**@${ana.username}** can you look?`)
  await expect.poll(notifications.shown).toEqual([{ title: 'Ben in Busy room', body: `@${ana.username} can you look?` }])

  // The muted chat's badge is dimmed and left out of the title's total (only Busy room's 2).
  const quietItem = chatList(ana.page).locator(`[data-chat-id="${quiet.id}"]`)
  await expect(quietItem.getByTestId('unread-badge')).toHaveAttribute('data-muted', 'true')
  await expect(quietItem.getByRole('status', { name: /^\d+ unread, muted$/ })).toBeVisible()
  await expect(ana.page).toHaveTitle(/^\(2\) /)
  expect(await notifications.shown()).toHaveLength(1)

  // A click on the notification opens its chat (Ana was in the direct chat).
  await notifications.click(0)
  await expect(ana.page).toHaveURL(new RegExp(`/chats/${busy.id}$`))
  await expect(messageLog(ana.page).getByText('can you look?')).toBeVisible()
  await closeAll(ana, ben)
})

test('a chat muted in one tab is muted in the person\'s other tab at once', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben')
  const group = await createGroupChat(ben, 'Loud room', [ana])
  const direct = await createDirectChat(ben, ana)
  await openApp(ana, `/chats/${group.id}`)
  // A second tab of Ana's, in the same browser, looking at another chat.
  const other = await ana.context.newPage()
  await openApp({ ...ana, page: other }, `/chats/${direct.id}`)
  const elsewhere = chatList(other).locator(`[data-chat-id="${group.id}"]`)
  await expect(elsewhere).not.toHaveAttribute('aria-label', /muted/)

  await ana.page.getByRole('button', { name: 'Chat options' }).click()
  await menuItem(ana.page, 'Mute until I turn it back on').click()
  await expect(chatList(ana.page).locator(`[data-chat-id="${group.id}"]`)).toHaveAttribute('aria-label', /muted/)
  await expect(elsewhere).toHaveAttribute('aria-label', /muted/)
  await closeAll(ana, ben)
})
