import type { ChildProcess } from 'node:child_process'

export function spawnRedis(port: number): ChildProcess
export interface RunningRedis { url: string, stop: () => Promise<void> }
export function startRedis(): Promise<RunningRedis>
export function waitForPort(port: number, options?: { timeoutMs?: number, child?: ChildProcess }): Promise<void>
