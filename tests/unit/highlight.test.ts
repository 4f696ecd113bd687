import { describe, expect, it } from 'vitest'
import { highlightCode, type HighlightNode } from '../../utils/highlight'

const textOf = (nodes: HighlightNode[]): string => nodes.map(node => typeof node === 'string' ? node : textOf(node.children)).join('')

describe('highlightCode', () => {
  it('keeps text no grammar claims: a fence of prose never shows an empty box', async () => {
    for (const code of ['unclosed', 'hello world', 'Meet at 8, bring snacks']) expect(textOf(await highlightCode(code, null))).toBe(code)
  })

  it('keeps every character of highlighted code', async () => {
    const code = 'const train = "8:15"\nif (late) wait()'
    expect(textOf(await highlightCode(code, null))).toBe(code)
    expect(textOf(await highlightCode(code, 'js'))).toBe(code)
  })
})
