// Every model, imported once so that ensureIndexes() at start knows them all.
export * from './user'
export * from './session'
export * from './account-token'
