import { expect, test } from '@playwright/test'

test('the home page renders the Parley app bar with no console errors', async ({ page }) => {
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text())
  })
  page.on('pageerror', error => problems.push(error.message))
  // The app is for signed-in people: enter as a guest (the cookies land in this context).
  const guest = await page.request.post('/api/auth/guest', { data: { username: `home_${Date.now().toString(36)}` } })
  expect(guest.status()).toBe(201)
  await page.goto('/')
  await expect(page.getByRole('banner')).toContainText('Parley')
  await page.waitForLoadState('networkidle')
  expect(problems).toEqual([])
})
