import type { InjectionKey } from 'vue'

/** The box a directory page scrolls in (<AppDirectoryPage>), for <AppDirectoryList> to keep its offset. */
export const directoryScrollerKey: InjectionKey<() => HTMLElement | null> = Symbol('directory scroller')
