import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import { defineVitestProject } from '@nuxt/test-utils/config'

const alias = {
  '#shared': fileURLToPath(new URL('./shared', import.meta.url)),
  '~~': fileURLToPath(new URL('.', import.meta.url)),
}

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias },
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' },
      },
      {
        resolve: { alias },
        test: {
          name: 'server',
          include: ['tests/db/**/*.test.ts', 'tests/api/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/harness/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 120_000,
          // Multi-instance tests share two cores with the servers they start.
          retry: 1,
        },
      },
      await defineVitestProject({
        // Booting the Nuxt environment took over vitest's default 10 s on a loaded machine:
        // a net for the machine's speed, as the server project's hookTimeout is.
        test: { name: 'nuxt', include: ['tests/components/**/*.test.ts'], environment: 'nuxt', hookTimeout: 120_000 },
      }),
    ],
  },
})
