import { startStack } from '../../scripts/lib/stack.mjs'
import { signUp } from './api-client'

// Reuses the stack that scripts/test.mjs started, or starts one for a lone Playwright run.
// The base URL reaches the tests through process.env (playwright.config.ts reads it
// after this setup in the worker processes, which inherit the environment).
export default async function globalSetup() {
  const stack = await startStack()
  // The first account of an instance becomes its administrator (server/services/accounts).
  // Claimed here, so no spec's person is one because it ran first (a lone run of a spec
  // would see Delete on everyone's messages); in the full run the API tests claimed it.
  await signUp(stack.baseUrl, 'instance-owner')
  return () => stack.stop()
}
