import { describe, expect, it } from 'vitest'
import { markdownToPlainText, parseMarkdown, searchableText, type RichNode } from '#shared/markdown'

const paragraph = (...children: RichNode[]): RichNode => ({ kind: 'element', tag: 'p', children })
const text = (value: string): RichNode => ({ kind: 'text', text: value })

/** Every href in the tree. */
function hrefs(nodes: RichNode[]): string[] {
  return nodes.flatMap(node => node.kind === 'element' ? [...(node.href ? [node.href] : []), ...hrefs(node.children)] : [])
}

function allText(nodes: RichNode[]): string {
  return nodes.map(node => node.kind === 'text' ? node.text : node.kind === 'code' ? node.text : node.kind === 'element' ? allText(node.children) : '\n').join('')
}

describe('parseMarkdown', () => {
  it('keeps links with a script or data scheme as text', () => {
    expect(parseMarkdown('[x](javascript:alert(1))')).toEqual([paragraph(text('[x](javascript:alert(1))'))])
    const nodes = parseMarkdown('[a](JavaScript:alert(1)) [b](data:text/html,<script>x</script>) [c](vbscript:x) <javascript:alert(1)> [d](/relative) [e](file:///etc/passwd)')
    expect(hrefs(nodes)).toEqual([])
  })

  it('links http, https and mailto, and bare URLs', () => {
    const nodes = parseMarkdown('[ok](https://ok.example.com) see http://a.example.org/x?y=1 or www.example.com, mail me@example.com or [me](mailto:me@example.com)')
    expect(hrefs(nodes)).toEqual(['https://ok.example.com', 'http://a.example.org/x?y=1', 'http://www.example.com', 'mailto:me@example.com', 'mailto:me@example.com'])
  })

  it('does not turn file names into links', () => {
    expect(hrefs(parseMarkdown('see README.md and main.rs'))).toEqual([])
  })

  it('nests emphasis', () => {
    expect(parseMarkdown('***both*** and **bold _italic_** ~~gone~~')).toEqual([paragraph(
      { kind: 'element', tag: 'em', children: [{ kind: 'element', tag: 'strong', children: [text('both')] }] },
      text(' and '),
      { kind: 'element', tag: 'strong', children: [text('bold '), { kind: 'element', tag: 'em', children: [text('italic')] }] },
      text(' '),
      { kind: 'element', tag: 's', children: [text('gone')] },
    )])
  })

  it('keeps HTML in the text as text', () => {
    const typed = '<script>alert(1)</script> <img src=x onerror=alert(1)> <b>bold?</b>'
    expect(parseMarkdown(typed)).toEqual([paragraph(text(typed))])
  })

  it('keeps a code fence with HTML inside exactly as typed', () => {
    const code = '<div onclick="alert(1)">\n    indented\n\n</div>'
    expect(parseMarkdown(`\`\`\`html\n${code}\n\`\`\``)).toEqual([{ kind: 'code', language: 'html', text: code }])
    expect(parseMarkdown('```\nplain\n```')).toEqual([{ kind: 'code', language: null, text: 'plain' }])
  })

  it('keeps line breaks, lists, quotes and inline code', () => {
    expect(parseMarkdown('one\ntwo')).toEqual([paragraph(text('one'), { kind: 'break' }, text('two'))])
    expect(parseMarkdown('- a\n- b\n\n3. c')).toEqual([
      { kind: 'element', tag: 'ul', children: [{ kind: 'element', tag: 'li', children: [text('a')] }, { kind: 'element', tag: 'li', children: [text('b')] }] },
      { kind: 'element', tag: 'ol', start: 3, children: [{ kind: 'element', tag: 'li', children: [text('c')] }] },
    ])
    expect(parseMarkdown('> said `x <y>`')).toEqual([{ kind: 'element', tag: 'blockquote', children: [paragraph(text('said '), { kind: 'element', tag: 'code', children: [text('x <y>')] })] }])
  })

  it('leaves headings, images and indented code as text', () => {
    expect(parseMarkdown('# not a heading')).toEqual([paragraph(text('# not a heading'))])
    expect(parseMarkdown('![alt](https://example.com/a.png)')).toEqual([paragraph(text('!'), { kind: 'element', tag: 'a', href: 'https://example.com/a.png', children: [text('alt')] })])
    expect(parseMarkdown('    four spaces')).toEqual([paragraph(text('four spaces'))])
  })

  it('parses 4,000-character messages, pathological ones included, keeping every character', () => {
    for (const content of ['*'.repeat(4000), '['.repeat(4000), '> '.repeat(2000), '*a '.repeat(1333), '`'.repeat(4000), 'x'.repeat(4000), '- '.repeat(2000)]) {
      const nodes = parseMarkdown(content)
      expect(nodes.length).toBeGreaterThan(0)
      expect(allText(nodes).replace(/\s/g, '').length).toBeLessThanOrEqual(content.length)
    }
    expect(allText(parseMarkdown('x'.repeat(4000)))).toBe('x'.repeat(4000))
  })
})

describe('searchableText', () => {
  it('is the words without the Markdown, on one line, and null when that is the text itself', () => {
    expect(searchableText('**lunch** at `noon`')).toBe('lunch at noon')
    expect(searchableText('see [the menu](https://example.com/a_b)\nand > this')).toBe('see the menu and > this')
    expect(searchableText('plain words, no markers at all')).toBeNull()
    expect(searchableText('a_b')).toBeNull()
  })

  it('folds accents and compatibility forms, so a search finds the letters whatever marks they carry', () => {
    expect(searchableText('Crème **brûlée**')).toBe('Creme brulee')
    expect(searchableText('cafe\u0301')).toBe('cafe')
    expect(searchableText('\uFB01nal ＭＥＮＵ')).toBe('final MENU')
    // Only the accents of the Latin, Greek and Cyrillic letters go: Hangul and kana keep theirs.
    expect(searchableText('한국어 がぎ Ёлка Ωμέγα')).toBe('한국어 がぎ Елка Ωμεγα')
    expect(searchableText('plain ASCII stays null')).toBeNull()
    expect(searchableText('한국어')).toBeNull()
  })
})

describe('markdownToPlainText', () => {
  it('drops the Markdown and keeps the words on one line', () => {
    expect(markdownToPlainText('**Hi** _there_\n\n```js\nlet a = 1\n```\n[site](https://example.com)')).toBe('Hi there let a = 1 site')
    expect(markdownToPlainText('<b>x</b>')).toBe('<b>x</b>')
  })

  it('cuts long text with an ellipsis', () => {
    expect(markdownToPlainText('a'.repeat(300), 10)).toBe(`${'a'.repeat(9)}…`)
  })
})
