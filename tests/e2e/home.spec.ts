import { expect, test } from '@playwright/test'

test('the home page renders the Parley app bar with no console errors', async ({ page }) => {
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text())
  })
  page.on('pageerror', error => problems.push(error.message))
  await page.goto('/')
  await expect(page.getByRole('banner')).toContainText('Parley')
  await page.waitForLoadState('networkidle')
  expect(problems).toEqual([])
})
