// `npm run ferretdb`: build (once) the embedded database binary and print its path.
// From postinstall (`--postinstall`) it never fails the install: the app builds it
// on first start instead, or explains what to install.
import { ensureFerretdb } from './lib/ferretdb.mjs'

const postinstall = process.argv.includes('--postinstall')
const configured = process.env.NUXT_MONGODB_URI || process.env.MONGODB_URI
if (postinstall && (configured || process.env.PARLEY_SKIP_FERRETDB_BUILD)) process.exit(0)

try {
  console.log(ensureFerretdb())
}
catch (error) {
  console.error(`[parley] ${error.message}`)
  process.exitCode = postinstall ? 0 : 1
}
