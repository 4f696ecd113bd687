import { expect, test } from '@playwright/test'

// Installable: the page names a web manifest with a name, a start URL, standalone display,
// a theme colour and 192/512 px icons (one maskable), all served by Parley itself.
test('the app has a web manifest, icons and a theme colour', async ({ page, request }) => {
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text())
  })
  await page.goto('/login')
  await expect(page.locator('meta[name="theme-color"]')).toHaveAttribute('content', '#3949AB')
  const href = await page.locator('link[rel="manifest"]').getAttribute('href')
  expect(href).toBe('/manifest.webmanifest')

  const response = await request.get(href!)
  expect(response.status()).toBe(200)
  const manifest = await response.json() as { name: string, start_url: string, display: string, theme_color: string, icons: { src: string, sizes: string, type: string, purpose: string }[] }
  expect(manifest).toMatchObject({ name: 'Parley', start_url: '/', display: 'standalone', theme_color: '#3949AB' })
  for (const size of ['192x192', '512x512']) expect(manifest.icons.some(icon => icon.sizes === size && icon.type === 'image/png')).toBe(true)
  expect(manifest.icons.some(icon => icon.purpose === 'maskable')).toBe(true)
  for (const icon of manifest.icons) {
    const file = await request.get(icon.src)
    expect(file.status(), icon.src).toBe(200)
    expect(file.headers()['content-type']).toBe(icon.type)
  }
  // The browser fetched the manifest under the page's Content-Security-Policy without complaint.
  expect(problems).toEqual([])
})
