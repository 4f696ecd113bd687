import { z } from 'zod'

// zod compiles object parsers with `new Function` when it may; the page's CSP forbids
// eval (and even zod's probe for it is reported as a violation), so the browser parses
// the shared schemas the plain way.
z.config({ jitless: true })

export default defineNuxtPlugin(() => {})
