import { expect, test, type Page } from '@playwright/test'

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

/** WCAG's contrast ratio of two `rgb(...)` colours. */
function contrast(foreground: string, background: string): number {
  const luminance = (css: string) => {
    const [r, g, b] = css.match(/[\d.]+/g)!.slice(0, 3).map(Number).map((channel) => {
      const c = channel / 255
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
    })
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!
  }
  const [light, dark] = [luminance(foreground), luminance(background)].sort((a, b) => b - a)
  return (light! + 0.05) / (dark! + 0.05)
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
  const button = page.getByRole('button', { name: 'Log in', exact: true })
  const colours = await button.evaluate((element) => {
    const style = getComputedStyle(element)
    return { text: style.color, background: style.backgroundColor }
  })
  expect(contrast(colours.text, colours.background)).toBeGreaterThanOrEqual(4.5)

  // The system turns light: the open page follows it, and so does the next first paint.
  await page.emulateMedia({ colorScheme: 'light' })
  await expect.poll(() => isDark(page)).toBe(false)
  const light = await page.goto('/login')
  expect(paintedDark(await light!.text())).toBe(false)
  expect(await isDark(page)).toBe(false)
  expect(problems).toEqual([])
  await context.close()
})
