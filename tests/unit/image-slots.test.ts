import { beforeAll, describe, expect, it, vi } from 'vitest'
import { processImage } from '../../server/services/attachments/images'
import { loadServerConfig } from '../../server/utils/config'

// Images are processed a bounded number at a time (server/services/attachments/images.ts):
// each sharp step holds one of libuv's four threads, which every request's token check
// needs too. sharp is replaced by steps the test finishes by hand, so what runs at once is
// seen exactly, whatever the machine's speed.
const steps = vi.hoisted(() => ({ waiting: [] as Array<() => void> }))

vi.mock('sharp', () => {
  const step = <T>(value: T) => new Promise<T>((resolve) => {
    steps.waiting.push(() => resolve(value))
  })
  const image = () => {
    const pipeline = {
      rotate: () => pipeline, resize: () => pipeline, jpeg: () => pipeline, png: () => pipeline, gif: () => pipeline, webp: () => pipeline, avif: () => pipeline,
      metadata: () => step({ width: 1200, height: 800 }),
      toBuffer: () => step(Buffer.from('encoded')),
    }
    return pipeline
  }
  return { default: image }
})

/** Lets every promise chain that can move on do so. */
const settle = () => new Promise(resolve => setImmediate(resolve))

describe('image processing, one image at a time', () => {
  beforeAll(() => {
    loadServerConfig({ attachments: { imageConcurrency: 1 } })
  })

  it('starts the next image only when the one before is done, and finishes them all', async () => {
    const images = Array.from({ length: 3 }, () => processImage(Buffer.from('photo'), 'image/jpeg', 100_000_000))
    const finished: number[] = []
    images.forEach((image, index) => void image.then(() => finished.push(index)))
    let stepsRun = 0
    for (;;) {
      await settle()
      // Never two sharp steps at once: the first image's header, re-encoding and thumbnail,
      // then the second's, then the third's.
      expect(steps.waiting.length).toBeLessThanOrEqual(1)
      const next = steps.waiting.shift()
      if (!next) break
      next()
      stepsRun++
    }
    expect(stepsRun).toBe(9)
    expect(finished).toEqual([0, 1, 2])
    expect(await images[0]).toMatchObject({ width: 1200, height: 800 })
  })
})
