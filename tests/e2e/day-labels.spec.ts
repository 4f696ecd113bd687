import { expect, test, type Browser } from '@playwright/test'
import { chatList, closeAll, composer, createGroupChat, menuItem, messageLog, messageRows, openApp, send, signUpPerson } from './chat-helpers'

// Which day a time falls on ("Today", "Yesterday", a date) is decided by the server's clock
// as the app knows it, in the viewer's own time zone; the day separators name the day in
// the browser's language, as the dates beside them do; "edited" tells when
// (docs/ui.md, "Day separators" and "The edited mark").

const HOUR = 60 * 60_000

// Two or three browsers each: a net for the loaded machine, as chat-mentions.spec.ts has.
test.describe.configure({ timeout: 120_000 })

/** A fixed-offset time zone (`Etc/GMT-5` is UTC+5) in which it is now `hour` o'clock. */
function zoneWhereItIs(hour: number): string {
  let offset = (hour - new Date().getUTCHours() + 24) % 24
  if (offset > 14) offset -= 24
  return offset === 0 ? 'Etc/UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`
}

async function personWithClock(browser: Browser, baseURL: string | undefined, name: string, zone: string, hoursOff: number) {
  const person = await signUpPerson(browser, baseURL, name, { device: { timezoneId: zone, locale: 'en-US' } })
  await person.page.clock.install({ time: Date.now() + hoursOff * HOUR })
  return person
}

test('a message sent now is under "Today", with its time in the chat list, for viewers whose clocks are hours or a day off across midnight', async ({ browser, baseURL }) => {
  // By the server's clock it is 22:xx for Ana, whose clock is 3 hours fast (01:xx tomorrow
  // by it); 01:xx for Ben, whose clock is 3 hours slow (22:xx yesterday by it); Cy's clock is a day fast.
  const ana = await personWithClock(browser, baseURL, 'Ana', zoneWhereItIs(22), 3)
  const ben = await personWithClock(browser, baseURL, 'Ben', zoneWhereItIs(1), -3)
  const cy = await personWithClock(browser, baseURL, 'Cy', 'Etc/UTC', 24)
  const team = await createGroupChat(ana, 'Night shift', [ben, cy])
  for (const person of [ana, ben, cy]) await openApp(person, `/chats/${team.id}`)

  await send(ana.page, 'Still up?')
  for (const person of [ana, ben, cy]) {
    await expect(messageLog(person.page).locator('[data-seq]').filter({ hasText: 'Still up?' })).toHaveCount(1)
    await expect(messageLog(person.page).getByRole('separator')).toHaveText(['Today'])
    // The chat list gives a message of today its time, an older one its date.
    await expect(chatList(person.page).getByRole('link', { name: /^Night shift/ })).toHaveAccessibleDescription(/\d{1,2}:\d{2}\s?[AP]M$/)
  }
  await closeAll(ana, ben, cy)
})

test('in a German browser the day separators are German, as the dates beside them are: "Heute"', async ({ browser, baseURL }) => {
  const ana = await signUpPerson(browser, baseURL, 'Ana')
  const ben = await signUpPerson(browser, baseURL, 'Ben', { device: { locale: 'de-DE' } })
  const team = await createGroupChat(ana, 'Team', [ben])
  await openApp(ana, `/chats/${team.id}`)
  await openApp(ben, `/chats/${team.id}`)

  await send(ana.page, 'Guten Morgen')
  await expect(messageRows(ben.page, 'Guten Morgen')).toHaveCount(1)
  const separator = messageLog(ben.page).getByRole('separator')
  await expect(separator).toHaveText(['Heute'])
  // Said in German by a screen reader too, on an English page.
  await expect(separator).toHaveAttribute('lang', /^de/)
  await closeAll(ana, ben)
})

test('hovering or focusing "edited" says when the message was edited, and a screen reader reads it', async ({ browser, baseURL }) => {
  const device = { locale: 'en-US', timezoneId: 'Etc/UTC' }
  const ana = await signUpPerson(browser, baseURL, 'Ana', { device })
  const ben = await signUpPerson(browser, baseURL, 'Ben', { device })
  const team = await createGroupChat(ana, 'Lunch', [ben])
  await openApp(ana, `/chats/${team.id}`)
  await openApp(ben, `/chats/${team.id}`)

  await send(ana.page, 'Lunch at noon')
  const onAna = messageRows(ana.page, 'Lunch at noon')
  await expect(onAna.locator('xpath=self::*[@data-seq]')).toHaveCount(1)
  const format = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })
  const before = format.format(new Date())
  await onAna.hover()
  await onAna.getByRole('button', { name: 'Message actions' }).click()
  await menuItem(ana.page, 'Edit').click()
  await composer(ana.page).fill('Lunch at one')
  await composer(ana.page).press('Enter')
  const edited = messageRows(ben.page, 'Lunch at one')
  await expect(edited).toContainText('edited')
  const after = format.format(new Date())
  const when = new RegExp(`^Edited (${[before, after].map(text => text.replace(/\s/g, '\\s')).join('|')})$`)

  // Ben hovers the mark.
  await edited.getByText('edited', { exact: true }).hover()
  await expect(ben.page.getByRole('tooltip')).toHaveText(when)
  // Ana, by keyboard: back from the message's reaction button to the mark.
  const mine = messageRows(ana.page, 'Lunch at one')
  await ana.page.mouse.move(0, 0)
  await mine.getByRole('button', { name: 'Add reaction' }).focus()
  await ana.page.keyboard.press('Shift+Tab')
  await expect(ana.page.getByRole('tooltip')).toHaveText(when)
  // A screen reader reads when, where the eye reads "edited".
  expect(await edited.ariaSnapshot()).toMatch(/Edited (\w{3} \d{1,2}, \d{4}, \d{1,2}:\d{2}\s[AP]M)/)
  await closeAll(ana, ben)
})
