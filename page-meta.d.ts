// Route meta read by middleware/auth.global.ts.
declare module '#app' {
  interface PageMeta {
    /** false: the page is for everyone (no redirect to /login). */
    auth?: boolean
    /** The page is for signed-out visitors (login, register): signed-in people go on to the app. */
    guestOnly?: boolean
  }
}

export {}
