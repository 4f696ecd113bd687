import type { Element, ElementContent, Root } from 'hast'

/** A highlighted piece of code: text, or a span of highlight.js classes around pieces. */
export type HighlightNode = string | { classes: string[], children: HighlightNode[] }

let lowlightPromise: Promise<ReturnType<typeof import('lowlight').createLowlight>> | undefined

/**
 * Highlights code with lowlight (highlight.js grammars for the common languages, as a
 * syntax tree rather than an HTML string). Only ever imported dynamically, so neither
 * this module nor the grammars are part of the first page load.
 */
export async function highlightCode(code: string, language: string | null): Promise<HighlightNode[]> {
  lowlightPromise ??= import('lowlight').then(({ common, createLowlight }) => createLowlight(common))
  const lowlight = await lowlightPromise
  const tree: Root = language && lowlight.registered(language)
    ? lowlight.highlight(language, code)
    : lowlight.highlightAuto(code)
  // Text no grammar claims (prose in a fence, "unclosed") comes back as an empty tree, not
  // as text: shown as it was, the block went blank once the highlighter loaded.
  if (tree.children.length === 0) return code ? [code] : []
  return tree.children.map(toHighlightNode)
}

function toHighlightNode(node: Root['children'][number] | ElementContent): HighlightNode {
  if (node.type === 'text') return node.value
  if (node.type !== 'element') return ''
  const element = node as Element
  const className = element.properties?.className
  const classes = (Array.isArray(className) ? className : []).map(String).filter(name => /^hljs-[\w-]+$/.test(name))
  return { classes, children: element.children.map(toHighlightNode) }
}
