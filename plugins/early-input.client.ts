import { EARLY_ACTIONS_RELEASE, keepEarlyInput, type EarlyAction } from '~~/utils/early-input'

/**
 * Keeps what the person typed, filled, toggled, pressed or submitted before the page was
 * interactive (utils/early-input.ts). The fields are noted right before Vue hydrates and
 * fed back after each hydration pass: the synchronous one (`app:mounted`) and the end of
 * the async components (`app:suspense:resolve`); after both, the held actions replay.
 * A page rendered in the browser alone has one pass, and the guard is released after it
 * all the same (it would otherwise hold every press for good).
 */
export default defineNuxtPlugin({
  name: 'early-input',
  setup(nuxtApp) {
    const release = () => {
      const guard = (window as unknown as Record<string, (() => EarlyAction[]) | undefined>)[EARLY_ACTIONS_RELEASE]
      return guard ? guard() : []
    }
    const early = keepEarlyInput(document.getElementById('__nuxt') ?? document.body, release)
    const passesLeft = { count: nuxtApp.isHydrating ? 2 : 1 }
    const afterPass = () => {
      if (--passesLeft.count === 0) void early.finish()
      else early.restore()
    }
    nuxtApp.hooks.hookOnce('app:beforeMount', () => early.snapshot())
    nuxtApp.hooks.hookOnce('app:mounted', afterPass)
    if (nuxtApp.isHydrating) nuxtApp.hooks.hookOnce('app:suspense:resolve', afterPass)
  },
})
