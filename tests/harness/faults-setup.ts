import { existsSync } from 'node:fs'
import { build, SERVER_ENTRY } from '../../scripts/lib/stack.mjs'

// Fault tests start their own databases, Redis servers and instances; they only need the build.
export default function setup() {
  if (process.env.PARLEY_SKIP_BUILD !== '1' || !existsSync(SERVER_ENTRY)) build()
}
