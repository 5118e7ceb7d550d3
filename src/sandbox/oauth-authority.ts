/**
 * The sandbox's OAuth2 server (NOTES §4): authorization code flow, refresh with rotation, client_credentials, RFC 7009
 * revocation. The PSU logs in on a small HTML page (PSU id + the sandbox OTP, login-page.ts) in place of the bank's
 * login and OTP screens; a `psu` query parameter skips the page and approves that persona at once (tests).
 * Every expiry is read from the injected clock, so tests move time instead of waiting.
 * Like a bank's token store, it keeps SHA-256 digests of the tokens, not the tokens: the persisted file
 * (sandbox-persistence.ts) lets nobody call the bank. Authorization codes stay in memory (they live 1 h).
 */
import { createHash, randomBytes } from 'node:crypto'
import * as v from 'valibot'
import type { TokenResponse } from '../stet-api/wire.js'
import { loginPage, SANDBOX_OTP } from './login-page.js'
import type { Persona } from './personas.js'
import { findPersona } from './personas.js'
import type { PersistentState } from './sandbox-persistence.js'

/** RFC 6749 §5.2 error body. */
export interface OAuthErrorBody {
  error: string
  error_description: string
}

export type OAuthAnswer =
  | { status: 200; body: TokenResponse }
  | { status: 200; body?: undefined }
  | { status: 302; location: string }
  | { status: 400; body: OAuthErrorBody }
  /** The login page (again, with a message, after a wrong PSU id or OTP). */
  | { status: 200; html: string }

export interface AccessGrant {
  clientId: string
  /** Absent for client_credentials tokens: no PSU, so no AIS data (→ 403). */
  psuId?: string
  scope: string
  expiresAt: number
  /** The digest of the refresh token issued with it (revoking one revokes the other). */
  refreshDigest?: string
  revoked: boolean
}

/** What a bearer token is, as the resource server sees it. */
export type BearerCheck =
  { kind: 'missing' } | { kind: 'unknown' } | { kind: 'expired' | 'revoked' | 'valid'; grant: AccessGrant }

interface CodeGrant {
  clientId: string
  psuId: string
  redirectUri: string
  scope: string
  expiresAt: number
  used: boolean
}

interface RefreshGrant {
  clientId: string
  psuId: string
  scope: string
  expiresAt: number
  revoked: boolean
  /** Digests of the access tokens issued with it. */
  accessDigests: string[]
}

const SNAPSHOT = v.object({
  version: v.literal(1),
  accessTokens: v.array(
    v.object({
      digest: v.string(),
      clientId: v.string(),
      psuId: v.optional(v.string()),
      scope: v.string(),
      expiresAt: v.number(),
      refreshDigest: v.optional(v.string()),
      revoked: v.boolean(),
    }),
  ),
  refreshTokens: v.array(
    v.object({
      digest: v.string(),
      clientId: v.string(),
      psuId: v.string(),
      scope: v.string(),
      expiresAt: v.number(),
      revoked: v.boolean(),
      accessDigests: v.array(v.string()),
    }),
  ),
})
type Snapshot = v.InferOutput<typeof SNAPSHOT>

export interface OAuthAuthorityOptions {
  clientId: string
  accessTokenTtlSeconds: number
  now: () => number
  /** Which PSU ids exist; default the bank's personas (benchmark personas are opt-in). */
  findPersona?: (psuId: string) => Persona | undefined
  /** The personas the login page suggests to a person trying the sandbox. */
  loginHints?: readonly { psuId: string; name: string }[]
}

/** The code is valid for 1 h in the sandbox (BANK Sandbox 3rd step). */
const CODE_TTL_MS = 3600 * 1000
/** Refresh tokens live 180 days (BANK Refresh your token). */
const REFRESH_TTL_MS = 180 * 24 * 3600 * 1000
/** An expired access token stays known this long (its calls are still counted, then refused as expired). */
const EXPIRED_ACCESS_KEPT_MS = 7 * 24 * 3600 * 1000

function newToken(): string {
  return randomBytes(32).toString('base64url')
}

function digestOf(token: string): string {
  return createHash('sha256').update(token).digest('base64url')
}

function oauthError(error: string, description: string): OAuthAnswer {
  return { status: 400, body: { error, error_description: description } }
}

export class OAuthAuthority implements PersistentState {
  readonly #codes = new Map<string, CodeGrant>()
  /** Keyed by the token's digest, as are the refresh tokens. */
  readonly #accessTokens = new Map<string, AccessGrant>()
  readonly #refreshTokens = new Map<string, RefreshGrant>()
  #changed: () => void = () => undefined

  constructor(private readonly options: OAuthAuthorityOptions) {}

  /**
   * `GET /authorize?response_type=code&client_id&redirect_uri&scope&state`: the login page; with `&psu=<PSU id>`,
   * that persona approved at once (tests, persona linking).
   */
  authorize(query: URLSearchParams): OAuthAnswer {
    const refused = this.#checkRequest(query)
    if (refused) return refused
    const psuId = query.get('psu')
    if (psuId === null) return { status: 200, html: this.#page(query) }
    if (!this.#findPersona(psuId)) return oauthError('invalid_request', 'unknown PSU')
    return this.#approve(query, psuId)
  }

  /**
   * `POST /authorize`, the login page's form: the authorize request's parameters again, plus `psu` and `otp`.
   * A wrong PSU id or OTP shows the page again with a message; a right one redirects with a code.
   */
  login(form: URLSearchParams): OAuthAnswer {
    const refused = this.#checkRequest(form)
    if (refused) return refused
    const psuId = (form.get('psu') ?? '').trim()
    if (!this.#findPersona(psuId)) {
      return { status: 200, html: this.#page(form, psuId, 'Unknown PSU id. Try one of the sandbox personas below.') }
    }
    if (form.get('otp')?.trim() !== SANDBOX_OTP) {
      return { status: 200, html: this.#page(form, psuId, 'Wrong one-time password.') }
    }
    return this.#approve(form, psuId)
  }

  #findPersona(psuId: string): Persona | undefined {
    return psuId === '' ? undefined : (this.options.findPersona ?? findPersona)(psuId)
  }

  /** The checks that come before any login: a request that fails them never shows the page. */
  #checkRequest(query: URLSearchParams): OAuthAnswer | undefined {
    if (query.get('response_type') !== 'code')
      return oauthError('unsupported_response_type', 'response_type must be code')
    if (query.get('client_id') !== this.options.clientId) return oauthError('invalid_client', 'unknown client_id')
    const redirectUri = query.get('redirect_uri')
    if (!redirectUri || !URL.canParse(redirectUri))
      return oauthError('invalid_request', 'redirect_uri missing or invalid')
    return undefined
  }

  #page(request: URLSearchParams, psuId?: string, message?: string): string {
    return loginPage({
      request,
      personas: this.options.loginHints ?? [],
      ...(psuId === undefined ? {} : { psuId }),
      ...(message === undefined ? {} : { message }),
    })
  }

  /** A one-time code for the PSU, and the redirect carrying it (and the state) back to the TPP. */
  #approve(query: URLSearchParams, psuId: string): OAuthAnswer {
    const redirectUri = query.get('redirect_uri') ?? ''
    const scope = query.get('scope') ?? 'aisp'
    const code = newToken()
    this.#codes.set(code, {
      clientId: this.options.clientId,
      psuId,
      redirectUri,
      scope,
      expiresAt: this.options.now() + CODE_TTL_MS,
      used: false,
    })
    const location = new URL(redirectUri)
    location.searchParams.set('code', code)
    const state = query.get('state')
    if (state !== null) location.searchParams.set('state', state)
    return { status: 302, location: location.toString() }
  }

  /** `POST /token`, form-encoded. `scope` is not expected on the code and refresh grants and is ignored (NOTES §4). */
  token(form: URLSearchParams): OAuthAnswer {
    if (form.get('client_id') !== this.options.clientId) return oauthError('invalid_client', 'unknown client_id')
    switch (form.get('grant_type')) {
      case 'authorization_code':
        return this.#exchangeCode(form)
      case 'refresh_token':
        return this.#refresh(form)
      case 'client_credentials': {
        const scope = form.get('scope') ?? 'aisp'
        return { status: 200, body: this.#issueAccess({ clientId: this.options.clientId, scope }) }
      }
      default:
        return oauthError('unsupported_grant_type', 'grant_type not supported')
    }
  }

  /** RFC 7009: revokes a refresh token and its access tokens, or an access token and its refresh token (BANK Refresh). */
  revoke(form: URLSearchParams): OAuthAnswer {
    const clientId = form.get('client_id')
    if (clientId !== null && clientId !== this.options.clientId)
      return oauthError('invalid_client', 'unknown client_id')
    const token = form.get('token')
    if (!token) return oauthError('invalid_request', 'token missing')
    const digest = digestOf(token)
    const access = this.#accessTokens.get(digest)
    const refreshDigest = access ? access.refreshDigest : digest
    if (access) access.revoked = true
    if (refreshDigest !== undefined) this.#revokeRefresh(refreshDigest)
    this.#changed()
    // RFC 7009 §2.2: 200 even for an unknown token.
    return { status: 200 }
  }

  /**
   * The PSU withdraws the TPP's access at the bank itself (its app or branch, out of the TPP's sight): every refresh
   * token of this PSU is revoked with its access tokens, so the next refresh is refused `invalid_grant`. Returns how
   * many refresh tokens were live.
   */
  /** How many refresh tokens of this PSU the bank would still honour (not revoked, not expired). */
  liveRefreshTokens(psuId: string): number {
    const now = this.options.now()
    let live = 0
    for (const grant of this.#refreshTokens.values()) {
      if (grant.psuId === psuId && !grant.revoked && now < grant.expiresAt) live++
    }
    return live
  }

  revokePsu(psuId: string): number {
    let revoked = 0
    for (const [digest, grant] of this.#refreshTokens) {
      if (grant.psuId !== psuId || grant.revoked) continue
      this.#revokeRefresh(digest)
      revoked++
    }
    if (revoked > 0) this.#changed()
    return revoked
  }

  /** Reads `Authorization: Bearer …`. Expired and revoked tokens stay known: the bank still counts their calls. */
  inspect(authorization: string | undefined): BearerCheck {
    const match = authorization === undefined ? null : /^Bearer +(\S+)$/i.exec(authorization.trim())
    if (!match?.[1]) return { kind: 'missing' }
    const grant = this.#accessTokens.get(digestOf(match[1]))
    if (!grant) return { kind: 'unknown' }
    if (grant.revoked) return { kind: 'revoked', grant }
    if (this.options.now() >= grant.expiresAt) return { kind: 'expired', grant }
    return { kind: 'valid', grant }
  }

  #exchangeCode(form: URLSearchParams): OAuthAnswer {
    const code = form.get('code')
    const grant = code ? this.#codes.get(code) : undefined
    if (!code || !grant) return oauthError('invalid_grant', 'unknown authorization code')
    // One-time code (RFC 6749 §4.1.2).
    if (grant.used) return oauthError('invalid_grant', 'authorization code already used')
    if (this.options.now() >= grant.expiresAt) return oauthError('invalid_grant', 'authorization code expired')
    // The bank: redirect_uri "needs to be strictly identical" to the one of /authorize (BANK Sandbox 3rd step).
    if (form.get('redirect_uri') !== grant.redirectUri) return oauthError('invalid_grant', 'redirect_uri mismatch')
    grant.used = true
    return { status: 200, body: this.#issueWithRefresh(grant.psuId, grant.scope, grant.scope) }
  }

  #refresh(form: URLSearchParams): OAuthAnswer {
    const token = form.get('refresh_token')
    const grant = token ? this.#refreshTokens.get(digestOf(token)) : undefined
    if (!token || !grant) return oauthError('invalid_grant', 'unknown refresh token')
    if (grant.revoked) return oauthError('invalid_grant', 'refresh token revoked')
    if (this.options.now() >= grant.expiresAt) return oauthError('invalid_grant', 'refresh token expired')
    // Rotation: the bank returns a new refresh token to store (BANK Refresh §3); the old one stops working. The old
    // access tokens live on until they expire.
    grant.revoked = true
    const scope = grant.scope.split(' ').includes('offline_access') ? grant.scope : `${grant.scope} offline_access`
    return { status: 200, body: this.#issueWithRefresh(grant.psuId, grant.scope, scope, grant.expiresAt) }
  }

  #issueWithRefresh(
    psuId: string,
    grantScope: string,
    answeredScope: string,
    refreshExpiresAt?: number,
  ): TokenResponse {
    const refreshToken = newToken()
    const refreshDigest = digestOf(refreshToken)
    const response = this.#issueAccess({ clientId: this.options.clientId, psuId, scope: answeredScope, refreshDigest })
    this.#refreshTokens.set(refreshDigest, {
      clientId: this.options.clientId,
      psuId,
      scope: grantScope,
      // A rotated refresh token keeps the original 180-day horizon (the SCA date does not move, BANK Refresh §2).
      expiresAt: refreshExpiresAt ?? this.options.now() + REFRESH_TTL_MS,
      revoked: false,
      accessDigests: [digestOf(response.access_token)],
    })
    this.#changed()
    return { ...response, refresh_token: refreshToken }
  }

  #issueAccess(grant: { clientId: string; psuId?: string; scope: string; refreshDigest?: string }): TokenResponse {
    const accessToken = newToken()
    const ttlSeconds = this.options.accessTokenTtlSeconds
    this.#accessTokens.set(digestOf(accessToken), {
      ...grant,
      expiresAt: this.options.now() + ttlSeconds * 1000,
      revoked: false,
    })
    this.#changed()
    return { access_token: accessToken, token_type: 'Bearer', expires_in: ttlSeconds, scope: grant.scope }
  }

  #revokeRefresh(refreshDigest: string): void {
    const grant = this.#refreshTokens.get(refreshDigest)
    if (!grant) return
    grant.revoked = true
    for (const accessDigest of grant.accessDigests) {
      const access = this.#accessTokens.get(accessDigest)
      if (access) access.revoked = true
    }
  }

  /** What the bank keeps: tokens still in use or still counted; long-expired ones are left out of the file. */
  snapshot(): Snapshot {
    const now = this.options.now()
    const accessTokens: Snapshot['accessTokens'] = []
    for (const [digest, grant] of this.#accessTokens) {
      if (grant.expiresAt + EXPIRED_ACCESS_KEPT_MS > now) accessTokens.push({ digest, ...grant })
    }
    const refreshTokens: Snapshot['refreshTokens'] = []
    for (const [digest, grant] of this.#refreshTokens) {
      if (grant.expiresAt > now) refreshTokens.push({ digest, ...grant })
    }
    return { version: 1, accessTokens, refreshTokens }
  }

  restore(snapshot: unknown): void {
    const parsed = v.parse(SNAPSHOT, snapshot)
    this.#accessTokens.clear()
    this.#refreshTokens.clear()
    for (const { digest, psuId, refreshDigest, ...grant } of parsed.accessTokens) {
      this.#accessTokens.set(digest, {
        ...grant,
        ...(psuId === undefined ? {} : { psuId }),
        ...(refreshDigest === undefined ? {} : { refreshDigest }),
      })
    }
    for (const { digest, ...grant } of parsed.refreshTokens) this.#refreshTokens.set(digest, grant)
  }

  onChange(listener: () => void): void {
    this.#changed = listener
  }
}
