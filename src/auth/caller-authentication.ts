/**
 * Builds caller authentication from its settings at start: the development key (sandbox mode), the identity
 * provider's keys (local files, a JWKS URL, or both: files first), and the trusted proxies. The composition root
 * only wires what this returns.
 */
import type { JWTVerifyGetKey } from 'jose'
import { errors } from 'jose'
import type { Clock } from '../clock.js'
import type { AuthConfig, IdentityProviderConfig } from '../config/auth-config.js'
import type { Logger } from '../observability/logger.js'
import { devTokenProfile, issueDevToken, loadOrCreateDevSigningKey, type DevTokenClaims } from './dev-token.js'
import { loadPublicKeys } from './local-key-set.js'
import { createRemoteKeySet } from './remote-key-set.js'
import type { TokenProfile } from './token-profile.js'
import { createTrustedProxies } from './trusted-proxies.js'
import { createCallerVerifier, type CallerVerifier } from './verify-caller.js'

export interface CallerAuthentication {
  readonly verifyCaller: CallerVerifier
  /** Mints a development token (sandbox mode only; undefined otherwise). */
  readonly issueDevToken: ((claims: DevTokenClaims, ttlSeconds: number) => Promise<string>) | undefined
}

export interface CallerAuthenticationDeps {
  readonly dataDir: string
  /** Normalised CIDRs (`config.http.trustedProxies`). */
  readonly trustedProxies: readonly string[]
  readonly defaultBank: string
  readonly clock: Clock
  readonly logger: Logger
}

export async function createCallerAuthentication(
  config: AuthConfig,
  deps: CallerAuthenticationDeps,
): Promise<CallerAuthentication> {
  const devKey = config.devTokens ? await loadOrCreateDevSigningKey(deps.dataDir) : undefined
  const idp = config.identityProvider
  const verifyCaller = createCallerVerifier({
    development: devKey === undefined ? undefined : devTokenProfile(devKey),
    identityProvider: idp === undefined ? undefined : await identityProviderProfile(idp, deps),
    trustedProxies: createTrustedProxies(deps.trustedProxies),
    defaultBank: deps.defaultBank,
    clock: deps.clock,
    clockToleranceSeconds: config.clockToleranceSeconds,
    maxTokenAgeSeconds: config.maxTokenAgeSeconds,
  })
  return {
    verifyCaller,
    issueDevToken:
      devKey === undefined
        ? undefined
        : (claims, ttlSeconds) => issueDevToken(devKey, claims, { clock: deps.clock, ttlSeconds }),
  }
}

async function identityProviderProfile(
  idp: IdentityProviderConfig,
  deps: CallerAuthenticationDeps,
): Promise<TokenProfile> {
  const local = idp.publicKeyFiles.length > 0 ? await loadPublicKeys(idp.publicKeyFiles) : undefined
  let remote: JWTVerifyGetKey | undefined
  if (idp.jwksUrl !== undefined) {
    const keySet = createRemoteKeySet(idp.jwksUrl, {
      ...idp.jwks,
      clock: deps.clock,
      onRefreshError: (error) =>
        deps.logger.warn({ err: String(error) }, 'identity provider JWKS refresh failed; known keys still used'),
    })
    await keySet.refresh()
    remote = keySet.getKey
  }
  return {
    name: 'identity provider',
    issuers: idp.issuers,
    audiences: idp.audiences,
    algorithms: idp.algorithms,
    typ: idp.typ,
    claims: idp.claims,
    keys: combineKeys(local, remote),
  }
}

/** Local files first; a kid they do not hold goes to the JWKS URL. */
function combineKeys(local: JWTVerifyGetKey | undefined, remote: JWTVerifyGetKey | undefined): JWTVerifyGetKey {
  if (local === undefined) return remote ?? (() => Promise.reject(new errors.JWKSNoMatchingKey()))
  if (remote === undefined) return local
  return async (header, token) => {
    try {
      return await local(header, token)
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey) return remote(header, token)
      throw error
    }
  }
}
