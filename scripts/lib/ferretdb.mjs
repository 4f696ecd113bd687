// The embedded database for development and tests: FerretDB v1.24.2 on SQLite,
// built once from the pinned Go module in scripts/ferretdb/ with our three patches,
// cached outside the repository, and started as a child that cannot outlive us.
// See docs/database.md for why this engine and what it can and cannot do.
import { spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync, copyFileSync, chmodSync } from 'node:fs'
import { createConnection, createServer } from 'node:net'
import { homedir, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const FERRETDB_VERSION = 'v1.24.2'
const MODULE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../ferretdb')
// Applied in this order: the first makes the `_id` filter use the `_id` index, the second
// pushes `{ _id: { $in } }` and an `_id` beside other fields down to that index, the third
// leaves out the leak tracking that only debug builds report (docs/database.md).
const PATCH_FILES = ['sqlite-id-index.patch', 'sqlite-id-pushdown.patch', 'release-resource-tracking.patch']
const MIN_GO_MINOR = 24

export class EmbeddedDatabaseUnavailable extends Error {}

function patchLevel() {
  // The cache key changes whenever a patch, their order or the pinned module changes.
  const hash = createHash('sha256')
  for (const file of ['go.mod', 'go.sum', ...PATCH_FILES]) hash.update(readFileSync(join(MODULE_DIR, file)))
  return hash.digest('hex').slice(0, 12)
}

export function ferretdbBinaryPath() {
  const cacheRoot = process.env.PARLEY_CACHE_DIR
    || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'parley')
  return join(cacheRoot, `ferretdb-${FERRETDB_VERSION}-${patchLevel()}`, 'ferretdb')
}

function goVersionMinor() {
  const result = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' })
  if (result.status !== 0) return null
  const match = /^go1\.(\d+)/.exec(result.stdout.trim())
  return match ? Number(match[1]) : null
}

function run(command, args, options) {
  const result = spawnSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...options })
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed:\n${(result.stderr || result.stdout || '').slice(-2000)}`)
  }
}

/** Returns the path of the cached binary, building it first if needed. */
export function ensureFerretdb({ log = console.log } = {}) {
  const binary = ferretdbBinaryPath()
  if (existsSync(binary)) return binary

  const minor = goVersionMinor()
  if (minor === null || minor < MIN_GO_MINOR) {
    throw new EmbeddedDatabaseUnavailable(
      'Parley needs a database: install Go >= 1.24 (to build the embedded FerretDB) '
      + 'or set NUXT_MONGODB_URI (for example a local mongod or MongoDB Atlas).',
    )
  }

  log(`[parley] Building the embedded database (FerretDB ${FERRETDB_VERSION}, once, about a minute)...`)
  const work = mkdtempSync(join(tmpdir(), 'parley-ferretdb-'))
  try {
    for (const file of ['go.mod', 'go.sum', 'tools.go']) copyFileSync(join(MODULE_DIR, file), join(work, file))
    const env = { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local', CGO_ENABLED: '0' }
    run('go', ['mod', 'vendor'], { cwd: work, env })
    const vendored = join(work, 'vendor/github.com/FerretDB/FerretDB')
    // The published module lacks this generated file; without it the binary panics at start.
    writeFileSync(join(vendored, 'build/version/version.txt'), `${FERRETDB_VERSION}\n`)
    for (const patch of PATCH_FILES) run('patch', ['-p1', '-d', vendored, '-i', join(MODULE_DIR, patch)])
    mkdirSync(dirname(binary), { recursive: true })
    const partial = `${binary}.${process.pid}.partial`
    run('go', ['build', '-mod=vendor', '-trimpath', '-o', partial, 'github.com/FerretDB/FerretDB/cmd/ferretdb'], {
      cwd: work,
      env: { ...env, GOFLAGS: '' },
    })
    chmodSync(partial, 0o755)
    renameSync(partial, binary) // atomic: concurrent builders never see half a binary
    log(`[parley] Embedded database ready: ${binary}`)
    return binary
  }
  finally {
    rmSync(work, { recursive: true, force: true })
  }
}

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolvePort(port))
    })
  })
}

function canConnect(port) {
  return new Promise((resolveConnect) => {
    const socket = createConnection({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolveConnect(true)
    })
    socket.once('error', () => resolveConnect(false))
  })
}

/**
 * Starts FerretDB on 127.0.0.1 with its data in `dataDir`. The process is wrapped
 * by a tiny shell watchdog that stops it when `parentPid` disappears, so a killed
 * parent (SIGKILL included) never leaves an orphan behind.
 */
export async function startFerretdb({ dataDir, port, parentPid = process.pid, log = console.log } = {}) {
  const binary = ensureFerretdb({ log })
  mkdirSync(dataDir, { recursive: true })
  const listenPort = port ?? await freePort()
  const args = [
    '--handler=sqlite',
    `--sqlite-url=file:${dataDir}/?_pragma=synchronous(normal)`,
    `--state-dir=${dataDir}`,
    `--listen-addr=127.0.0.1:${listenPort}`,
    '--telemetry=disable',
    '--debug-addr=-',
    '--log-level=error',
  ]
  const watchdog = [
    '"$@" & child=$!',
    'trap \'kill $child 2>/dev/null; wait $child; exit 0\' TERM INT HUP',
    `while kill -0 ${parentPid} 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 0.5; done`,
    'kill $child 2>/dev/null; wait $child',
  ].join('\n')
  const child = spawn('sh', ['-c', watchdog, 'parley-ferretdb', binary, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    // The engine's heap is a few tens of MiB: collecting at 4x it instead of 2x costs little
    // memory and takes about 8% off its CPU under sends (docs/database.md).
    env: { ...process.env, GOGC: '400' },
  })
  let stderr = ''
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000)
  })

  const deadline = Date.now() + 15_000
  while (!(await canConnect(listenPort))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGTERM')
      throw new Error(`FerretDB did not start on port ${listenPort}: ${stderr.trim() || 'no output'}`)
    }
    await new Promise(r => setTimeout(r, 100))
  }

  const stop = () => new Promise((resolveStop) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolveStop()
    child.once('exit', () => resolveStop())
    child.kill('SIGTERM')
  })
  return { uri: `mongodb://127.0.0.1:${listenPort}/parley`, port: listenPort, pid: child.pid, stop, process: child }
}
