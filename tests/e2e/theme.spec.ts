import { expect, test, type Page } from '@playwright/test'
import { textContrast } from '../harness/contrast'

// A person on a dark system: the page follows it, and from the second visit on it is dark
// from its first paint (the HTML the server sends), not light and then dark on every load.

/** The theme of the application element in the HTML the server sent: the first paint. */
const paintedDark = (html: string) => /class="v-application[^"]*\bv-theme--dark\b/.test(html)
const isDark = (page: Page) => page.locator('.v-application').evaluate(element => element.classList.contains('v-theme--dark'))

function consoleErrors(page: Page): string[] {
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text())
  })
  page.on('pageerror', error => problems.push(error.message))
  return problems
}

test('a dark system gets the dark theme, painted dark from the server on the next visit, and a change back to light is followed', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, colorScheme: 'dark' })
  const page = await context.newPage()
  const problems = consoleErrors(page)

  const first = await page.goto('/login')
  expect(paintedDark(await first!.text())).toBe(false)
  await expect.poll(() => isDark(page)).toBe(true)

  const again = await page.goto('/login')
  expect(paintedDark(await again!.text())).toBe(true)
  expect(await isDark(page)).toBe(true)
  // Text on the primary colour stays readable in the dark theme (WCAG AA: 4.5:1).
  expect(await textContrast(page.getByRole('button', { name: 'Log in', exact: true }))).toBeGreaterThanOrEqual(4.5)

  // The system turns light: the open page follows it, and so does the next first paint.
  await page.emulateMedia({ colorScheme: 'light' })
  await expect.poll(() => isDark(page)).toBe(false)
  const light = await page.goto('/login')
  expect(paintedDark(await light!.text())).toBe(false)
  expect(await isDark(page)).toBe(false)
  expect(problems).toEqual([])
  await context.close()
})
