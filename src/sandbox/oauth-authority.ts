/**
 * The sandbox's OAuth2 server (NOTES §4): authorization code flow with auto-approved personas, refresh with rotation,
 * client_credentials, RFC 7009 revocation. The PSU is chosen by a `psu` query parameter in place of the bank's login
 * and OTP screens. Every expiry is read from the injected clock, so tests move time instead of waiting.
 */
import { randomBytes } from 'node:crypto'
import type { TokenResponse } from '../stet-api/wire.js'
import type { Persona } from './personas.js'
import { findPersona } from './personas.js'

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

export interface AccessGrant {
  clientId: string
  /** Absent for client_credentials tokens: no PSU, so no AIS data (→ 403). */
  psuId?: string
  scope: string
  expiresAt: number
  refreshToken?: string
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
  accessTokens: string[]
}

export interface OAuthAuthorityOptions {
  clientId: string
  accessTokenTtlSeconds: number
  now: () => number
  /** Which PSU ids exist; default the bank's personas (benchmark personas are opt-in). */
  findPersona?: (psuId: string) => Persona | undefined
}

/** The code is valid for 1 h in the sandbox (BANK Sandbox 3rd step). */
const CODE_TTL_MS = 3600 * 1000
/** Refresh tokens live 180 days (BANK Refresh your token). */
const REFRESH_TTL_MS = 180 * 24 * 3600 * 1000

function newToken(): string {
  return randomBytes(32).toString('base64url')
}

function oauthError(error: string, description: string): OAuthAnswer {
  return { status: 400, body: { error, error_description: description } }
}

export class OAuthAuthority {
  readonly #codes = new Map<string, CodeGrant>()
  readonly #accessTokens = new Map<string, AccessGrant>()
  readonly #refreshTokens = new Map<string, RefreshGrant>()

  constructor(private readonly options: OAuthAuthorityOptions) {}

  /** `GET /authorize?response_type=code&client_id&redirect_uri&scope&state&psu=<PSU id>`: auto-approves the persona. */
  authorize(query: URLSearchParams): OAuthAnswer {
    if (query.get('response_type') !== 'code')
      return oauthError('unsupported_response_type', 'response_type must be code')
    if (query.get('client_id') !== this.options.clientId) return oauthError('invalid_client', 'unknown client_id')
    const redirectUri = query.get('redirect_uri')
    if (!redirectUri || !URL.canParse(redirectUri))
      return oauthError('invalid_request', 'redirect_uri missing or invalid')
    const psuId = query.get('psu')
    if (!psuId || !(this.options.findPersona ?? findPersona)(psuId)) return oauthError('invalid_request', 'unknown PSU')
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
    const access = this.#accessTokens.get(token)
    const refreshToken = access ? access.refreshToken : token
    if (access) access.revoked = true
    if (refreshToken !== undefined) this.#revokeRefresh(refreshToken)
    // RFC 7009 §2.2: 200 even for an unknown token.
    return { status: 200 }
  }

  /** Reads `Authorization: Bearer …`. Expired and revoked tokens stay known: the bank still counts their calls. */
  inspect(authorization: string | undefined): BearerCheck {
    const match = authorization === undefined ? null : /^Bearer +(\S+)$/i.exec(authorization.trim())
    if (!match?.[1]) return { kind: 'missing' }
    const grant = this.#accessTokens.get(match[1])
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
    const grant = token ? this.#refreshTokens.get(token) : undefined
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
    const response = this.#issueAccess({ clientId: this.options.clientId, psuId, scope: answeredScope, refreshToken })
    this.#refreshTokens.set(refreshToken, {
      clientId: this.options.clientId,
      psuId,
      scope: grantScope,
      // A rotated refresh token keeps the original 180-day horizon (the SCA date does not move, BANK Refresh §2).
      expiresAt: refreshExpiresAt ?? this.options.now() + REFRESH_TTL_MS,
      revoked: false,
      accessTokens: [response.access_token],
    })
    return { ...response, refresh_token: refreshToken }
  }

  #issueAccess(grant: { clientId: string; psuId?: string; scope: string; refreshToken?: string }): TokenResponse {
    const accessToken = newToken()
    const ttlSeconds = this.options.accessTokenTtlSeconds
    this.#accessTokens.set(accessToken, {
      ...grant,
      expiresAt: this.options.now() + ttlSeconds * 1000,
      revoked: false,
    })
    return { access_token: accessToken, token_type: 'Bearer', expires_in: ttlSeconds, scope: grant.scope }
  }

  #revokeRefresh(refreshToken: string): void {
    const grant = this.#refreshTokens.get(refreshToken)
    if (!grant) return
    grant.revoked = true
    for (const accessToken of grant.accessTokens) {
      const access = this.#accessTokens.get(accessToken)
      if (access) access.revoked = true
    }
  }
}
