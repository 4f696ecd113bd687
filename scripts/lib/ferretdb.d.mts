import type { ChildProcess } from 'node:child_process'

export const FERRETDB_VERSION: string
export class EmbeddedDatabaseUnavailable extends Error {}
export function ferretdbBinaryPath(): string
export function ensureFerretdb(options?: { log?: (message: string) => void }): string
export function freePort(): Promise<number>
export interface RunningFerretdb {
  uri: string
  port: number
  pid: number | undefined
  stop: () => Promise<void>
  process: ChildProcess
}
export function startFerretdb(options: {
  dataDir: string
  port?: number
  parentPid?: number
  log?: (message: string) => void
}): Promise<RunningFerretdb>
