/**
 * The caller settings (issue 14): how bearer tokens are verified, which claims name the PSU, its presence and its
 * banks, which proxies are believed, and the partners' trusted documents. Parsed here, validated with the rest of
 * the configuration (every problem named at once); `auth/` turns them into verifiers at start.
 */
import { isIP } from 'node:net'

/**
 * How a verified token says its PSU is at the keyboard (`AUTH_PRESENT_CLAIM`):
 * - `contains`, written `claim:value` (e.g. `scope:psu_present`): the claim is a space-separated string (an OAuth
 *   `scope`) or an array of strings, one of which is exactly `value`;
 * - `equals`, written `claim=value` (e.g. `psu_present=true`): the claim is exactly `value`; `true` and `false` are
 *   JSON booleans, so the string "true" does not match `psu_present=true`.
 * The claim name is split at the last `=` (or, without one, the last `:`), so URL-shaped claim names work.
 */
export type PresentRule =
  | { readonly kind: 'contains'; readonly claim: string; readonly value: string }
  | { readonly kind: 'equals'; readonly claim: string; readonly value: string | boolean }

/** Which claims of a verified token name the PSU, say it is present, and list its banks. */
export interface ClaimMapping {
  readonly psuClaim: string
  /** Absent: no token from this issuer is ever present (every caller is a partner). */
  readonly present: PresentRule | undefined
  /** An array of 5-digit bank codes, or a space-separated string of them; absent claim = the default bank. */
  readonly banksClaim: string
  /** The OAuth client (the partner) the token was issued to, e.g. `client_id` (RFC 9068) or `azp`: whose trusted documents. */
  readonly clientClaim: string
}

/** One `TRUSTED_DOCUMENTS` entry: a manifest for every partner (`client` absent) or for one partner's client id. */
export interface TrustedDocumentsEntry {
  readonly client: string | undefined
  readonly file: string
}

export interface IdentityProviderConfig {
  /** `AUTH_JWKS_URL`: the IdP's JWKS (https, or http in sandbox mode only). */
  readonly jwksUrl: string | undefined
  /** `AUTH_PUBLIC_KEYS`: files holding a JWKS (JSON) or PEM public keys / certificates. */
  readonly publicKeyFiles: readonly string[]
  /** Accepted `iss` values; empty only in sandbox mode (then `iss` is not checked). */
  readonly issuers: readonly string[]
  /** Accepted `aud` values (the token must hold one); empty only in sandbox mode. */
  readonly audiences: readonly string[]
  readonly algorithms: readonly string[]
  /** The JWS `typ` header required (e.g. `at+jwt`, RFC 9068); absent = not checked. */
  readonly typ: string | undefined
  readonly claims: ClaimMapping
  readonly jwks: { readonly timeoutMs: number; readonly cooldownMs: number; readonly cacheMaxAgeMs: number }
}

export interface AuthConfig {
  /** Development tokens (their own issuer and ES256 key under DATA_DIR): sandbox mode only. */
  readonly devTokens: boolean
  readonly identityProvider: IdentityProviderConfig | undefined
  readonly clockToleranceSeconds: number
  /** Tokens older than this (by `iat`, then required) are refused; absent = only `exp` bounds them. */
  readonly maxTokenAgeSeconds: number | undefined
  /**
   * `TRUSTED_DOCUMENTS`: the partners' operation manifests, `file` (every partner's) and `client=file` (one partner's,
   * by the client claim); empty = partners may send any document.
   */
  readonly trustedDocuments: readonly TrustedDocumentsEntry[]
}

/** The development tokens' issuer: an IdP may not claim it. */
export const DEV_TOKEN_ISSUER = 'stet-gateway-dev'

/** Every asymmetric JWS algorithm jose verifies; HS* and `none` are never accepted (no shared secret, no HS/RS confusion). */
export const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const

type Env = Readonly<Record<string, string | undefined>>

export function loadAuthConfig(env: Env, environment: 'sandbox' | 'live', problems: string[]): AuthConfig {
  const opt = (name: string): string | undefined => {
    const v = env[name]?.trim()
    return v === undefined || v === '' ? undefined : v
  }
  const list = (name: string): string[] =>
    (opt(name) ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = opt(name)
    if (raw === undefined) return fallback
    const n = Number(raw)
    if (!/^\d+$/.test(raw) || n < min || n > max) {
      problems.push(`${name} must be an integer between ${min} and ${max} (got "${raw}")`)
      return fallback
    }
    return n
  }
  const claimName = (name: string, fallback: string): string => {
    const raw = opt(name) ?? fallback
    if (/\s/.test(raw)) problems.push(`${name} must be a claim name without spaces (got "${raw}")`)
    return raw
  }

  const devTokensRaw = opt('DEV_TOKENS')
  let devTokens = environment === 'sandbox'
  if (devTokensRaw !== undefined) {
    if (['true', '1', 'yes'].includes(devTokensRaw)) devTokens = true
    else if (['false', '0', 'no'].includes(devTokensRaw)) devTokens = false
    else problems.push(`DEV_TOKENS must be true or false (got "${devTokensRaw}")`)
  }
  if (devTokens && environment === 'live') problems.push('DEV_TOKENS cannot be enabled when STET_ENVIRONMENT=live')

  const jwksUrl = opt('AUTH_JWKS_URL')
  if (jwksUrl !== undefined) {
    let protocol = ''
    try {
      protocol = new URL(jwksUrl).protocol
    } catch {
      problems.push(`AUTH_JWKS_URL must be an https URL (got "${jwksUrl}")`)
    }
    if (protocol === 'http:' && environment === 'live') {
      problems.push('AUTH_JWKS_URL must be https when STET_ENVIRONMENT=live (plain http only in sandbox mode)')
    } else if (protocol !== '' && protocol !== 'https:' && protocol !== 'http:') {
      problems.push(`AUTH_JWKS_URL must be an https URL (got "${jwksUrl}")`)
    }
  }
  const publicKeyFiles = list('AUTH_PUBLIC_KEYS')
  const issuers = list('AUTH_ISSUER')
  const audiences = list('AUTH_AUDIENCE')
  const hasKeys = jwksUrl !== undefined || publicKeyFiles.length > 0
  if (environment === 'live') {
    if (!hasKeys) {
      problems.push('AUTH_JWKS_URL or AUTH_PUBLIC_KEYS is required when STET_ENVIRONMENT=live (callers are verified)')
    }
    if (issuers.length === 0) problems.push('AUTH_ISSUER is required when STET_ENVIRONMENT=live')
    if (audiences.length === 0) problems.push('AUTH_AUDIENCE is required when STET_ENVIRONMENT=live')
  } else if (!hasKeys && (issuers.length > 0 || audiences.length > 0)) {
    problems.push(
      'AUTH_ISSUER and AUTH_AUDIENCE need AUTH_JWKS_URL or AUTH_PUBLIC_KEYS (the keys that sign the tokens)',
    )
  }
  if (issuers.includes(DEV_TOKEN_ISSUER)) {
    problems.push(`AUTH_ISSUER may not be "${DEV_TOKEN_ISSUER}" (the development tokens' own issuer)`)
  }

  const algorithms = list('AUTH_ALGORITHMS')
  for (const alg of algorithms) {
    if (!(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(alg)) {
      problems.push(
        `AUTH_ALGORITHMS may list only asymmetric algorithms (${ASYMMETRIC_ALGORITHMS.join(', ')}); got "${alg}"`,
      )
    }
  }

  const presentRaw = opt('AUTH_PRESENT_CLAIM')
  const present = presentRaw === undefined ? undefined : parsePresentRule(presentRaw)
  if (presentRaw !== undefined && present === undefined) {
    problems.push(
      `AUTH_PRESENT_CLAIM must look like "scope:psu_present" (a scope value) or "psu_present=true" (a claim's value); got "${presentRaw}"`,
    )
  }
  const claims: ClaimMapping = {
    psuClaim: claimName('AUTH_PSU_CLAIM', 'sub'),
    present,
    banksClaim: claimName('AUTH_BANKS_CLAIM', 'banks'),
    clientClaim: claimName('AUTH_CLIENT_CLAIM', 'client_id'),
  }
  const typ = opt('AUTH_TYP')
  const jwks = {
    timeoutMs: int('AUTH_JWKS_TIMEOUT_MS', 5000, 1, 60_000),
    cooldownMs: int('AUTH_JWKS_COOLDOWN_MS', 30_000, 0, 3_600_000),
    cacheMaxAgeMs: int('AUTH_JWKS_CACHE_MAX_AGE_MS', 600_000, 0, 86_400_000),
  }
  const clockToleranceSeconds = int('AUTH_CLOCK_TOLERANCE_SECONDS', 30, 0, 300)
  const maxAgeRaw = opt('AUTH_MAX_TOKEN_AGE_SECONDS')
  const maxTokenAgeSeconds = maxAgeRaw === undefined ? undefined : int('AUTH_MAX_TOKEN_AGE_SECONDS', 0, 1, 31_536_000)

  return {
    devTokens,
    identityProvider: hasKeys
      ? {
          jwksUrl,
          publicKeyFiles,
          issuers,
          audiences,
          algorithms: algorithms.length > 0 ? algorithms : [...ASYMMETRIC_ALGORITHMS],
          typ,
          claims,
          jwks,
        }
      : undefined,
    clockToleranceSeconds,
    maxTokenAgeSeconds,
    trustedDocuments: parseTrustedDocuments(list('TRUSTED_DOCUMENTS'), problems),
  }
}

/**
 * `TRUSTED_DOCUMENTS=shared.json,partner-a=a.json,partner-b=b.json`: a file alone is for every partner; `client=file`
 * adds documents for the partner whose token's client claim (`AUTH_CLIENT_CLAIM`) is `client`. A client id holds no
 * space, comma or `=`.
 */
export function parseTrustedDocuments(entries: readonly string[], problems: string[]): TrustedDocumentsEntry[] {
  const out: TrustedDocumentsEntry[] = []
  for (const entry of entries) {
    const eq = entry.indexOf('=')
    const client = eq < 0 ? undefined : entry.slice(0, eq).trim()
    const file = (eq < 0 ? entry : entry.slice(eq + 1)).trim()
    if (file === '' || client === '' || (client !== undefined && !/^[^\s,=]{1,256}$/.test(client))) {
      problems.push(`TRUSTED_DOCUMENTS must list manifest files, each alone or as client=file (got "${entry}")`)
      continue
    }
    out.push({ client, file })
  }
  return out
}

/** `scope:psu_present` → contains; `psu_present=true` → equals (see `PresentRule`); undefined when malformed. */
export function parsePresentRule(raw: string): PresentRule | undefined {
  const eq = raw.lastIndexOf('=')
  if (eq > 0 && eq < raw.length - 1) {
    const value = raw.slice(eq + 1)
    return {
      kind: 'equals',
      claim: raw.slice(0, eq),
      value: value === 'true' ? true : value === 'false' ? false : value,
    }
  }
  const colon = raw.lastIndexOf(':')
  if (eq === -1 && colon > 0 && colon < raw.length - 1 && !/\s/.test(raw)) {
    return { kind: 'contains', claim: raw.slice(0, colon), value: raw.slice(colon + 1) }
  }
  return undefined
}

/**
 * `TRUSTED_PROXIES`: comma-separated addresses or CIDRs, IPv4 or IPv6 (`10.0.0.0/8, 2001:db8::/32, 127.0.0.1`).
 * Returned normalised as `address/prefix`.
 */
export function parseTrustedProxies(raw: string | undefined, problems: string[]): string[] {
  const out: string[] = []
  for (const entry of (raw ?? '').split(',').map((s) => s.trim())) {
    if (entry === '') continue
    const [address = '', prefixRaw, extra] = entry.split('/')
    const family = isIP(address)
    const max = family === 6 ? 128 : 32
    const prefix = prefixRaw === undefined ? max : Number(prefixRaw)
    if (
      family === 0 ||
      extra !== undefined ||
      (prefixRaw !== undefined && !/^\d{1,3}$/.test(prefixRaw)) ||
      !Number.isInteger(prefix) ||
      prefix > max
    ) {
      problems.push(
        `TRUSTED_PROXIES must list IP addresses or CIDRs such as 10.0.0.0/8 or 2001:db8::/32 (got "${entry}")`,
      )
      continue
    }
    out.push(`${address}/${prefix}`)
  }
  return out
}
