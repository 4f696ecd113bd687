import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { dockerignoreFilter, parseDockerfile, stagesOf } from '../../scripts/lib/dockerfile.mjs'

const read = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8')

describe('the Dockerfile', () => {
  const stages = stagesOf(parseDockerfile(read('Dockerfile')))
  const runtime = stages.at(-1)!
  const step = (keyword: string) => runtime.steps.filter(s => s.keyword === keyword).map(s => s.args)

  it('builds on a slim Node image of the LTS line in a separate stage', () => {
    expect(stages.map(stage => stage.name)).toEqual(['build', 'runtime'])
    for (const stage of stages) expect(stage.image).toMatch(/^node:\d+-slim$/)
    expect(Number(stages[0]!.image.match(/\d+/)![0]) % 2).toBe(0)
  })

  it('runs as a non-root user with only the build output', () => {
    expect(step('USER')).toEqual(['node'])
    expect(step('COPY')).toEqual(['--from=build --chown=node:node /app/.output ./.output'])
    expect(step('ENV').join(' ')).toContain('NODE_ENV=production')
  })

  it('checks /api/health and starts the Nitro server', () => {
    expect(step('HEALTHCHECK')[0]).toContain('/api/health')
    expect(step('CMD')).toEqual(['["node", ".output/server/index.mjs"]'])
  })
})

describe('dockerignoreFilter', () => {
  const ignored = dockerignoreFilter(read('.dockerignore'))

  it('keeps local state, secrets and tests out of the build context', () => {
    for (const path of ['node_modules/vue/index.js', '.output/server/index.mjs', '.data/ferretdb/x.sqlite', '.env', '.env.production', 'tests/api/health.test.ts', 'npm-debug.log'])
      expect(ignored(path)).toBe(true)
  })

  it('keeps what the build needs', () => {
    for (const path of ['package.json', 'package-lock.json', 'nuxt.config.ts', 'server/api/health.get.ts', 'scripts/ferretdb.mjs', 'scripts/lib/ferretdb.mjs', 'scripts/ferretdb/sqlite-id-index.patch', 'scripts/ferretdb/sqlite-id-pushdown.patch', 'public/favicon.svg'])
      expect(ignored(path)).toBe(false)
  })

  it('follows Docker\'s rules: ** spans folders, ! re-includes, the last rule wins', () => {
    const filter = dockerignoreFilter('**/*.md\n!README.md\n/build/\n')
    expect(filter('docs/deploy.md')).toBe(true)
    expect(filter('README.md')).toBe(false)
    expect(filter('build/out.js')).toBe(true)
    expect(filter('src/build.ts')).toBe(false)
  })
})
