/**
 * `startBankAuthorization(bank, redirectUri)`: the first step of the OAuth2 code flow (NOTES §4). Everything is
 * checked before anything is stored or sent: the bank is one the caller may use, the redirect URI is on the
 * REDIRECT_URIS allow-list (exact string: the bank compares it strictly at the code exchange). The `state` is 256
 * random bits, one-time, valid 10 minutes, bound to the caller and the bank (stores/pending-authorizations.ts).
 */
import { randomBytes } from 'node:crypto'
import type { Caller } from '../auth/caller.js'
import type { Clock } from '../clock.js'
import type { PendingAuthorizationStore } from '../stores/pending-authorizations.js'
import { OAUTH_AUTHORIZE_PATH } from '../stet-api/wire.js'
import { findBank } from '../stet/banks.js'
import type { OAuthClient } from '../stet/oauth-client.js'
import type { AccountsService } from './accounts-service.js'
import { BadInputError } from './read-errors.js'

/** How long a PSU has to come back from the bank (the bank's own code lives 1 h: NOTES §4). */
export const AUTHORIZATION_TTL_MS = 10 * 60_000

export interface AuthorizationRequestRecord {
  /** The bank's web authorisation page, to open in the PSU's browser. */
  readonly authorizationUrl: string
  /** The same request as the bank app's universal link (NOTES §1, bank page "App2App"), where one applies. */
  readonly app2appUrl: string | undefined
  readonly state: string
  /** Epoch ms. */
  readonly expiresAt: number
}

export interface StartBankAuthorizationDeps {
  readonly accounts: AccountsService
  readonly oauth: OAuthClient
  readonly pending: PendingAuthorizationStore
  readonly clock: Clock
  readonly redirectUris: readonly string[]
  /** The App2App authorise origin per bank; absent where the PSU's bank app cannot be used (the sandbox). */
  readonly app2AppBaseUrlFor: ((bank: string) => string) | undefined
}

export class StartBankAuthorization {
  readonly #deps: StartBankAuthorizationDeps

  constructor(deps: StartBankAuthorizationDeps) {
    this.#deps = deps
  }

  async start(caller: Caller, bankArg: string | undefined, redirectUri: string): Promise<AuthorizationRequestRecord> {
    const bank = this.#deps.accounts.bankFor(caller, bankArg)
    findBank(bank)
    if (!this.#deps.redirectUris.includes(redirectUri)) {
      throw new BadInputError('redirectUri is not one of the redirect URIs this gateway is configured for')
    }
    const state = randomBytes(32).toString('base64url')
    const expiresAt = this.#deps.clock() + AUTHORIZATION_TTL_MS
    await this.#deps.pending.put(
      state,
      { psuId: caller.psuId, consumer: caller.consumer, bank, redirectUri, expiresAt },
      AUTHORIZATION_TTL_MS,
    )
    const authorizationUrl = this.#deps.oauth.authorizeUrl({ bank, redirectUri, state })
    const app2appBase = this.#deps.app2AppBaseUrlFor?.(bank)
    const app2appUrl =
      app2appBase === undefined
        ? undefined
        : `${app2appBase.replace(/\/+$/, '')}${OAUTH_AUTHORIZE_PATH}${new URL(authorizationUrl).search}`
    return { authorizationUrl, app2appUrl, state, expiresAt }
  }
}
