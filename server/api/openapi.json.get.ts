import { openApiDocument } from '../openapi/document'

// The OpenAPI 3.1 document of this API, generated from the route registry and the zod
// schemas the routes parse (docs/api.md, "The OpenAPI document"). Public, like the docs.
export default defineEventHandler((event) => {
  setResponseHeader(event, 'cache-control', 'public, max-age=300')
  return openApiDocument()
})
