import { startStack } from '../../scripts/lib/stack.mjs'

// Reuses the stack that scripts/test.mjs started, or starts one for a lone Playwright run.
// The base URL reaches the tests through process.env (playwright.config.ts reads it
// after this setup in the worker processes, which inherit the environment).
export default async function globalSetup() {
  const stack = await startStack()
  return () => stack.stop()
}
