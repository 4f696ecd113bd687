import { apiError } from '../utils/errors'

// Unknown API paths answer the contract's 404 instead of reaching the page renderer.
export default defineEventHandler(() => {
  throw apiError('not_found')
})
