import type { Locator } from '@playwright/test'

/** WCAG's contrast ratio of two `rgb(...)` colours. */
export function contrast(foreground: string, background: string): number {
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

/** The contrast of an element's text against its own background colour. */
export async function textContrast(element: Locator): Promise<number> {
  const colours = await element.evaluate((node) => {
    const style = getComputedStyle(node)
    return { text: style.color, background: style.backgroundColor }
  })
  return contrast(colours.text, colours.background)
}
