import { argon2id, hash, verify } from 'argon2'

// argon2id at OWASP's minimum (19 MiB, t=2, p=1). The whole password is hashed:
// argon2 has no length cut-off, and the schemas cap input at 256 code points.
const OPTIONS = { type: argon2id, memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 } as const

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS)
}

let dummyHash: Promise<string> | undefined

/**
 * Compares a password with a stored hash. With no hash (unknown user, guest) it still
 * runs one verification against a dummy hash, so the answer takes as long either way.
 */
export async function verifyPassword(storedHash: string | null | undefined, password: string): Promise<boolean> {
  if (!storedHash) {
    dummyHash ??= hashPassword('parley-dummy-password-for-timing')
    await verify(await dummyHash, password).catch(() => false)
    return false
  }
  try {
    return await verify(storedHash, password)
  }
  catch {
    return false
  }
}
