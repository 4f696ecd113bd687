import { describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { mountSuspended } from '@nuxt/test-utils/runtime'
import RichText from '~~/components/rich/Text.vue'

describe('rich text', () => {
  it('renders links that open in a new tab without the opener or a referrer', async () => {
    const wrapper = await mountSuspended(RichText, { props: { content: 'read https://example.com/docs and [x](javascript:alert(1))' } })
    const links = wrapper.findAll('a')
    expect(links).toHaveLength(1)
    expect(links[0]!.attributes()).toMatchObject({ href: 'https://example.com/docs', target: '_blank', rel: 'noopener noreferrer nofollow' })
    expect(wrapper.text()).toContain('[x](javascript:alert(1))')
  })

  it('keeps typed HTML as text nodes', async () => {
    const wrapper = await mountSuspended(RichText, { props: { content: '<img src=x onerror="alert(1)"> <script>alert(2)</script> **<b>bold</b>**' } })
    expect(wrapper.find('img').exists()).toBe(false)
    expect(wrapper.find('script').exists()).toBe(false)
    expect(wrapper.find('b').exists()).toBe(false)
    expect(wrapper.get('strong').text()).toBe('<b>bold</b>')
    expect(wrapper.text()).toContain('<script>alert(2)</script>')
  })

  it('shows fenced code exactly as typed, highlighted once the highlighter has loaded, with a copy button', async () => {
    const code = 'function greet() {\n    return "<b>hi</b>"\n}'
    const wrapper = await mountSuspended(RichText, { props: { content: `\`\`\`js\n${code}\n\`\`\`` } })
    expect(wrapper.get('pre').text()).toBe(code)
    expect(wrapper.find('button[aria-label="Copy code"]').exists()).toBe(true)
    await vi.waitFor(async () => {
      await flushPromises()
      expect(wrapper.find('pre .hljs-keyword').exists()).toBe(true)
    })
    expect(wrapper.get('pre').text()).toBe(code)
    expect(wrapper.find('pre b').exists()).toBe(false)
  })

  it('re-renders when the text is edited', async () => {
    const wrapper = await mountSuspended(RichText, { props: { content: '**old**' } })
    expect(wrapper.get('strong').text()).toBe('old')
    await wrapper.setProps({ content: '_new_' })
    expect(wrapper.find('strong').exists()).toBe(false)
    expect(wrapper.get('em').text()).toBe('new')
  })

  it('highlights only the @names the server found to mention someone, the viewer\'s more; without a decision none', async () => {
    const content = '@all see @Ana and @ghost, `@ana` in code'
    const wrapper = await mountSuspended(RichText, { props: { content, mentions: { names: new Set(['all', 'ana']), mine: new Set(['ana']) } } })
    expect(wrapper.findAll('.mention').map(mention => mention.text())).toEqual(['@all', '@Ana'])
    expect(wrapper.findAll('.mention--me').map(mention => mention.text())).toEqual(['@Ana'])
    expect(wrapper.text()).toBe('@all see @Ana and @ghost, @ana in code')
    const undecided = await mountSuspended(RichText, { props: { content } })
    expect(undecided.findAll('.mention')).toHaveLength(0)
    expect(undecided.text()).toBe(wrapper.text())
  })
})
