import type { ChildProcess } from 'node:child_process'
import type { RunningFerretdb } from './ferretdb.mjs'

export const ROOT: string
export const SERVER_ENTRY: string
export const TEST_SERVER_ENV: Record<string, string>
export function build(options?: { log?: (message: string) => void }): void
export function waitForHealth(baseUrl: string, options?: { timeoutMs?: number, child?: ChildProcess }): Promise<void>
export interface RunningServer {
  baseUrl: string
  /** NUXT_PUBLIC_APP_URL: `baseUrl`, or with the host `appHost` named. */
  appUrl: string
  port: number
  process: ChildProcess
  exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>
  logs: () => string
  stop: (signal?: NodeJS.Signals) => Promise<{ code: number | null, signal: NodeJS.Signals | null }>
}
export function startServer(options: {
  mongoUri: string
  env?: Record<string, string>
  waitHealthy?: boolean
  appHost?: string
  /** The built server's entry (SERVER_ENTRY unless a test runs a copy of the build). */
  entry?: string
}): Promise<RunningServer>
export interface RunningDatabase extends RunningFerretdb { dataDir: string }
export function startDatabase(): Promise<RunningDatabase>
export interface Stack {
  baseUrl: string
  mongoUri: string
  /** JSON lines of the mails the shared server sent (PARLEY_TEST_MAILBOX). */
  mailbox?: string
  server?: RunningServer
  database?: RunningDatabase
  stop: () => Promise<void>
}
export function startStack(options?: { log?: (message: string) => void, skipBuild?: boolean }): Promise<Stack>
