/**
 * Development callers (sandbox mode only): ES256 JWTs from the gateway's own issuer, signed with a key pair made once
 * under DATA_DIR, and verified like an identity provider's tokens (`verify-token.ts`), only against that key.
 * `present: true` makes a frontend session where the PSU is at the keyboard; without it, a partner/batch caller.
 * Presence still needs the socket address: the token alone never carries an IP.
 */
import path from 'node:path'
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  SignJWT,
  type CryptoKey,
  type JWK,
} from 'jose'
import type { Clock } from '../clock.js'
import { DEV_TOKEN_ISSUER } from '../config/auth-config.js'
import { readOrCreateSecretFile } from '../config/secret-file.js'
import type { TokenProfile } from './token-profile.js'

export const DEV_TOKEN_AUDIENCE = 'stet-gateway'
const ALG = 'ES256'
const KEY_FILE = 'dev-token-key.json'

export interface DevTokenClaims {
  readonly psuId: string
  readonly present: boolean
  readonly banks: readonly string[]
  /** A partner's client id (`client_id`), to try per-partner trusted documents. */
  readonly clientId?: string
}

/** The development signing key: private half for `npm run token` and the sandbox's GraphiQL, public half to verify. */
export interface DevSigningKey {
  readonly kid: string
  readonly privateKey: CryptoKey
  readonly publicJwk: JWK
}

/** Reads DATA_DIR/dev-token-key.json (a private JWK, 0600), making it on first use. */
export async function loadOrCreateDevSigningKey(dataDir: string): Promise<DevSigningKey> {
  const stored = await readOrCreateSecretFile(path.join(dataDir, KEY_FILE), async () => {
    const { privateKey } = await generateKeyPair(ALG, { extractable: true })
    const jwk = await exportJWK(privateKey)
    return JSON.stringify({ ...jwk, alg: ALG, kid: await calculateJwkThumbprint(jwk) })
  })
  const jwk = JSON.parse(stored) as JWK
  const { d: _d, ...publicJwk } = jwk
  const kid = jwk.kid ?? (await calculateJwkThumbprint(publicJwk))
  return { kid, privateKey: (await importJWK(jwk, ALG)) as CryptoKey, publicJwk: { ...publicJwk, kid, use: 'sig' } }
}

export async function issueDevToken(
  key: DevSigningKey,
  claims: DevTokenClaims,
  options: { clock: Clock; ttlSeconds: number },
): Promise<string> {
  const iat = Math.floor(options.clock() / 1000)
  return new SignJWT({
    present: claims.present,
    banks: [...claims.banks],
    ...(claims.clientId === undefined ? {} : { client_id: claims.clientId }),
  })
    .setProtectedHeader({ alg: ALG, typ: 'JWT', kid: key.kid })
    .setSubject(claims.psuId)
    .setIssuer(DEV_TOKEN_ISSUER)
    .setAudience(DEV_TOKEN_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + options.ttlSeconds)
    .sign(key.privateKey)
}

/** How development tokens are verified: the same path as the IdP's, with their own issuer, audience and one key. */
export function devTokenProfile(key: DevSigningKey): TokenProfile {
  return {
    name: 'development',
    issuers: [DEV_TOKEN_ISSUER],
    audiences: [DEV_TOKEN_AUDIENCE],
    algorithms: [ALG],
    typ: 'JWT',
    claims: {
      psuClaim: 'sub',
      present: { kind: 'equals', claim: 'present', value: true },
      banksClaim: 'banks',
      clientClaim: 'client_id',
    },
    keys: createLocalJWKSet({ keys: [key.publicJwk] }),
  }
}
