import { expect, test, type Browser } from '@playwright/test'
import { chatList, closeAll, createGroupChat, messageLog, messageRows, openApp, send, signUpPerson } from './chat-helpers'

// Which day a time falls on ("Today", "Yesterday", a date) is decided by the server's clock
// as the app knows it, in the viewer's own time zone; the day separators name the day in
// the browser's language, as the dates beside them do (docs/ui.md, "Day separators").

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
