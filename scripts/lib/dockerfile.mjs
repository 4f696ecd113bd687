// Reading a Dockerfile and its .dockerignore the way Docker does, for scripts/docker-steps.mjs
// (which plays the steps) and tests/unit/dockerfile.test.ts (which checks the rules).
import { posix } from 'node:path'

// ── Dockerfile ─────────────────────────────────────────────────────────────────────────

/** Instructions of a Dockerfile: continuation lines joined, comments and blanks dropped. */
export function parseDockerfile(text) {
  const instructions = []
  let pending = ''
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd()
    if (!pending && /^\s*#/.test(line)) continue
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `
      continue
    }
    const full = (pending + line).trim()
    pending = ''
    if (!full) continue
    const [, keyword, rest] = full.match(/^(\w+)\s*(.*)$/s)
    instructions.push({ keyword: keyword.toUpperCase(), args: rest.trim() })
  }
  return instructions
}

/** Splits the instructions into stages; ARGs before the first FROM are global. */
export function stagesOf(instructions) {
  const globalArgs = {}
  const stages = []
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [image, as, name] = instruction.args.split(/\s+/)
      stages.push({ image: substitute(image, globalArgs), name: as?.toUpperCase() === 'AS' ? name : String(stages.length), steps: [] })
    }
    else if (stages.length === 0) {
      if (instruction.keyword !== 'ARG') throw new Error(`${instruction.keyword} before FROM`)
      Object.assign(globalArgs, parseAssignments(instruction.args))
    }
    else {
      stages.at(-1).steps.push(instruction)
    }
  }
  return stages
}

export function substitute(text, variables) {
  return text.replace(/\$\{(\w+)\}|\$(\w+)/g, (match, braced, bare) => variables[braced ?? bare] ?? '')
}

/** `A=1 B="two words"` (or the legacy `A 1`) as an object. */
export function parseAssignments(args, variables = {}) {
  if (!args.includes('=')) {
    const [key, ...value] = args.split(/\s+/)
    return { [key]: substitute(value.join(' '), variables) }
  }
  const result = {}
  for (const [, key, quoted, plain] of args.matchAll(/(\w+)=(?:"([^"]*)"|(\S*))/g)) {
    result[key] = substitute(quoted ?? plain, variables)
  }
  return result
}

/** Splits `--flag=value` options off an instruction's arguments. */
export function takeFlags(args) {
  const flags = {}
  let rest = args
  for (;;) {
    const match = rest.match(/^--([\w-]+)(?:=(\S+))?\s+/)
    if (!match) return { flags, rest }
    flags[match[1]] = match[2] ?? true
    rest = rest.slice(match[0].length)
  }
}

/** Exec form (`["node", "x"]`) as an argv; shell form as `sh -c`. */
export function commandOf(args) {
  return args.startsWith('[') ? JSON.parse(args) : ['sh', '-c', args]
}

// ── .dockerignore ──────────────────────────────────────────────────────────────────────

/** A .dockerignore file as a predicate on relative paths (last matching rule wins). */
export function dockerignoreFilter(text) {
  const rules = text.split('\n').map(line => line.trim()).filter(line => line && !line.startsWith('#')).map((line) => {
    const negate = line.startsWith('!')
    const pattern = posix.normalize((negate ? line.slice(1) : line).replace(/^\/+/, '')).replace(/\/+$/, '')
    const source = pattern.split('/').map(part => part === '**'
      ? '.*'
      : part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')).join('/')
    return { negate, regex: new RegExp(`^${source.replace(/\.\*\//g, '(?:.*/)?')}$`) }
  })
  return (path) => {
    // A rule naming a directory excludes everything under it.
    const prefixes = path.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'))
    let ignored = false
    for (const rule of rules) {
      if (prefixes.some(prefix => rule.regex.test(prefix))) ignored = !rule.negate
    }
    return ignored
  }
}
