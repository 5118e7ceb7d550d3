/**
 * The bank's OAuth2 endpoints (NOTES §4): the authorization-code redirect, the code exchange, the refresh and the RFC 7009
 * revocation. /token and /revoke are sent unsigned (no Signature, no Digest: NOTES §2.7) but over the same mTLS
 * dispatcher as the resources: the QWAC authenticates the client, there is no client_secret. Neither grant sends `scope`
 * (bank page "Get your token" §5, Sandbox §7). Never retried, like every bank call.
 */
import type { Dispatcher } from 'undici'
import * as v from 'valibot'
import { bankRequestId } from '../observability/request-context.js'
import { OAUTH_AUTHORIZE_PATH, OAUTH_REVOKE_PATH, OAUTH_TOKEN_PATH } from '../stet-api/wire.js'
import { hasNeverLeft, joinPath, readBodyText } from './bank-transport.js'
import { errorBodySchema, tokenResponseSchema } from './stet-schemas.js'
import type { CheckedTokenResponse } from './stet-schemas.js'
import type { StetOperation } from './stet-errors.js'
import {
  BankCredentialsRejectedError,
  BankLimitReachedError,
  BankUnavailableError,
  OAuthRequestRejectedError,
  ReauthorizationRequiredError,
  UnexpectedBankResponseError,
} from './stet-errors.js'

export interface OAuthClientOptions {
  /** The TPP's organisation identifier, as in the QWAC (bank page "Eligibility"). */
  clientId: string
  /** The bank's origin (banks.ts + the STET_BASE_URL override). */
  baseUrlFor: (bank: string) => string
  /** Where the PSU's browser is sent; defaults to `baseUrlFor` (the web flow). App2App: `resolveApp2AppAuthorizeBaseUrl`. */
  authorizeBaseUrlFor?: (bank: string) => string
  /** What an operator should check when /token answers `invalid_client` (named by BANK_CREDENTIALS_REJECTED). */
  clientSetting?: string
}

export interface AuthorizeUrlInput {
  bank: string
  redirectUri: string
  /** Opaque, unguessable, checked on the way back (RFC 6749 §10.12); the bank's example omits it, we never do. */
  state: string
  scope?: string
}

export interface ExchangeCodeInput {
  bank: string
  code: string
  /** Strictly identical to the one sent to authorize (bank page Sandbox 3rd step). */
  redirectUri: string
}

export class OAuthClient {
  readonly #options: OAuthClientOptions
  readonly #dispatcher: Dispatcher

  constructor(options: OAuthClientOptions, deps: { dispatcher: Dispatcher }) {
    if (options.clientId === '') throw new TypeError('clientId must be a non-empty string')
    this.#options = options
    this.#dispatcher = deps.dispatcher
  }

  /** `GET …/oauth/authorize?response_type=code&client_id&redirect_uri&scope&state` (NOTES §4, the five Yolt sends). */
  authorizeUrl(input: AuthorizeUrlInput): string {
    const base = (this.#options.authorizeBaseUrlFor ?? this.#options.baseUrlFor)(input.bank)
    const url = new URL(joinPath(base, OAUTH_AUTHORIZE_PATH))
    url.searchParams.set('response_type', 'code')
    url.searchParams.set('client_id', this.#options.clientId)
    url.searchParams.set('redirect_uri', input.redirectUri)
    url.searchParams.set('scope', input.scope ?? 'aisp')
    url.searchParams.set('state', input.state)
    return url.toString()
  }

  /** The code exchange: `grant_type=authorization_code&code&redirect_uri&client_id`, no scope. */
  exchangeCode(input: ExchangeCodeInput): Promise<CheckedTokenResponse> {
    return this.#token(input.bank, {
      grant_type: 'authorization_code',
      code: input.code,
      redirect_uri: input.redirectUri,
      client_id: this.#options.clientId,
    })
  }

  /** `grant_type=refresh_token&refresh_token&client_id`, no scope. `invalid_grant` → {@link ReauthorizationRequiredError}. */
  refresh(bank: string, refreshToken: string): Promise<CheckedTokenResponse> {
    return this.#token(bank, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: this.#options.clientId,
    })
  }

  /**
   * `grant_type=client_credentials&client_id&scope=aisp`: a token naming no PSU, used only by the credentials probe
   * (NOTES §4: it is not used for AIS data; the bank answers a resource call made with it 403).
   */
  clientCredentials(bank: string): Promise<CheckedTokenResponse> {
    return this.#token(bank, { grant_type: 'client_credentials', client_id: this.#options.clientId, scope: 'aisp' })
  }

  /**
   * RFC 7009 revocation of the refresh token (which revokes the access token too, bank page "Refresh"). The bank never
   * published the URL (NOTES §11 q5): `OAUTH_REVOKE_PATH` is our best reading of STET Part 1 §3.4.2.8.
   */
  async revoke(bank: string, refreshToken: string): Promise<void> {
    const form = { token: refreshToken, token_type_hint: 'refresh_token', client_id: this.#options.clientId }
    const { status, text } = await this.#post('revoke', bank, OAUTH_REVOKE_PATH, form)
    if (status >= 200 && status < 300) return
    throw toOAuthError('revoke', status, text)
  }

  async #token(bank: string, form: Record<string, string>): Promise<CheckedTokenResponse> {
    const { status, text } = await this.#post('token', bank, OAUTH_TOKEN_PATH, form)
    if (status !== 200) {
      const error = toOAuthError('token', status, text)
      // Our client id or certificate, not the PSU's grant: a configuration error (never REAUTHORIZATION_REQUIRED).
      if (error instanceof OAuthRequestRejectedError && error.oauthError === 'invalid_client')
        throw new BankCredentialsRejectedError('token', 'client-id', this.#options.clientSetting ?? 'the client id', {
          cause: error,
        })
      throw error
    }
    const parsed = v.safeParse(tokenResponseSchema, parseJson(text))
    if (!parsed.success) throw new UnexpectedBankResponseError('token', status)
    return parsed.output
  }

  async #post(
    operation: StetOperation,
    bank: string,
    path: string,
    form: Record<string, string>,
  ): Promise<{ status: number; text: string }> {
    const url = new URL(joinPath(this.#options.baseUrlFor(bank), path))
    let response: Dispatcher.ResponseData
    try {
      response = await this.#dispatcher.request({
        origin: url.origin,
        path: url.pathname,
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          // Its own UUID: a token call is not one operation's (a refresh is shared by every operation waiting on it).
          'x-request-id': bankRequestId(undefined),
        },
        body: new URLSearchParams(form).toString(),
      })
    } catch (error) {
      throw new BankUnavailableError(operation, hasNeverLeft(error), undefined, { cause: error })
    }
    try {
      return { status: response.statusCode, text: await readBodyText(response.body) }
    } catch (error) {
      throw new BankUnavailableError(operation, false, response.statusCode, { cause: error })
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** RFC 6749 §5.2: 400 (or 401) with `{error}`; `invalid_grant` means the PSU must go through SCA again (NOTES §4). */
function toOAuthError(operation: StetOperation, status: number, text: string): Error {
  const body = v.safeParse(errorBodySchema, parseJson(text))
  const message =
    body.success && typeof body.output.message === 'string' ? body.output.message.trim().toUpperCase() : ''
  if (status === 429 || (status === 403 && message === 'TMRQ')) return new BankLimitReachedError(operation)
  if (status >= 500 || status === 408 || message === 'INTE') return new BankUnavailableError(operation, false, status)
  const oauthError = body.success && typeof body.output.error === 'string' ? body.output.error : undefined
  if (oauthError === 'invalid_grant') return new ReauthorizationRequiredError('invalid-grant')
  return new OAuthRequestRejectedError(operation, status, oauthError)
}
