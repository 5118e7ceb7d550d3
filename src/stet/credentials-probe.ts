/**
 * Does the bank accept our credentials? Asked at start and by `/readyz`, without spending any PSU's budget:
 * 1. a client_credentials token from /token (the bank checks the client id and, over mTLS, the QWAC);
 * 2. a signed `GET /accounts` with that token (the bank checks the Signature, keyId and QSealC before it looks for a
 *    PSU; the token names none, so the bank answers 403 and counts no PSU's call: NOTES §4, the sandbox's pipeline).
 * A TLS handshake the bank aborts is the certificate. An unreachable bank is `unreachable`, not a rejection: readiness
 * is about our configuration, and a bank outage is served from the cache (stale), not by taking replicas away.
 */
import { BankCredentialsRejectedError } from './stet-errors.js'
import type { OAuthClient } from './oauth-client.js'
import type { StetClient } from './stet-client.js'

export type CredentialsVerdict =
  | { readonly status: 'accepted' }
  | {
      readonly status: 'rejected'
      readonly rejected: 'signature' | 'client-id' | 'certificate'
      readonly setting: string
    }
  | { readonly status: 'unreachable'; readonly reason: string }

export interface CredentialsProbeDeps {
  readonly oauth: OAuthClient
  readonly stet: StetClient
  readonly bank: string
  /** What to check when the bank refuses the handshake (the QWAC settings). */
  readonly certificateSetting: string
}

export async function probeBankCredentials(deps: CredentialsProbeDeps): Promise<CredentialsVerdict> {
  try {
    const token = await deps.oauth.clientCredentials(deps.bank)
    const answer = await deps.stet.probeSignature(deps.bank, token.access_token)
    if (answer === 'accepted') return { status: 'accepted' }
    return { status: 'rejected', rejected: 'signature', setting: signatureSettingOf(deps.stet) }
  } catch (error) {
    if (error instanceof BankCredentialsRejectedError)
      return { status: 'rejected', rejected: error.rejected, setting: error.setting }
    if (isHandshakeRefusal(error))
      return { status: 'rejected', rejected: 'certificate', setting: deps.certificateSetting }
    return { status: 'unreachable', reason: error instanceof Error ? error.message : 'unknown error' }
  }
}

function signatureSettingOf(stet: StetClient): string {
  return stet.signatureSetting
}

/** OpenSSL's alerts surface as ERR_SSL_* / ERR_TLS_* codes somewhere in the cause chain. */
function isHandshakeRefusal(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string' && /^ERR_(SSL|TLS)_/.test(code)) return true
    if (/alert (bad|unknown|certificate)/i.test(current.message)) return true
    current = current.cause
  }
  return false
}
