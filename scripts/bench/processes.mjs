// The processes of `npm run bench`: core pinning, the load generator child, the baseline
// server, and a process's resident memory.
import { fork, spawn, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'

const HERE = fileURLToPath(new URL('.', import.meta.url))

/**
 * Pins this process (and so every child it starts after: FerretDB, Parley, the baseline)
 * to core 0 and returns the core list for the load generator, or null when the machine
 * has one core or no `taskset`.
 */
export function pinServerSide() {
  const cores = availableParallelism() // before pinning: afterwards this process sees one
  if (cores < 2) return null
  if (spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status !== 0) return null
  const pinned = spawnSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' })
  return pinned.status === 0 ? (cores === 2 ? '1' : `1-${cores - 1}`) : null
}

/** Starts the load generator (on `cores` when given) and returns `call(command, args)`. */
export async function startLoadGenerator(cores) {
  const script = `${HERE}load.mjs`
  const child = cores
    ? spawn('taskset', ['-c', cores, process.execPath, script], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    : fork(script, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const pending = new Map()
  let nextId = 0
  await new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', code => reject(new Error(`load generator exited with ${code}`)))
    child.on('message', (message) => {
      if (message.ready) return resolve()
      const waiter = pending.get(message.id)
      pending.delete(message.id)
      if (message.error) waiter?.reject(new Error(message.error))
      else waiter?.resolve(message.result)
    })
  })
  child.removeAllListeners('exit')
  child.on('exit', () => {
    for (const waiter of pending.values()) waiter.reject(new Error('load generator exited'))
  })
  return {
    call(command, args) {
      const id = nextId++
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject })
        child.send({ id, command, args })
      })
    },
    stop() {
      child.kill('SIGTERM')
    },
  }
}

export async function startBaseline({ execArgv = [], env = {} } = {}) {
  const child = fork(`${HERE}baseline-server.mjs`, ['0'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [...process.execArgv, ...execArgv], env: { ...process.env, ...env } })
  const port = await new Promise((resolve, reject) => {
    child.once('message', message => resolve(message.port))
    child.once('exit', code => reject(new Error(`baseline exited with ${code}`)))
  })
  return {
    pid: child.pid,
    url: `ws://127.0.0.1:${port}/`,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve()
      child.once('exit', resolve)
      child.kill('SIGTERM')
    }),
  }
}

/** Resident memory of a process in bytes (Linux), or null. */
export function residentBytes(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) * 1024 : null
  }
  catch {
    return null
  }
}

/** The machine, for the report: CPU model, cores, memory, load averages, Node. */
export function machine() {
  let cpu = 'unknown'
  try {
    cpu = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu
  }
  catch {
    // not Linux
  }
  let loadAverage = null
  try {
    loadAverage = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number)
  }
  catch {
    // not Linux
  }
  let memory = null
  try {
    memory = Number(/MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1]) * 1024
  }
  catch {
    // not Linux
  }
  return { cpu, cores: availableParallelism(), memoryBytes: memory, loadAverage, node: process.version }
}
