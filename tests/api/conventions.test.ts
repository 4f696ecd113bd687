import { request } from 'node:http'
import { describe, expect, it, inject } from 'vitest'

const baseUrl = () => inject('baseUrl')

describe('API conventions', () => {
  it('answers an unknown API path with the contract 404 body', async () => {
    const response = await fetch(`${baseUrl()}/api/definitely/not/here`)
    expect(response.status).toBe(404)
    expect(response.headers.get('content-type')).toContain('application/json')
    expect(await response.json()).toEqual({ statusCode: 404, message: expect.any(String), data: { code: 'not_found' } })
  })

  it('refuses a body over 64 KiB with 413 payload_too_large', async () => {
    const response = await fetch(`${baseUrl()}/api/health`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ filler: 'x'.repeat(70 * 1024) }),
    })
    expect(response.status).toBe(413)
    expect(await response.json()).toMatchObject({ statusCode: 413, data: { code: 'payload_too_large' } })
  })

  it('refuses an oversize chunked body that does not announce its length', async () => {
    const { status, body } = await new Promise<{ status: number, body: string }>((resolve, reject) => {
      const req = request(`${baseUrl()}/api/health`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        let text = ''
        res.on('data', (chunk: Buffer) => (text += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
      })
      req.on('error', reject)
      for (let i = 0; i < 10; i++) req.write('x'.repeat(8 * 1024))
      req.end()
    })
    expect(status).toBe(413)
    expect(JSON.parse(body)).toMatchObject({ data: { code: 'payload_too_large' } })
  })

  it('keeps serving after bad requests', async () => {
    const response = await fetch(`${baseUrl()}/api/health`)
    expect(response.status).toBe(200)
  })
})
