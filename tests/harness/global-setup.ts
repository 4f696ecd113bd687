import type { TestProject } from 'vitest/node'
import { startStack } from '../../scripts/lib/stack.mjs'

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string
    mongoUri: string
    /** JSON lines of every mail the shared server sent (see scripts/lib/stack.mjs). */
    mailbox: string
  }
}

// One database and one built server for every server test file.
export default async function setup(project: TestProject) {
  const stack = await startStack()
  project.provide('baseUrl', stack.baseUrl)
  project.provide('mongoUri', stack.mongoUri)
  project.provide('mailbox', stack.mailbox ?? '')
  return () => stack.stop()
}
