import { z } from 'zod'
import { isChatWideMention } from '../chat-wide-mentions'
import { DISPLAY_NAME_MAX, PASSWORD_MAX, PASSWORD_MIN } from '../limits'
import { brokenTextMessage, codePointLength, hiddenCharacter, HIDDEN_CHARACTER_MESSAGE, isWholeText, showsSomething } from './common'

// Accounts (docs/api.md, Authentication). The server parses every body with these,
// and the pages validate their forms with the same schemas.

export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]{3,32}$/
/** What a password field says of its length, as its error message does. */
export const PASSWORD_HINT = `${PASSWORD_MIN} to ${PASSWORD_MAX} characters`

/**
 * A new username (registration, guest entry). Not a word that mentions the whole chat
 * (`@all`, `@here`, `@channel`, `@everyone`): a person so named could never be mentioned
 * alone. Accounts that already hold one keep it (docs/api-accounts.md, "Users and profiles").
 */
export const usernameSchema = z.string().trim()
  .regex(USERNAME_PATTERN, 'Use 3 to 32 letters, digits, "_", "." or "-"')
  .refine(name => !isChatWideMention(name), {
    error: issue => `"${String(issue.input)}" cannot be a username: @${String(issue.input).toLowerCase()} mentions the whole chat`,
  })

/**
 * A password typed to be checked (sign-in, re-authentication): only a length cap, so a wrong
 * password answers like any other, and valid Unicode: a lone surrogate would be hashed as
 * U+FFFD, so "12345678\uD800" would open an account whose password is "12345678\uFFFD".
 */
export function typedPasswordSchema(required: string) {
  return z.string().min(1, required).max(1024).refine(isWholeText, { message: brokenTextMessage('A password') })
}

/** 8-256 Unicode code points of valid text, used whole (never truncated or trimmed). */
export const passwordSchema = z.string().refine(isWholeText, { message: brokenTextMessage('A password'), abort: true }).refine(
  password => codePointLength(password) >= PASSWORD_MIN && codePointLength(password) <= PASSWORD_MAX,
  { message: `Use ${PASSWORD_HINT}` },
).meta({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX })

export const emailSchema = z.string().trim().max(254, 'At most 254 characters').pipe(z.email('Enter a valid email address'))

export const displayNameSchema = z.string().trim().refine(isWholeText, { message: brokenTextMessage('A name'), abort: true }).refine(
  name => codePointLength(name) >= 1 && codePointLength(name) <= DISPLAY_NAME_MAX && showsSomething(name),
  { message: `Use 1 to ${DISPLAY_NAME_MAX} characters`, abort: true },
).refine(name => !hiddenCharacter(name), { message: HIDDEN_CHARACTER_MESSAGE })
  .meta({ minLength: 1, maxLength: DISPLAY_NAME_MAX })

export const registerSchema = z.strictObject({
  username: usernameSchema,
  password: passwordSchema,
  email: emailSchema.optional(),
  displayName: displayNameSchema.optional(),
})

export const loginSchema = z.strictObject({
  /** A username or an email address. */
  login: z.string().trim().min(1, 'Enter your username or email').max(254),
  // Only the length cap here: a wrong password must answer like any other wrong password.
  password: typedPasswordSchema('Enter your password'),
})

export const guestSchema = z.strictObject({
  username: usernameSchema,
})

export const changePasswordSchema = z.strictObject({
  currentPassword: typedPasswordSchema('Enter your current password'),
  newPassword: passwordSchema,
})

export const forgotPasswordSchema = z.strictObject({
  // Any string is accepted (always 202: no enumeration); only a non-string is refused.
  email: z.string().max(1024),
})

export const tokenSchema = z.string().min(1).max(512)

export const resetPasswordSchema = z.strictObject({
  token: tokenSchema,
  password: passwordSchema,
})

export const verifyEmailSchema = z.strictObject({
  token: tokenSchema,
})

/** A six-digit authenticator code or a recovery code (`xxxxx-xxxxx`); spaces are ignored. */
export const twoFactorCodeSchema = z.string().max(64).transform(code => code.replace(/\s+/g, '')).pipe(z.string().min(6, 'Enter the code from your authenticator app').max(32))

export const twoFactorLoginSchema = z.strictObject({
  challenge: tokenSchema,
  code: twoFactorCodeSchema,
})

export const twoFactorCodeBodySchema = z.strictObject({
  code: twoFactorCodeSchema,
})

export const disableTwoFactorSchema = z.strictObject({
  password: typedPasswordSchema('Enter your password'),
  code: twoFactorCodeSchema,
})

/** Re-authentication: the password, and a code when two-factor is on (docs/security.md). */
export const reauthSchema = z.strictObject({
  password: typedPasswordSchema('Enter your password'),
  code: twoFactorCodeSchema.optional(),
})

// Passkeys (WebAuthn; docs/security.md, "Passkeys"). The credentials are what
// @simplewebauthn/browser answers (base64url fields); the server verifies them with
// @simplewebauthn/server, so these only bound their shape and size.
const base64url = (max: number) => z.string().max(max).regex(/^[A-Za-z0-9_-]*$/, 'Expected base64url')

/** A credential id (base64url; WebAuthn allows up to 1023 bytes). */
export const credentialIdSchema = base64url(1400).min(1)

const credentialBase = {
  id: credentialIdSchema,
  rawId: credentialIdSchema,
  type: z.literal('public-key'),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
}

export const registrationCredentialSchema = z.object({
  ...credentialBase,
  response: z.object({
    clientDataJSON: base64url(4096),
    attestationObject: base64url(16384),
    transports: z.array(z.enum(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb'])).max(8).optional(),
  }),
})

export const authenticationCredentialSchema = z.object({
  ...credentialBase,
  response: z.object({
    clientDataJSON: base64url(4096),
    authenticatorData: base64url(4096),
    signature: base64url(2048),
    userHandle: base64url(256).optional(),
  }),
})

/** "Phone", "YubiKey": 1-64 characters, like a display name. */
export const passkeyNameSchema = displayNameSchema

export const registerPasskeySchema = z.strictObject({
  name: passkeyNameSchema,
  credential: registrationCredentialSchema,
})

export const renamePasskeySchema = z.strictObject({
  name: passkeyNameSchema,
})

export const passkeyLoginSchema = z.strictObject({
  credential: authenticationCredentialSchema,
})

export const passkeyIdParamsSchema = z.object({ id: credentialIdSchema })

export type RegisterPasskeyInput = z.infer<typeof registerPasskeySchema>
export type PasskeyLoginInput = z.infer<typeof passkeyLoginSchema>
export type RegisterInput = z.infer<typeof registerSchema>
export type LoginInput = z.infer<typeof loginSchema>
export type TwoFactorLoginInput = z.infer<typeof twoFactorLoginSchema>
export type GuestInput = z.infer<typeof guestSchema>
export type ChangePasswordInput = z.infer<typeof changePasswordSchema>
export type ReauthInput = z.infer<typeof reauthSchema>
export type ResetPasswordInput = z.infer<typeof resetPasswordSchema>
