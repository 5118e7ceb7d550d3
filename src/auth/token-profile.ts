import type { JWTVerifyGetKey } from 'jose'
import type { ClaimMapping } from '../config/auth-config.js'

/**
 * One kind of token the gateway accepts: who issues it, for whom, signed how, with which keys, and what its claims
 * mean. The development tokens and the identity provider's are two profiles verified by the same code.
 */
export interface TokenProfile {
  readonly name: 'development' | 'identity provider'
  /** Accepted `iss`; empty = not checked (an IdP tried in sandbox mode without AUTH_ISSUER). */
  readonly issuers: readonly string[]
  /** Accepted `aud`; empty = not checked (sandbox mode only). */
  readonly audiences: readonly string[]
  readonly algorithms: readonly string[]
  readonly typ: string | undefined
  readonly claims: ClaimMapping
  readonly keys: JWTVerifyGetKey
}
