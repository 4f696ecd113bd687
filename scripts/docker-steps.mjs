// `node scripts/docker-steps.mjs`: performs the Dockerfile's build and run steps without
// a Docker engine, so `npm test` proves the image would build and serve.
//
// It reads the Dockerfile and, in a temporary directory:
//   1. copies the build context (the repository's files, less .gitignore and .dockerignore);
//   2. plays each stage: WORKDIR, ENV, COPY (also --from another stage) and RUN; an
//      `apt-get install` only checks that its tools are present on this machine;
//   3. starts the runtime stage's CMD with only what that stage copied, its ENV, a
//      throw-away FerretDB and a secret, runs the HEALTHCHECK until it passes, checks the
//      health answer (and a sign-up, which needs argon2's native addon, once that route
//      exists), then sends the STOPSIGNAL and expects exit code 0.
// What it cannot reproduce: the base image itself (it uses this machine's Node) and USER
// (it runs as the current user unless that is root and the user exists here).
// `--keep` leaves the temporary directory for inspection.
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, posix, resolve } from 'node:path'
import { commandOf, dockerignoreFilter, parseAssignments, parseDockerfile, stagesOf, substitute, takeFlags } from './lib/dockerfile.mjs'
import { freePort } from './lib/ferretdb.mjs'
import { ROOT, startDatabase } from './lib/stack.mjs'

const keep = process.argv.includes('--keep')
const log = message => console.log(`[docker-steps] ${message}`)
const STEP_TIMEOUT_MS = 8 * 60_000
const HEALTHY_WITHIN_MS = 60_000
const STOP_WITHIN_MS = 10_000

// ── Build context ──────────────────────────────────────────────────────────────────────

/** The repository's files as Docker would receive them: no ignored, local or secret files. */
function contextFiles() {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' })
  const ignoreFile = join(ROOT, '.dockerignore')
  const ignored = dockerignoreFilter(existsSync(ignoreFile) ? readFileSync(ignoreFile, 'utf8') : '')
  return listed.split('\0').filter(path => path && existsSync(join(ROOT, path)) && !ignored(path))
}

// ── Stages ─────────────────────────────────────────────────────────────────────────────

/** An environment with nothing of the caller's app settings in it: the image's own, plus PATH and HOME. */
function baseEnvironment() {
  const env = {}
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'npm_config_cache']) {
    if (process.env[key]) env[key] = process.env[key]
  }
  return env
}

function runStep(argv, { cwd, env, name }) {
  const result = spawnSync(argv[0], argv.slice(1), { cwd, env, encoding: 'utf8', timeout: STEP_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 })
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.slice(-6000)
    throw new Error(`${name} failed (${result.error?.message ?? `exit ${result.status}`}):\n${output}`)
  }
}

/** `apt-get install` cannot run here: check instead that the tools it brings are on PATH. */
function checkSystemPackages(command) {
  const installs = command.split('&&').map(part => part.trim()).filter(part => /^apt-get\s+install\b/.test(part))
  const packages = installs.flatMap(part => part.split(/\s+/).slice(2).filter(word => !word.startsWith('-')))
  const missing = packages.filter(name => spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status !== 0)
  if (missing.length > 0) throw new Error(`the build needs ${missing.join(', ')} (the Dockerfile installs them with apt-get)`)
  return packages
}

function playStage(stage, { workRoot, context, stages, runAs }) {
  const root = join(workRoot, 'stages', stage.name)
  mkdirSync(root, { recursive: true })
  const state = { root, workdir: '/', env: {}, user: undefined, cmd: undefined, healthcheck: undefined, stopSignal: 'SIGTERM', copied: [] }
  const inStage = path => join(root, posix.resolve(state.workdir, path))
  for (const { keyword, args } of stage.steps) {
    const name = `${stage.name}: ${keyword} ${args.length > 90 ? `${args.slice(0, 87)}...` : args}`
    switch (keyword) {
      case 'ARG':
        break
      case 'WORKDIR':
        state.workdir = posix.resolve(state.workdir, substitute(args, state.env))
        mkdirSync(join(root, state.workdir), { recursive: true })
        break
      case 'ENV':
        Object.assign(state.env, parseAssignments(args, state.env))
        break
      case 'COPY': {
        log(name)
        const { flags, rest } = takeFlags(args)
        const parts = rest.split(/\s+/)
        const target = parts.pop()
        const destination = inStage(target)
        const sourceRoot = flags.from ? stages.get(flags.from)?.root : context
        if (!sourceRoot) throw new Error(`COPY --from=${flags.from}: no such stage before this one`)
        for (const source of parts) {
          const from = join(sourceRoot, flags.from ? posix.resolve('/', source) : source)
          if (!existsSync(from)) throw new Error(`${name}: ${source} does not exist`)
          // Like Docker: a directory's contents go into the destination; a file goes into
          // a destination directory (`dir/`) or becomes the destination.
          const intoDirectory = !statSync(from).isDirectory() && (target.endsWith('/') || (existsSync(destination) && statSync(destination).isDirectory()))
          cpSync(from, intoDirectory ? join(destination, posix.basename(source)) : destination, { recursive: true })
        }
        state.copied.push(posix.resolve(state.workdir, target))
        if (flags.chown && runAs) chownRecursive(destination, runAs)
        break
      }
      case 'RUN': {
        log(name)
        if (/^apt-get\b/.test(args)) {
          log(`  present here: ${checkSystemPackages(args).join(', ')}`)
          break
        }
        runStep(commandOf(args), { cwd: join(root, state.workdir), env: { ...baseEnvironment(), ...state.env }, name })
        break
      }
      case 'USER':
        state.user = args
        break
      case 'CMD':
        state.cmd = commandOf(args)
        break
      case 'HEALTHCHECK': {
        const { rest } = takeFlags(args)
        state.healthcheck = commandOf(rest.replace(/^CMD\s+/, ''))
        break
      }
      case 'STOPSIGNAL':
        state.stopSignal = args
        break
      case 'EXPOSE':
      case 'LABEL':
        break
      default:
        throw new Error(`${keyword} is not supported by scripts/docker-steps.mjs`)
    }
  }
  return state
}

/** The uid and gid of `user` when we are root and it exists here, else undefined. */
function resolveUser(user) {
  if (!user || process.getuid?.() !== 0) return undefined
  const uid = spawnSync('id', ['-u', user], { encoding: 'utf8' })
  const gid = spawnSync('id', ['-g', user], { encoding: 'utf8' })
  if (uid.status !== 0 || gid.status !== 0) return undefined
  return { uid: Number(uid.stdout), gid: Number(gid.stdout) }
}

function chownRecursive(path, { uid, gid }) {
  chownSync(path, uid, gid)
  if (!statSync(path).isDirectory()) return
  for (const entry of readdirSync(path)) chownRecursive(join(path, entry), { uid, gid })
}

// ── Run ────────────────────────────────────────────────────────────────────────────────

function runOnce(argv, { cwd, env, user, timeoutMs = 10_000 }) {
  const result = spawnSync(argv[0], argv.slice(1), { cwd, env, timeout: timeoutMs, stdio: 'ignore', ...(user ?? {}) })
  return result.status === 0
}

async function runImage(runtime) {
  const database = await startDatabase()
  const port = await freePort()
  const baseUrl = `http://127.0.0.1:${port}`
  const secret = randomBytes(32).toString('base64url')
  const cwd = join(runtime.root, runtime.workdir)
  const env = {
    ...baseEnvironment(),
    ...runtime.env,
    HOME: runtime.root,
    NUXT_MONGODB_URI: database.uri,
    NUXT_JWT_SECRET: secret,
    NUXT_PUBLIC_APP_URL: baseUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
  }
  const user = resolveUser(runtime.user)
  log(`run: ${JSON.stringify(runtime.cmd)} in ${runtime.workdir} with NODE_ENV=${env.NODE_ENV ?? ''}${user ? ` as ${runtime.user}` : ''}`)
  const server = spawn(runtime.cmd[0], runtime.cmd.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], ...(user ?? {}) })
  let output = ''
  server.stdout.on('data', chunk => (output += chunk))
  server.stderr.on('data', chunk => (output += chunk))
  const exited = new Promise(done => server.once('exit', (code, signal) => done({ code, signal })))
  try {
    const deadline = Date.now() + HEALTHY_WITHIN_MS
    log(`healthcheck: ${JSON.stringify(runtime.healthcheck)}`)
    while (!runOnce(runtime.healthcheck, { cwd, env, user })) {
      if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}:\n${output.slice(-4000)}`)
      if (Date.now() > deadline) throw new Error(`the HEALTHCHECK did not pass within ${HEALTHY_WITHIN_MS / 1000} s:\n${output.slice(-4000)}`)
      await new Promise(done => setTimeout(done, 500))
    }
    const health = await fetch(`${baseUrl}/api/health`)
    const body = await health.json()
    if (health.status !== 200 || body.status !== 'ok' || body.db !== 'up') throw new Error(`unexpected health answer ${health.status} ${JSON.stringify(body)}`)
    log(`healthy: ${JSON.stringify(body)}`)

    const signUp = await fetch(`${baseUrl}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: `docker_${randomBytes(4).toString('hex')}`, password: randomBytes(12).toString('base64url') }),
    })
    if (signUp.status === 201) log('sign-up works (argon2 is in the output)')
    else if (signUp.status === 404) log('sign-up route not there yet: argon2 not exercised')
    else throw new Error(`sign-up answered ${signUp.status}: ${await signUp.text()}`)

    log(`stop: ${runtime.stopSignal}`)
    const signalledAt = Date.now()
    server.kill(runtime.stopSignal)
    const result = await Promise.race([exited, new Promise(done => setTimeout(() => done(null), STOP_WITHIN_MS))])
    if (!result) throw new Error(`the server did not stop within ${STOP_WITHIN_MS / 1000} s`)
    if (result.code !== 0) throw new Error(`the server stopped with ${JSON.stringify(result)}:\n${output.slice(-4000)}`)
    if (output.includes(secret)) throw new Error('the JWT secret appeared in the server output')
    log(`stopped with exit code 0, ${Date.now() - signalledAt} ms after the signal`)
  }
  finally {
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL')
    await database.stop()
  }
}

async function main() {
  const startedAt = Date.now()
  const stages = stagesOf(parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')))
  if (stages.length === 0) throw new Error('the Dockerfile has no FROM')
  const engines = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).engines?.node
  log(`base images: ${[...new Set(stages.map(stage => stage.image))].join(', ')}; here: Node ${process.version} (app needs ${engines})`)

  const workRoot = mkdtempSync(join(tmpdir(), 'parley-docker-'))
  try {
    const context = join(workRoot, 'context')
    const files = contextFiles()
    for (const file of files) cpSync(join(ROOT, file), join(context, file), { recursive: true })
    log(`context: ${files.length} files (after .gitignore and .dockerignore)`)

    const played = new Map()
    let last
    for (const stage of stages) {
      const runAs = resolveUser(stage.steps.find(step => step.keyword === 'USER')?.args)
      last = playStage(stage, { workRoot, context, stages: played, runAs })
      played.set(stage.name, last)
    }
    if (!last.cmd) throw new Error('the last stage has no CMD')
    if (!last.healthcheck) throw new Error('the last stage has no HEALTHCHECK')
    log(`runtime stage holds only: ${last.copied.join(', ')}`)
    await runImage(last)
    log(`ok in ${Math.round((Date.now() - startedAt) / 1000)} s`)
  }
  finally {
    if (keep) log(`kept ${workRoot}`)
    else rmSync(workRoot, { recursive: true, force: true })
  }
}

if (resolve(process.argv[1] ?? '') === resolve(dirname(new URL(import.meta.url).pathname), 'docker-steps.mjs')) {
  main().catch((error) => {
    console.error(`[docker-steps] FAILED: ${error.message}`)
    process.exitCode = 1
  })
}
