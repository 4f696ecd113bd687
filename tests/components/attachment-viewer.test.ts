import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { mountSuspended } from '@nuxt/test-utils/runtime'
import type { Attachment } from '#shared/types/api'
import Viewer from '~~/components/attachments/Viewer.vue'

function image(n: number): Attachment {
  const id = String(n).repeat(24)
  return { id, chatId: 'c'.repeat(24), name: `photo-${n}.png`, size: 100, type: 'image/png', kind: 'image', width: 40, height: 30, url: `/api/attachments/${id}`, thumbnailUrl: `/api/attachments/${id}/thumbnail`, createdAt: new Date().toISOString() }
}

const images = [image(1), image(2), image(3)]

function press(key: string) {
  document.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }))
}

// Vuetify's overlays read the visual viewport, which the test DOM lacks.
beforeAll(() => {
  vi.stubGlobal('visualViewport', Object.assign(new EventTarget(), { width: 1024, height: 768, offsetLeft: 0, offsetTop: 0, pageLeft: 0, pageTop: 0, scale: 1 }))
})
afterAll(() => {
  vi.unstubAllGlobals()
})

describe('image viewer keyboard', () => {
  it('moves with the arrow keys, stops at either end, and does nothing while closed', async () => {
    const wrapper = await mountSuspended(Viewer, { props: { images, modelValue: images[1]!.id }, attachTo: document.body })
    press('ArrowRight')
    expect(wrapper.emitted('update:modelValue')).toEqual([[images[2]!.id]])
    await wrapper.setProps({ modelValue: images[2]!.id })
    press('ArrowRight')
    expect(wrapper.emitted('update:modelValue')).toHaveLength(1)
    press('ArrowLeft')
    expect(wrapper.emitted('update:modelValue')!.at(-1)).toEqual([images[1]!.id])
    await wrapper.setProps({ modelValue: images[0]!.id })
    press('ArrowLeft')
    expect(wrapper.emitted('update:modelValue')).toHaveLength(2)

    await wrapper.setProps({ modelValue: null })
    press('ArrowRight')
    expect(wrapper.emitted('update:modelValue')).toHaveLength(2)
    wrapper.unmount()
  })

  it('shows the image full size with its name, position and a download link; Escape closes', async () => {
    const wrapper = await mountSuspended(Viewer, { props: { images, modelValue: images[0]!.id }, attachTo: document.body })
    await nextTick()
    const viewer = document.querySelector('[data-testid="image-viewer"]')!
    expect(viewer.textContent).toContain('photo-1.png')
    expect(viewer.textContent).toContain('1 / 3')
    expect(viewer.querySelector('img')!.getAttribute('src')).toBe(images[0]!.url)
    expect(viewer.querySelector(`a[aria-label="Download photo-1.png"]`)!.getAttribute('href')).toBe(images[0]!.url)
    expect((viewer.querySelector('[aria-label="Previous image"]') as HTMLButtonElement).disabled).toBe(true)

    viewer.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }))
    await nextTick()
    expect(wrapper.emitted('update:modelValue')).toEqual([[null]])
    wrapper.unmount()
  })
})
