import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import SwaggerParser from '@apidevtools/swagger-parser'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { beforeAll, describe, expect, it, inject } from 'vitest'
import { z } from 'zod'
import * as attachmentSchemas from '#shared/schemas/attachments'
import * as authSchemas from '#shared/schemas/auth'
import * as chatSchemas from '#shared/schemas/chats'
import * as messageSchemas from '#shared/schemas/messages'
import * as pushSchemas from '#shared/schemas/push'
import * as userSchemas from '#shared/schemas/users'
import { api, signUp, uniqueName } from '../harness/api-client'

// GET /api/openapi.json against the route files themselves: the document can never drift
// from server/api/ (docs/api.md, "The OpenAPI document").

/* eslint-disable @typescript-eslint/no-explicit-any -- the document is plain JSON */
type Json = any

const apiDir = fileURLToPath(new URL('../../server/api', import.meta.url))
const METHOD_SUFFIX = /\.(get|post|put|patch|delete)\.ts$/
const SCHEMA_EXPORTS: Record<string, unknown> = { ...attachmentSchemas, ...authSchemas, ...chatSchemas, ...messageSchemas, ...pushSchemas, ...userSchemas }

interface RouteFile {
  file: string
  method: string
  path: string
  source: string
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry =>
    entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)])
}

/** `chats/[id]/members/[userId].delete.ts` → DELETE `/api/chats/{id}/members/{userId}`. */
function routeOf(file: string): { method: string, path: string } | null {
  const match = METHOD_SUFFIX.exec(file)
  if (!match) return null // no method in the name: the catch-all 404 of unknown paths
  const segments = file.slice(0, -match[0].length).split(/[/\\]/)
  if (segments.at(-1) === 'index') segments.pop()
  const path = segments.map(segment => segment.replace(/^\[(\w+)\]$/, '{$1}')).join('/')
  return { method: match[1]!, path: `/api${path ? `/${path}` : ''}` }
}

function routeFiles(): RouteFile[] {
  return listFiles(apiDir).flatMap((absolute) => {
    const file = relative(apiDir, absolute).split(sep).join('/')
    const route = routeOf(file)
    return route ? [{ file, ...route, source: readFileSync(absolute, 'utf8') }] : []
  })
}

/** Route files the document lacks, as `METHOD /path`. */
function missingFromDocument(files: { method: string, path: string }[], document: Json): string[] {
  return files.filter(({ method, path }) => !document.paths?.[path]?.[method]).map(({ method, path }) => `${method.toUpperCase()} ${path}`)
}

/** The schema identifier a route file passes to one of h3's validating readers. */
function parsedWith(source: string, reader: string): string | undefined {
  return new RegExp(`${reader}\\(\\s*event\\s*,\\s*(\\w+)\\.(?:safeParse|parse)\\b`).exec(source)?.[1]
}

function inputJsonSchema(schema: z.ZodType): Json {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json
  return json
}

/** Every error code an operation lists, from its error answers' `data.code` enums. */
function listedCodes(operation: Json): Map<string, number> {
  const codes = new Map<string, number>()
  for (const [status, response] of Object.entries<Json>(operation.responses)) {
    const parts = response.content?.['application/json']?.schema?.allOf ?? []
    for (const part of parts) {
      for (const code of part.properties?.data?.properties?.code?.enum ?? []) codes.set(code, Number(status))
    }
  }
  return codes
}

describe('GET /api/openapi.json', () => {
  const baseUrl = () => inject('baseUrl')
  let document: Json
  const files = routeFiles()

  beforeAll(async () => {
    const response = await fetch(`${baseUrl()}/api/openapi.json`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('application/json')
    expect(response.headers.get('cache-control')).toBe('public, max-age=300')
    document = await response.json()
  })

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(document.openapi).toMatch(/^3\.1\.\d+$/)
    // swagger-parser checks it against the OpenAPI 3.1 JSON Schema and resolves every $ref.
    await expect(SwaggerParser.validate(structuredClone(document))).resolves.toBeTruthy()
    const operationIds = Object.values<Json>(document.paths).flatMap(item => Object.values<Json>(item).map(operation => operation.operationId))
    expect(new Set(operationIds).size).toBe(operationIds.length)
    for (const [path, item] of Object.entries<Json>(document.paths)) {
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map(match => match[1]).sort()
      for (const operation of Object.values<Json>(item)) {
        const inPath = (operation.parameters ?? []).filter((parameter: Json) => parameter.in === 'path')
        expect(inPath.map((parameter: Json) => parameter.name).sort(), path).toEqual(templated)
        expect(inPath.every((parameter: Json) => parameter.required === true), path).toBe(true)
      }
    }
  })

  it('lists every route file under server/api/, and nothing else', () => {
    expect(files.length).toBeGreaterThan(30)
    expect(missingFromDocument(files, document)).toEqual([])
    const documented = Object.entries<Json>(document.paths).flatMap(([path, item]) => Object.keys(item).map(method => `${method.toUpperCase()} ${path}`))
    expect(documented.sort()).toEqual(files.map(({ method, path }) => `${method.toUpperCase()} ${path}`).sort())
  })

  it('would miss a route file added without a registry entry', () => {
    const added = routeOf('chats/[id]/pins/[messageId].put.ts')!
    expect(added).toEqual({ method: 'put', path: '/api/chats/{id}/pins/{messageId}' })
    expect(missingFromDocument([...files, added], document)).toEqual(['PUT /api/chats/{id}/pins/{messageId}'])
  })

  it('describes exactly the schemas each route file parses', () => {
    for (const { file, method, path, source } of files) {
      const operation = document.paths[path][method]
      // Every input goes through a schema: no raw reader in a route file.
      expect(source, file).not.toMatch(/\b(readBody|readRawBody|getQuery|getRouterParams?)\(/)
      const parsed = {
        params: parsedWith(source, 'getValidatedRouterParams'),
        query: parsedWith(source, 'getValidatedQuery'),
        body: parsedWith(source, 'readValidatedBody'),
      }
      const expected = Object.fromEntries(Object.entries(parsed).filter(([, name]) => name !== undefined))
      expect(operation['x-parley-schemas'], file).toEqual(expected)

      for (const [part, name] of Object.entries(expected) as [string, string][]) {
        const schema = SCHEMA_EXPORTS[name]
        expect(schema, `${file}: ${name} is an export of shared/schemas/`).toBeInstanceOf(z.ZodType)
        const json = inputJsonSchema(schema as z.ZodType)
        if (part === 'body') {
          const ref = operation.requestBody.content['application/json'].schema.$ref as string
          expect(document.components.schemas[ref.split('/').pop()!], file).toEqual(json)
        }
        else {
          const location = part === 'params' ? 'path' : 'query'
          const parameters = operation.parameters.filter((parameter: Json) => parameter.in === location)
          expect(Object.fromEntries(parameters.map((parameter: Json) => [parameter.name, parameter.schema])), file).toEqual(json.properties)
        }
      }
      // An upload's body is a streamed file, described but parsed by no schema.
      if (!parsed.body && !operation['x-parley-upload']) expect(operation.requestBody, file).toBeUndefined()
    }
  })

  it('lists the error codes and statuses each route answers', () => {
    for (const { file, method, path, source } of files) {
      const operation = document.paths[path][method]
      const codes = listedCodes(operation)
      expect(codes.get('internal_error'), file).toBe(500)
      if (/\brequire(User|Admin)\(/.test(source)) {
        expect(codes.get('unauthorized'), file).toBe(401)
        expect(operation.security, file).toEqual([{ bearerAuth: [] }, { accessCookie: [] }])
      }
      else {
        expect(operation.security.some((requirement: Json) => 'bearerAuth' in requirement), file).toBe(false)
      }
      if (/\brequireAdmin\(/.test(source)) expect(codes.get('forbidden'), file).toBe(403)
      if (/\bassertTrustedOrigin\(/.test(source)) expect(codes.get('forbidden_origin'), file).toBe(403)
      for (const [, code] of source.matchAll(/apiError\('(\w+)'/g)) expect(codes.has(code!), `${file} throws ${code}`).toBe(true)
      if (/readValidated|getValidatedQuery/.test(source)) expect(codes.get('validation_failed'), file).toBe(400)
      if (/readValidatedBody/.test(source)) expect(codes.get('payload_too_large'), file).toBe(413)
      for (const [, status] of source.matchAll(/setResponseStatus\(event,\s*([^)]+)\)/g)) {
        for (const literal of status!.match(/\d{3}/g) ?? []) expect(operation.responses[literal], `${file} answers ${literal}`).toBeDefined()
      }
    }
  })

  describe('answers match the document', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false })
    const validatorFor = (component: string) => {
      if (!ajv.getSchema('openapi')) ajv.addSchema({ $id: 'openapi', components: document.components })
      return ajv.getSchema(`openapi#/components/schemas/${component}`)!
    }
    const expectShape = (component: string, body: unknown) => {
      const validate = validatorFor(component)
      expect(validate(body), `${component}: ${JSON.stringify(validate.errors)}`).toBe(true)
    }

    it('for the objects a person meets in a first session', async () => {
      const ann = await signUp(baseUrl(), { username: uniqueName('oa'), email: `${uniqueName('oa')}@example.com` })
      expectShape('AuthResult', ann.auth)
      const ben = await signUp(baseUrl(), 'ob')
      expectShape('MeResult', (await api(baseUrl(), ann, 'GET', '/api/auth/me')).body)
      expectShape('SessionList', (await api(baseUrl(), ann, 'GET', '/api/auth/sessions')).body)
      expectShape('UserPage', (await api(baseUrl(), ann, 'GET', '/api/users?q=o')).body)
      expectShape('User', (await api(baseUrl(), ann, 'GET', `/api/users/${ben.id}`)).body)

      const group = await api(baseUrl(), ann, 'POST', '/api/chats', { type: 'group', name: 'Schema check', memberIds: [ben.id] })
      expect(group.status).toBe(201)
      expectShape('Chat', group.body)
      const sent = await api(baseUrl(), ann, 'POST', `/api/chats/${group.body.id}/messages`, { content: 'hello', clientId: 'c1' })
      expect(sent.status).toBe(201)
      expectShape('Message', sent.body)
      const reply = await api(baseUrl(), ben, 'POST', `/api/chats/${group.body.id}/messages`, { content: 'hi', replyToId: sent.body.id })
      expectShape('Message', reply.body)
      expectShape('Message', (await api(baseUrl(), ben, 'PUT', `/api/messages/${sent.body.id}/reactions/${encodeURIComponent('👍')}`)).body)
      expectShape('ChatDetail', (await api(baseUrl(), ben, 'GET', `/api/chats/${group.body.id}`)).body)
      expectShape('ChatPage', (await api(baseUrl(), ben, 'GET', '/api/chats')).body)
      expectShape('MemberPage', (await api(baseUrl(), ben, 'GET', `/api/chats/${group.body.id}/members`)).body)
      expectShape('MessageHistory', (await api(baseUrl(), ben, 'GET', `/api/chats/${group.body.id}/messages`)).body)
      expectShape('ChangesPage', (await api(baseUrl(), ben, 'GET', `/api/chats/${group.body.id}/changes?since=0`)).body)
      expectShape('MessagePage', (await api(baseUrl(), ann, 'GET', '/api/search/messages?q=hel')).body)
      expectShape('Health', (await api(baseUrl(), null, 'GET', '/api/health')).body)

      const missing = await api(baseUrl(), ann, 'GET', '/api/chats/000000000000000000000000')
      expect(missing.status).toBe(404)
      expectShape('ApiError', missing.body)
    })
  })
})
