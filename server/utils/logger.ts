// One logger for the server: JSON lines in production (level, time, msg and fields),
// readable lines in development. Fields whose names look secret are never written,
// and request lines carry the path without its query string (reset and verification
// links put tokens there).
import { serverConfig } from './config'

type Level = 'debug' | 'info' | 'warn' | 'error'
export type LogFields = Record<string, unknown>

const SECRET_FIELD = /token|password|secret|cookie|authorization|smtp|uri|body/i
const RANK: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 }

function redact(fields: LogFields): LogFields {
  const safe: LogFields = {}
  for (const [key, value] of Object.entries(fields)) safe[key] = SECRET_FIELD.test(key) ? '[redacted]' : value
  return safe
}

/** NUXT_LOG_LEVEL: `warn` drops the request lines, `debug` adds debug lines. */
function enabled(level: Level): boolean {
  return RANK[level] >= RANK[serverConfig().log.level]
}

/** NUXT_LOG_FORMAT: JSON lines in production unless told otherwise. */
function json(): boolean {
  return serverConfig().log.format === 'json'
}

function streamFor(level: Level): NodeJS.WriteStream {
  return level === 'error' || level === 'warn' ? process.stderr : process.stdout
}

function jsonLine(level: Level, message: string, fields: LogFields): string {
  return `${JSON.stringify({ level, time: new Date().toISOString(), msg: message, ...redact(fields) })}\n`
}

function write(level: Level, message: string, fields: LogFields = {}) {
  if (!enabled(level)) return
  if (json()) {
    streamFor(level).write(jsonLine(level, message, fields))
    return
  }
  const extra = Object.entries(redact(fields)).map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
  streamFor(level).write(`[parley] ${level === 'info' ? '' : `${level.toUpperCase()} `}${message}${extra.length ? ` ${extra.join(' ')}` : ''}\n`)
}

/** One served HTTP request, as the request-log plugin reports it. */
export interface RequestLogEntry {
  requestId: string
  method: string
  /** The request path; anything after `?` is dropped here. */
  route: string
  status: number
  durationMs: number
  /** The client's address as the rate limits see it (server/utils/client-ip.ts). */
  ip: string
  /** Who the request acted for, when it was authenticated. */
  userId?: string
}

/** The path of a request URL without its query string or fragment. */
function pathOnly(url: string): string {
  const end = url.search(/[?#]/)
  return end === -1 ? url : url.slice(0, end)
}

function request(entry: RequestLogEntry) {
  const level: Level = entry.status >= 500 ? 'error' : 'info'
  if (!enabled(level)) return
  const fields = { ...entry, route: pathOnly(entry.route) }
  if (json()) {
    streamFor(level).write(jsonLine(level, 'request', fields))
    return
  }
  const who = fields.userId ? ` user=${fields.userId}` : ''
  streamFor(level).write(`[parley] ${fields.method} ${fields.route} ${fields.status} ${fields.durationMs} ms ip=${fields.ip}${who} (${fields.requestId})\n`)
}

export const logger = {
  debug: (message: string, fields?: LogFields) => write('debug', message, fields),
  info: (message: string, fields?: LogFields) => write('info', message, fields),
  warn: (message: string, fields?: LogFields) => write('warn', message, fields),
  error: (message: string, fields?: LogFields) => write('error', message, fields),
  request,
}

/**
 * An error's name, and its code when it has one ("Error ECONNREFUSED" from Redis or the S3
 * client, which name everything `Error`); never its message: driver messages can carry
 * connection strings.
 */
export function errorName(error: unknown): string {
  if (!(error instanceof Error)) return typeof error
  const { code } = errorCode(error)
  return code && code !== error.name ? `${error.name} ${code}` : error.name
}

/**
 * An error's `code` when it has one (EAUTH, ECONNECTION, ECONNREFUSED...), as a log field:
 * the code tells bad credentials from a refused connection and holds no secret, unlike the
 * message.
 */
export function errorCode(error: unknown): { code?: string } {
  // Node's socket errors carry `code`; the S3 client's service errors carry `Code`.
  const code = error instanceof Error ? ((error as { code?: unknown }).code ?? (error as { Code?: unknown }).Code) : undefined
  return typeof code === 'string' && /^[\w.-]{1,64}$/.test(code) ? { code } : {}
}

/** Where an unexpected error was thrown: its stack's frames without its message (which can carry secrets). */
export function errorFrames(error: unknown, count = 8): string {
  if (!(error instanceof Error) || !error.stack) return ''
  return error.stack.split('\n').filter(line => line.trimStart().startsWith('at ')).slice(0, count).map(line => line.trim()).join(' < ')
}
