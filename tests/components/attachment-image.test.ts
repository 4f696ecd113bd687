import { describe, expect, it } from 'vitest'
import { mountSuspended } from '@nuxt/test-utils/runtime'
import type { Attachment } from '#shared/types/api'
import AttachmentImage from '~~/components/attachments/Image.vue'

function image(width: number | null, height: number | null): Attachment {
  const id = 'a'.repeat(24)
  return { id, chatId: 'c'.repeat(24), name: 'photo.png', size: 100, type: 'image/png', kind: 'image', width, height, url: `/api/attachments/${id}`, thumbnailUrl: `/api/attachments/${id}/thumbnail`, createdAt: new Date().toISOString() }
}

async function boxOf(attachment: Attachment) {
  const wrapper = await mountSuspended(AttachmentImage, { props: { attachment } })
  const button = wrapper.find('button').element as HTMLButtonElement
  return { wrapper, width: button.style.width, aspectRatio: button.style.aspectRatio }
}

// The box is sized from the stored width and height before the image loads, so the log
// does not jump when it arrives (docs/attachments.md#in-the-app).
describe('an image attachment\'s box', () => {
  it('keeps a wide image\'s aspect ratio, scaled down to the maximum width', async () => {
    const { width, aspectRatio } = await boxOf(image(4000, 1000))
    expect(width).toBe('320px')
    expect(aspectRatio.replace(/\s/g, '')).toBe('320/80')
  })

  it('scales a tall image to the maximum height', async () => {
    const { width, aspectRatio } = await boxOf(image(1000, 4000))
    expect(width).toBe('80px')
    expect(aspectRatio.replace(/\s/g, '')).toBe('80/320')
  })

  // A floor on the width alone drew 200x6000 as 48x1440 px, and 6000x150 was a 320x8 sliver.
  it('keeps a very tall or very wide image inside the box and at least 48 px each way (cropped)', async () => {
    const tall = await boxOf(image(200, 6000))
    expect([tall.width, tall.aspectRatio.replace(/\s/g, '')]).toEqual(['48px', '48/320'])
    const wide = await boxOf(image(6000, 150))
    expect([wide.width, wide.aspectRatio.replace(/\s/g, '')]).toEqual(['320px', '320/48'])
  })

  it('never enlarges a small image, and keeps it big enough to click', async () => {
    expect((await boxOf(image(200, 100))).width).toBe('200px')
    const tiny = await boxOf(image(20, 10))
    expect([tiny.width, tiny.aspectRatio.replace(/\s/g, '')]).toEqual(['48px', '48/48'])
  })

  it('reserves a square when the size is unknown', async () => {
    const { width, aspectRatio } = await boxOf(image(null, null))
    expect(width).toBe('320px')
    expect(aspectRatio.replace(/\s/g, '')).toBe('320/320')
  })

  it('shows the thumbnail and opens the viewer when activated', async () => {
    const { wrapper } = await boxOf(image(40, 30))
    expect(wrapper.find('img').attributes('src')).toBe(`/api/attachments/${'a'.repeat(24)}/thumbnail`)
    expect(wrapper.find('button').attributes('aria-label')).toBe('Open image photo.png')
    await wrapper.find('button').trigger('click')
    expect(wrapper.emitted('open')).toHaveLength(1)
  })
})
