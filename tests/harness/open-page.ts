import { expect, type Page } from '@playwright/test'

/**
 * Opens a page the way a person does: once its content is on screen, they use it. Nothing
 * here waits for the app's script: what a person types, fills, presses or submits before
 * the page is interactive is kept and acted on (docs/ui.md, "Early input survives
 * hydration"; tests/e2e/early-input.spec.ts proves it on a slow device).
 */
export async function openPage(page: Page, path: string): Promise<void> {
  await page.goto(path)
  await expect(page.locator('main')).toBeVisible()
}
