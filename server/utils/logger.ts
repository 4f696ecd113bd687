// One logger for the server: JSON lines in production (level, time, msg and fields),
// readable lines in development. Fields whose names look secret are never written.
type Level = 'debug' | 'info' | 'warn' | 'error'
export type LogFields = Record<string, unknown>

const SECRET_FIELD = /token|password|secret|cookie|authorization|smtp|uri|body/i
const json = process.env.NODE_ENV === 'production' || process.env.PARLEY_LOG_FORMAT === 'json'
const quiet = process.env.PARLEY_LOG_LEVEL === 'warn' || process.env.PARLEY_LOG_LEVEL === 'error'

function redact(fields: LogFields): LogFields {
  const safe: LogFields = {}
  for (const [key, value] of Object.entries(fields)) safe[key] = SECRET_FIELD.test(key) ? '[redacted]' : value
  return safe
}

function write(level: Level, message: string, fields: LogFields = {}) {
  if (quiet && (level === 'debug' || level === 'info')) return
  if (level === 'debug' && !process.env.PARLEY_DEBUG) return
  const stream = level === 'error' || level === 'warn' ? process.stderr : process.stdout
  const safe = redact(fields)
  if (json) {
    stream.write(`${JSON.stringify({ level, time: new Date().toISOString(), msg: message, ...safe })}\n`)
    return
  }
  const extra = Object.entries(safe).map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
  stream.write(`[parley] ${level === 'info' ? '' : `${level.toUpperCase()} `}${message}${extra.length ? ` ${extra.join(' ')}` : ''}\n`)
}

export const logger = {
  debug: (message: string, fields?: LogFields) => write('debug', message, fields),
  info: (message: string, fields?: LogFields) => write('info', message, fields),
  warn: (message: string, fields?: LogFields) => write('warn', message, fields),
  error: (message: string, fields?: LogFields) => write('error', message, fields),
}

/** An error's name only: messages of driver errors can carry connection strings. */
export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error
}
