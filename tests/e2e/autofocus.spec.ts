import { expect, test } from '@playwright/test'
import { openPage } from '../harness/open-page'

// On a slow device the "is it on screen yet" callback behind autofocus comes late. Here it
// is made to come half a second late, after the person already moved to another field.
test('a field that autofocuses late never takes the focus from the field being typed in', async ({ page }) => {
  await page.addInitScript(() => {
    const Native = window.IntersectionObserver
    window.IntersectionObserver = class extends Native {
      constructor(callback: IntersectionObserverCallback, options?: IntersectionObserverInit) {
        super((entries, observer) => setTimeout(() => callback(entries, observer), 500), options)
      }
    }
  })
  await openPage(page, '/login')
  const password = page.getByLabel('Password', { exact: true })
  await password.click()
  await page.keyboard.type('typed before')
  // Well past the late callback and its 50 ms.
  await page.waitForTimeout(800)
  await page.keyboard.type(' and after')
  await expect(password).toHaveValue('typed before and after')
  await expect(page.getByLabel('Username or email')).toHaveValue('')
})
