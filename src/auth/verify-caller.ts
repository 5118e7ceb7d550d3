import type { IncomingMessage } from 'node:http'
import { decodeJwt } from 'jose'
import type { Clock } from '../clock.js'
import { DEV_TOKEN_ISSUER } from '../config/auth-config.js'
import type { Caller } from './caller.js'
import { presenceFromRequest } from './presence.js'
import type { TokenProfile } from './token-profile.js'
import type { TrustedProxies } from './trusted-proxies.js'
import { UnauthenticatedError } from './unauthenticated-error.js'
import { VerifiedTokenCache } from './verified-token-cache.js'
import { verifyToken, type VerifiedToken } from './verify-token.js'

export interface CallerVerifierOptions {
  /** Development tokens: present only in sandbox mode. */
  readonly development: TokenProfile | undefined
  /** The identity provider's tokens (AUTH_JWKS_URL / AUTH_PUBLIC_KEYS), when configured. */
  readonly identityProvider: TokenProfile | undefined
  readonly trustedProxies: TrustedProxies
  readonly defaultBank: string
  readonly clock: Clock
  readonly clockToleranceSeconds: number
  readonly maxTokenAgeSeconds: number | undefined
}

export type CallerVerifier = (req: IncomingMessage) => Promise<Caller>

/**
 * Bearer token → Caller (DESIGN step 1). The token's (unverified) `iss` only chooses which profile verifies it: the
 * development issuer goes to the development key alone, anything else to the identity provider's keys, so neither
 * can stand in for the other. A caller is a frontend session exactly when its verified token says the PSU is
 * present; a partner's token never is, and presence then also needs the socket address (inv. 9).
 */
export function createCallerVerifier(options: CallerVerifierOptions): CallerVerifier {
  const verifiedTokens = new VerifiedTokenCache(options.clock)
  return async (req) => {
    const m = /^Bearer +([A-Za-z0-9_.-]+)$/i.exec(req.headers.authorization ?? '')
    if (m?.[1] === undefined) throw new UnauthenticatedError('an Authorization: Bearer token is required')
    const token = m[1]
    const verified = verifiedTokens.get(token) ?? (await verifyFresh(token))
    const consumer = verified.present ? 'frontend' : 'partner'
    return {
      psuId: verified.psuId,
      consumer,
      presence: consumer === 'frontend' ? presenceFromRequest(req, options.trustedProxies, options.clock()) : undefined,
      banks: verified.banks.length > 0 ? verified.banks : [options.defaultBank],
      ...(verified.clientId === undefined ? {} : { clientId: verified.clientId }),
    }
  }

  async function verifyFresh(token: string): Promise<VerifiedToken> {
    let issuer: unknown
    try {
      issuer = decodeJwt(token).iss
    } catch (error) {
      throw new UnauthenticatedError('the bearer token is refused: it is not a well-formed JWT', { cause: error })
    }
    const profile = issuer === DEV_TOKEN_ISSUER ? options.development : options.identityProvider
    if (profile === undefined) {
      throw new UnauthenticatedError(
        issuer === DEV_TOKEN_ISSUER
          ? 'the bearer token is refused: development tokens are accepted only in sandbox mode'
          : 'the bearer token is refused: no identity provider is configured (AUTH_JWKS_URL or AUTH_PUBLIC_KEYS)',
      )
    }
    const verified = await verifyToken(token, profile, options)
    verifiedTokens.set(token, verified)
    return verified
  }
}
