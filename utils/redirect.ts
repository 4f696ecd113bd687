/**
 * Where `/login?redirect=` may send a person once signed in: a path of this site, never
 * another one (`//evil.example`, `/\evil.example`, `https://…` all resolve to another
 * origin and give `/`). The browser's own URL parser decides, as it will when navigating.
 */
export function appPathFrom(redirect: unknown): string {
  if (typeof redirect !== 'string' || !redirect.startsWith('/')) return '/'
  const here = 'http://parley.invalid'
  try {
    const url = new URL(redirect, here)
    return url.origin === here ? `${url.pathname}${url.search}${url.hash}` : '/'
  }
  catch {
    return '/'
  }
}

/**
 * The query that carries `redirect` on to another sign-in page (login <-> register), made
 * safe by the same rule: nothing when it would only lead home.
 */
export function redirectQuery(redirect: unknown): { redirect?: string } {
  const path = appPathFrom(redirect)
  return path === '/' ? {} : { redirect: path }
}
