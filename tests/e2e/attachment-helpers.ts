import type { Page } from '@playwright/test'
import sharp from 'sharp'
import { composer, messageLog } from './chat-helpers'

// Files as a person hands them to the app (tests/e2e/attachments*.spec.ts): pasted,
// copied, dropped or chosen with the paperclip, and the files themselves.

export function image(width: number, height: number, color: string): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: color } }).png().toBuffer()
}

/** A tenth of a second of silence as a WAV file (8 kHz, 8-bit mono). */
export function wav(): Buffer {
  const samples = 800
  const header = Buffer.alloc(44)
  header.write('RIFF', 0)
  header.writeUInt32LE(36 + samples, 4)
  header.write('WAVEfmt ', 8)
  header.writeUInt32LE(16, 16)
  header.writeUInt16LE(1, 20)
  header.writeUInt16LE(1, 22)
  header.writeUInt32LE(8000, 24)
  header.writeUInt32LE(8000, 28)
  header.writeUInt16LE(1, 32)
  header.writeUInt16LE(8, 34)
  header.write('data', 36)
  header.writeUInt32LE(samples, 40)
  return Buffer.concat([header, Buffer.alloc(samples, 128)])
}

export const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n')

/** Pastes a file into the composer, as Ctrl+V with a screenshot on the clipboard does. */
export async function paste(page: Page, name: string, type: string, bytes: Buffer) {
  await composer(page).evaluate((field, file) => {
    const data = new DataTransfer()
    data.items.add(new File([Uint8Array.from(atob(file.base64), char => char.charCodeAt(0))], file.name, { type: file.type }))
    field.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
  }, { name, type, base64: bytes.toString('base64') })
}

/**
 * Puts on the system clipboard what a program's Copy does: `text` (the text and an HTML
 * version of it, as a spreadsheet or a word processor gives) and `png` (a picture), each
 * when given; Ctrl+V then pastes it as a person's would.
 */
export async function copy(page: Page, clip: { text?: string, png?: Buffer }) {
  await page.evaluate(async ({ text, png }) => {
    const types: Record<string, Blob> = {}
    if (text !== undefined) {
      types['text/plain'] = new Blob([text], { type: 'text/plain' })
      types['text/html'] = new Blob([`<table><tr><td>${text.split('\t').join('</td><td>')}</td></tr></table>`], { type: 'text/html' })
    }
    if (png !== undefined) types['image/png'] = new Blob([Uint8Array.from(atob(png), char => char.charCodeAt(0))], { type: 'image/png' })
    await navigator.clipboard.write([new ClipboardItem(types)])
  }, { text: clip.text, png: clip.png?.toString('base64') })
}

/** Drags a file from the desktop and drops it on the conversation. */
export async function drop(page: Page, name: string, type: string, bytes: Buffer) {
  const dataTransfer = await page.evaluateHandle((file) => {
    const data = new DataTransfer()
    data.items.add(new File([Uint8Array.from(atob(file.base64), char => char.charCodeAt(0))], file.name, { type: file.type }))
    return data
  }, { name, type, base64: bytes.toString('base64') })
  const log = messageLog(page)
  await log.dispatchEvent('dragenter', { dataTransfer })
  await log.dispatchEvent('dragover', { dataTransfer })
  await log.dispatchEvent('drop', { dataTransfer })
}

/** Attaches files with the paperclip button and the system's file chooser. */
export async function attach(page: Page, files: { name: string, mimeType: string, buffer: Buffer }[]) {
  const chooser = page.waitForEvent('filechooser')
  await page.getByRole('button', { name: 'Attach files' }).click()
  await (await chooser).setFiles(files)
}
