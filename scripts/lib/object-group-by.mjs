// Object.groupBy arrived in Node 21; eslint 10 uses it. Installed only where missing.
if (typeof Object.groupBy !== 'function') {
  Object.defineProperty(Object, 'groupBy', {
    configurable: true,
    writable: true,
    value(items, keyOf) {
      const groups = Object.create(null)
      let index = 0
      for (const item of items) {
        const key = keyOf(item, index++)
        ;(groups[key] ??= []).push(item)
      }
      return groups
    },
  })
}
