import { expect, test } from '@playwright/test'

// The page's Content-Security-Policy admits Nuxt's own scripts by nonce and nothing
// else inline: the app must still hydrate and run under it, and injected script must not.
test('a page hydrates under the Content-Security-Policy and blocks inline script', async ({ page }) => {
  const violations: string[] = []
  const problems: string[] = []
  await page.exposeFunction('reportCspViolation', (text: string) => violations.push(text))
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      (window as unknown as { reportCspViolation: (text: string) => void })
        .reportCspViolation(`${event.violatedDirective} ${event.blockedURI}`)
    })
  })
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text())
  })
  page.on('pageerror', error => problems.push(error.message))

  // /login is open to signed-out visitors (app pages redirect there).
  const response = await page.goto('/login')
  expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self' 'nonce-/)
  await page.waitForLoadState('networkidle')

  // Hydrated: Vue mounted the app on Nuxt's root and the router navigates client-side.
  await expect.poll(() => page.evaluate(() => Boolean((document.querySelector('#__nuxt') as { __vue_app__?: unknown } | null)?.__vue_app__))).toBe(true)
  await page.evaluate(() => {
    (window as unknown as { sameDocument: boolean }).sameDocument = true
  })
  await page.evaluate(async () => {
    const app = (document.querySelector('#__nuxt') as unknown as { __vue_app__: { config: { globalProperties: { $router: { push: (to: string) => Promise<unknown> } } } } }).__vue_app__
    await app.config.globalProperties.$router.push('/login?csp-check=1')
  })
  await expect(page).toHaveURL(/csp-check=1/)
  expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true)
  expect(violations).toEqual([])
  expect(problems).toEqual([])

  // An inline script without the nonce (as injected markup would be) does not run.
  await page.evaluate(() => {
    const script = document.createElement('script')
    script.textContent = 'window.injected = true'
    document.body.append(script)
  })
  await expect.poll(() => violations.length).toBeGreaterThan(0)
  expect(await page.evaluate(() => (window as unknown as { injected?: boolean }).injected)).toBeUndefined()
  expect(violations[0]).toMatch(/^script-src/)
})
