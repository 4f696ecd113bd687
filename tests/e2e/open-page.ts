import type { Page } from '@playwright/test'

/** Opens a page and waits until Vue has hydrated it (typing earlier would be lost). */
export async function openPage(page: Page, path: string): Promise<void> {
  await page.goto(path)
  // networkidle never comes once the realtime socket and its requests run; Nuxt says when
  // hydration is over.
  await page.waitForFunction(() => {
    const app = (document.querySelector('#__nuxt') as { __vue_app__?: { $nuxt?: { isHydrating?: boolean } } } | null)?.__vue_app__
    return app?.$nuxt?.isHydrating === false
  })
}
