import type { TestProject } from 'vitest/node'
import { startStack } from '../../scripts/lib/stack.mjs'

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string
    mongoUri: string
  }
}

// One database and one built server for every server test file.
export default async function setup(project: TestProject) {
  const stack = await startStack()
  project.provide('baseUrl', stack.baseUrl)
  project.provide('mongoUri', stack.mongoUri)
  return () => stack.stop()
}
