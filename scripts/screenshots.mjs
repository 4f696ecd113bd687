// Screenshots of the main screens for the README (docs/screenshots/*.png), light and dark.
// Seeds a throw-away stack through the public API, then drives Chromium:
//   node scripts/screenshots.mjs            (builds first unless PARLEY_SKIP_BUILD=1)
// or against a running stack: PARLEY_TEST_BASE_URL=... PARLEY_TEST_MONGO_URI=... node scripts/screenshots.mjs
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium } from '@playwright/test'
import { ROOT, startStack } from './lib/stack.mjs'

const OUT = join(ROOT, 'docs/screenshots')
const desktop = { width: 1280, height: 800 }
const phone = { width: 390, height: 844 }
const password = 'correct horse battery staple'

const stack = await startStack()
// The same Debian Chromium as the Playwright tests (playwright.config.ts).
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
})
const suffix = Date.now().toString(36).slice(-5)

async function person(username, displayName, options = {}) {
  const context = await browser.newContext({ baseURL: stack.baseUrl, viewport: desktop, ...options })
  const response = await context.request.post('/api/auth/register', { data: { username: `${username}_${suffix}`, password, displayName } })
  if (response.status() !== 201) throw new Error(`register ${username}: ${response.status()} ${await response.text()}`)
  const { user } = await response.json()
  const api = async (method, path, data) => {
    const answer = await context.request.fetch(path, { method, data })
    if (!answer.ok()) throw new Error(`${method} ${path}: ${answer.status()} ${await answer.text()}`)
    return answer.status() === 204 ? null : answer.json()
  }
  return { user, context, api }
}

async function say(who, chat, content, extra = {}) {
  return who.api('POST', `/api/chats/${chat.id}/messages`, { content, ...extra })
}

try {
  const ana = await person('ana', 'Ana Lima')
  const ben = await person('ben', 'Ben Okafor')
  const cleo = await person('cleo', 'Cleo Park')
  const dan = await person('dan', 'Dan Weiss')

  const general = await ben.api('POST', '/api/chats', { type: 'channel', name: `general-${suffix}`, topic: 'Everything and anything' })
  await ben.api('POST', '/api/chats', { type: 'channel', name: `design-${suffix}`, topic: 'Pixels, type and colour' })
  await ben.api('POST', '/api/chats', { type: 'channel', name: `random-${suffix}`, topic: 'Cat pictures welcome' })
  for (const who of [ana, cleo, dan]) await who.api('POST', `/api/chats/${general.id}/join`)
  await say(ben, general, 'Welcome to Parley, everyone!')
  await say(cleo, general, 'Glad to be here 👋')

  const trip = await ana.api('POST', '/api/chats', { type: 'group', name: 'Weekend trip', memberIds: [ben.user.id, cleo.user.id] })
  await say(ana, trip, 'Lake or mountains this time?')
  await say(cleo, trip, 'Mountains! The lake was freezing last year.')
  await say(ben, trip, 'Mountains, but I am not carrying the tent again 😅')

  const direct = await ana.api('POST', '/api/chats', { type: 'direct', userId: ben.user.id })
  const first = await say(ben, direct, 'Hey Ana! Did you get the tickets for Saturday?')
  await say(ana, direct, 'Yes, two seats in row F.', { replyToId: first.id })
  await say(ana, direct, 'The show starts at 8, so dinner at 6:30?')
  const plan = await say(ben, direct, 'Perfect. I will book the Thai place\non the corner.')
  await ben.api('PUT', `/api/messages/${plan.id}/reactions/${encodeURIComponent('👍')}`)
  await ana.api('PUT', `/api/messages/${plan.id}/reactions/${encodeURIComponent('🎉')}`)
  const typo = await say(ana, direct, 'See you tomorow!')
  await ana.api('PATCH', `/api/messages/${typo.id}`, { content: 'See you tomorrow!' })
  await say(dan, await dan.api('POST', '/api/chats', { type: 'direct', userId: ana.user.id }), 'Can you send me the slides from Monday?')

  // Ben stays online, and reads what Ana wrote, so her side shows presence and "Seen".
  const benPage = await ben.context.newPage()
  await benPage.goto(`/chats/${direct.id}`)
  await benPage.getByRole('log', { name: 'Messages' }).waitFor()

  mkdirSync(OUT, { recursive: true })
  for (const colorScheme of ['light', 'dark']) {
    const context = await browser.newContext({ baseURL: stack.baseUrl, viewport: desktop, colorScheme, storageState: await ana.context.storageState() })
    const page = await context.newPage()
    await page.goto(`/chats/${direct.id}`)
    await page.getByRole('log', { name: 'Messages' }).getByText('See you tomorrow!').waitFor()
    await page.waitForTimeout(800)
    await page.screenshot({ path: join(OUT, `chat-${colorScheme}.png`) })

    if (colorScheme === 'light') {
      await page.goto(`/chats/${trip.id}`)
      await page.getByRole('button', { name: 'Members' }).click()
      await page.getByRole('region', { name: 'Members' }).getByText('Cleo Park').waitFor()
      await page.waitForTimeout(500)
      await page.screenshot({ path: join(OUT, 'group-members.png') })

      await page.goto('/channels')
      await page.getByText(`#design-${suffix}`).waitFor()
      await page.waitForTimeout(500)
      await page.screenshot({ path: join(OUT, 'channels.png') })
    }
    await context.close()
  }

  const mobile = await browser.newContext({ baseURL: stack.baseUrl, viewport: phone, isMobile: true, hasTouch: true, storageState: await ana.context.storageState() })
  const page = await mobile.newPage()
  await page.goto('/')
  await page.getByRole('navigation', { name: 'Chats' }).getByText('Weekend trip').waitFor()
  await page.waitForTimeout(500)
  await page.screenshot({ path: join(OUT, 'phone-list.png') })
  await page.goto(`/chats/${trip.id}`)
  await page.getByRole('log', { name: 'Messages' }).getByText('tent again').waitFor()
  await page.waitForTimeout(500)
  await page.screenshot({ path: join(OUT, 'phone-chat.png') })
  console.log(`screenshots written to ${OUT}`)
}
finally {
  await browser.close()
  await stack.stop()
}
