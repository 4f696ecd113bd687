import { z } from 'zod'
import { ERROR_STATUS, type ErrorCode } from '#shared/errors'
import * as attachmentSchemas from '#shared/schemas/attachments'
import * as authSchemas from '#shared/schemas/auth'
import * as chatSchemas from '#shared/schemas/chats'
import * as dtoSchemas from '#shared/schemas/dto'
import * as messageSchemas from '#shared/schemas/messages'
import * as pushSchemas from '#shared/schemas/push'
import * as userSchemas from '#shared/schemas/users'
import { ROUTES, type RouteSpec } from './routes'

// Builds the OpenAPI 3.1 document of GET /api/openapi.json from the route registry: the
// request schemas are the zod schemas the routes parse, turned into JSON Schema by zod's
// own z.toJSONSchema (OpenAPI 3.1 speaks JSON Schema 2020-12), so the document cannot
// describe an input the server does not take.

type JsonSchema = Record<string, unknown>

const SCHEMA_MODULES: Record<string, unknown>[] = [attachmentSchemas, authSchemas, chatSchemas, messageSchemas, pushSchemas, userSchemas]

/** Each request schema's export name in shared/schemas/ (the name its route file uses). */
function schemaExportNames(): Map<z.ZodType, string> {
  const names = new Map<z.ZodType, string>()
  for (const module of SCHEMA_MODULES) {
    for (const [name, value] of Object.entries(module)) {
      if (value instanceof z.ZodType && name.endsWith('Schema') && !names.has(value)) names.set(value, name)
    }
  }
  return names
}

/**
 * The answers' schemas (every `...Dto` export of shared/schemas/dto.ts) as components, with
 * `$ref`s between them: `messageDto` becomes `#/components/schemas/Message`.
 */
function dtoComponents(): { names: Map<z.ZodType, string>, schemas: Record<string, JsonSchema> } {
  const registry = z.registry<{ id: string }>()
  const names = new Map<z.ZodType, string>()
  for (const [name, value] of Object.entries(dtoSchemas)) {
    if (!(value instanceof z.ZodType) || !name.endsWith('Dto')) continue
    names.set(value, componentName(name))
    registry.add(value, { id: componentName(name) })
  }
  const { schemas } = z.toJSONSchema(registry, { io: 'output', unrepresentable: 'any', uri: id => `#/components/schemas/${id}` })
  const components: Record<string, JsonSchema> = {}
  for (const [id, { $schema: _dialect, $id: _id, ...schema }] of Object.entries(schemas)) components[id] = schema
  return { names, schemas: components }
}

/** `sendMessageSchema` → `SendMessage`, `messageDto` → `Message`: the component name. */
function componentName(exportName: string): string {
  const base = exportName.replace(/(Schema|Dto)$/, '')
  return base.charAt(0).toUpperCase() + base.slice(1)
}

function toJsonSchema(schema: z.ZodType): JsonSchema {
  // io 'input': what a client sends (defaults optional, before transforms); refinements
  // JSON Schema cannot say stay in zod and are stated through .meta() where it matters.
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema
  return json
}

function parametersOf(schema: z.ZodType, location: 'path' | 'query'): JsonSchema[] {
  const json = toJsonSchema(schema)
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>
  const required = new Set((json.required ?? []) as string[])
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || required.has(name),
    schema: property,
  }))
}

const UNSAFE_METHODS = new Set(['post', 'put', 'patch', 'delete'])

/** Every code the route can answer: its own, plus those of its kind (see RouteSpec.errors). */
export function errorCodesOf(route: RouteSpec): ErrorCode[] {
  const codes = new Set<ErrorCode>(route.errors)
  if (route.auth === 'user' || route.auth === 'admin') codes.add('unauthorized')
  if (route.auth === 'admin') codes.add('forbidden')
  if ((route.auth === 'user' || route.auth === 'admin') && !route.duringTwoFactorSetup) codes.add('two_factor_setup_required')
  // Every unsafe request but a Bearer one obeys the Origin rule, signed in or not (server/middleware/00.cross-site.ts).
  if (UNSAFE_METHODS.has(route.method)) codes.add('forbidden_origin')
  if (route.body || route.query || (route.params && route.malformedParams !== 'not_found')) codes.add('validation_failed')
  if (route.params && route.malformedParams === 'not_found') codes.add('not_found')
  if (route.body) codes.add('payload_too_large')
  codes.add('internal_error')
  return [...codes]
}

function errorResponses(route: RouteSpec): Record<string, JsonSchema> {
  const byStatus = new Map<number, ErrorCode[]>()
  for (const code of errorCodesOf(route)) {
    const status = route.statusOf?.[code] ?? ERROR_STATUS[code]
    byStatus.set(status, [...(byStatus.get(status) ?? []), code])
  }
  const responses: Record<string, JsonSchema> = {}
  for (const [status, statusCodes] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      description: `Error: ${statusCodes.join(', ')}`,
      ...(status === 429 || status === 503 ? { headers: { 'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer', minimum: 1 } } } } : {}),
      content: {
        'application/json': {
          schema: {
            allOf: [
              { $ref: '#/components/schemas/ApiError' },
              { type: 'object', properties: { statusCode: { const: status }, data: { type: 'object', properties: { code: { enum: statusCodes } } } } },
            ],
          },
        },
      },
    }
  }
  return responses
}

function operationId(route: RouteSpec): string {
  const words = route.path.split('/').filter(segment => segment && segment !== 'api').map((segment) => {
    const param = /^\{(.+)\}$/.exec(segment)
    const word = (param ? `by-${param[1]}` : segment).replace(/\.json$/, '')
    return word.split(/[-.]/).map(part => part.charAt(0).toUpperCase() + part.slice(1)).join('')
  })
  return `${route.method}${words.join('')}`
}

function securityOf(route: RouteSpec): JsonSchema[] {
  switch (route.auth) {
    case 'public': return []
    case 'refresh-cookie': return [{ refreshCookie: [] }]
    default: return [{ bearerAuth: [] }, { accessCookie: [] }]
  }
}

/** The document, built from the registry. */
export function buildOpenApiDocument(routes: readonly RouteSpec[] = ROUTES): JsonSchema {
  const names = schemaExportNames()
  const dto = dtoComponents()
  const components: Record<string, JsonSchema> = { ApiError: apiErrorSchema(), ...dto.schemas }
  const paths: Record<string, Record<string, JsonSchema>> = {}

  const nameOf = (schema: z.ZodType, route: RouteSpec): string => {
    const name = names.get(schema)
    if (!name) throw new Error(`${route.method.toUpperCase()} ${route.path}: its schema is not an export of shared/schemas/`)
    return name
  }

  for (const route of routes) {
    const parsed: Record<string, string> = {}
    const parameters: JsonSchema[] = []
    if (route.params) {
      parsed.params = nameOf(route.params, route)
      parameters.push(...parametersOf(route.params, 'path'))
    }
    if (route.query) {
      parsed.query = nameOf(route.query, route)
      parameters.push(...parametersOf(route.query, 'query'))
    }
    const operation: JsonSchema = {
      operationId: operationId(route),
      tags: [route.tag],
      summary: route.summary,
      security: securityOf(route),
      ...(parameters.length > 0 ? { parameters } : {}),
    }
    if (route.body) {
      parsed.body = nameOf(route.body, route)
      const component = componentName(parsed.body)
      if (dto.schemas[component]) throw new Error(`${parsed.body}: its component name ${component} is an answer's name too`)
      components[component] ??= toJsonSchema(route.body)
      operation.requestBody = { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${component}` } } } }
    }
    if (route.upload) {
      operation.requestBody = {
        required: true,
        description: 'The file: a multipart/form-data part named `file`, or the raw bytes with the name in X-File-Name (URI-encoded) or ?name=',
        content: {
          'multipart/form-data': { schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', contentMediaType: 'application/octet-stream' } } } },
          'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } },
        },
      }
      operation['x-parley-upload'] = true
    }
    const responses: Record<string, JsonSchema> = {}
    for (const success of route.success) {
      let content: JsonSchema | undefined
      if (success.media === 'file') {
        content = { '*/*': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } }
      }
      else if (success.media === 'none') {
        content = undefined
      }
      else if (success.schema) {
        const component = dto.names.get(success.schema)
        if (!component) throw new Error(`${route.method.toUpperCase()} ${route.path}: its answer's schema is not an export of shared/schemas/dto.ts`)
        content = { 'application/json': { schema: { $ref: `#/components/schemas/${component}` } } }
      }
      else if (success.status !== 202 && success.status !== 204) {
        content = { 'application/json': { schema: { type: 'object' } } }
      }
      responses[String(success.status)] = content ? { description: success.description, content } : { description: success.description }
    }
    Object.assign(responses, errorResponses(route))
    operation.responses = responses
    operation['x-parley-schemas'] = parsed
    paths[route.path] = { ...paths[route.path], [route.method]: operation }
  }

  return {
    openapi: '3.1.1',
    info: {
      title: 'Parley API',
      version: '1',
      description: 'The HTTP API of Parley, generated from the zod schemas its routes parse. '
        + 'The whole reference, with the WebSocket /ws, the delivery rules and the limits, is docs/api.md in the repository.',
    },
    tags: [
      { name: 'accounts', description: 'Sign-up, sign-in, sessions, passwords and mail' },
      { name: 'users', description: 'Profiles, the directory and administration' },
      { name: 'chats', description: 'Direct chats, groups, channels and their members' },
      { name: 'messages', description: 'History, catch-up, sending, edits, reactions and search' },
      { name: 'attachments', description: 'Uploading files, reading them, and a chat\'s Files panel' },
      { name: 'operations', description: 'Health and this document' },
    ],
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The access token (15 minutes)' },
        accessCookie: { type: 'apiKey', in: 'cookie', name: 'chat_access', description: 'The access token in its cookie; unsafe methods obey the CSRF rule (403 forbidden_origin), as every unsafe request without Bearer does' },
        refreshCookie: { type: 'apiKey', in: 'cookie', name: 'chat_refresh', description: 'The refresh token, only ever sent to /api/auth' },
      },
    },
  }
}

function apiErrorSchema(): JsonSchema {
  return {
    type: 'object',
    description: 'The body of every error answer',
    required: ['statusCode', 'message', 'data'],
    properties: {
      statusCode: { type: 'integer' },
      message: { type: 'string' },
      data: {
        type: 'object',
        required: ['code'],
        properties: {
          code: { enum: Object.keys(ERROR_STATUS) },
          issues: {
            type: 'array',
            description: 'With validation_failed: what the schema refused',
            items: {
              type: 'object',
              required: ['path', 'message', 'code'],
              properties: {
                path: { type: 'array', items: { type: ['string', 'integer'] } },
                message: { type: 'string' },
                code: { type: 'string' },
              },
            },
          },
        },
      },
    },
  }
}

let cached: JsonSchema | undefined

/** The document, built once per process. */
export function openApiDocument(): JsonSchema {
  cached ??= buildOpenApiDocument()
  return cached
}
