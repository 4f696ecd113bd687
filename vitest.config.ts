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
      // Fault tests (npm run test:faults, also run by .ci/run): real processes broken on purpose.
      ...(process.env.PARLEY_FAULTS === '1'
        ? [{
            resolve: { alias },
            test: {
              name: 'faults',
              include: ['tests/faults/**/*.test.ts'],
              environment: 'node',
              globalSetup: ['tests/harness/faults-setup.ts'],
              testTimeout: 180_000,
              hookTimeout: 120_000,
              // One fault at a time: each test stalls or kills processes and counts what survived.
              fileParallelism: false,
            },
          }]
        : []),
      await defineVitestProject({
        // Booting the Nuxt environment took over vitest's default 10 s on a loaded machine:
        // a net for the machine's speed, as the server project's hookTimeout is.
        test: { name: 'nuxt', include: ['tests/components/**/*.test.ts'], environment: 'nuxt', hookTimeout: 120_000 },
      }),
    ],
  },
})
