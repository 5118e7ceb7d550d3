/**
 * `completeBankAuthorization(state, code)`: the PSU is back from the bank. The state is taken (deleted) first, and
 * refused before any bank call when unknown, already used, expired, or started by another PSU. Then the code is
 * exchanged (with the redirect URI of the first step, NOTES §4), the tokens are sealed and stored, and the connection
 * records this SCA: its refresh token lives 180 days from now. A consent accepted before stays in force unless the PSU
 * disconnected meanwhile; after a disconnection the connection starts at CONSENT_REQUIRED.
 */
import type { Caller } from '../auth/caller.js'
import type { Clock } from '../clock.js'
import { GatewayError } from '../errors.js'
import type { ConnectionStore } from '../stores/connection-store.js'
import type { PendingAuthorizationStore } from '../stores/pending-authorizations.js'
import type { OAuthClient } from '../stet/oauth-client.js'
import { ReauthorizationRequiredError } from '../stet/stet-errors.js'
import type { TokenSource } from '../stet/token-source.js'
import type { AccountsService } from './accounts-service.js'
import type { BankConnectionRecord } from './bank-connection.js'
import type { BankConnections } from './bank-connections.js'
import type { BankReader } from './bank-reader.js'
import { AccountNotFoundError } from './read-errors.js'

/** The state is not one this caller may complete: one message for every reason, so it tells a prober nothing. */
export class AuthorizationStateRefusedError extends GatewayError {
  readonly code = 'BAD_USER_INPUT'
  constructor(readonly reason: 'unknown' | 'expired' | 'foreign') {
    super(
      reason === 'expired'
        ? 'this authorization has expired: start it again'
        : 'unknown or already used authorization state: start the authorization again',
    )
  }
}

/** The bank refused the authorization code (used, expired, or issued for another redirect URI). */
export class AuthorizationCodeRefusedError extends GatewayError {
  readonly code = 'BAD_USER_INPUT'
  constructor(options?: { cause?: unknown }) {
    super('the bank refused the authorization code: start the authorization again', options)
  }
}

export interface CompleteBankAuthorizationDeps {
  readonly pending: PendingAuthorizationStore
  readonly oauth: OAuthClient
  readonly tokens: TokenSource
  readonly connections: ConnectionStore
  readonly bankConnections: BankConnections
  readonly accounts: AccountsService
  readonly reader: BankReader
  readonly clock: Clock
}

export class CompleteBankAuthorization {
  readonly #deps: CompleteBankAuthorizationDeps

  constructor(deps: CompleteBankAuthorizationDeps) {
    this.#deps = deps
  }

  async complete(caller: Caller, state: string, code: string): Promise<BankConnectionRecord> {
    const { pending: pendingStore, oauth, tokens, connections, bankConnections, accounts, reader, clock } = this.#deps
    const taken = await pendingStore.take(state, caller.psuId)
    if (taken.kind !== 'found') throw new AuthorizationStateRefusedError(taken.kind)
    const { pending } = taken
    if (pending.expiresAt <= clock()) throw new AuthorizationStateRefusedError('expired')
    if (!caller.banks.includes(pending.bank)) throw new AccountNotFoundError()

    const ref = { bank: pending.bank, psuId: caller.psuId }
    let response
    try {
      response = await oauth.exchangeCode({ bank: pending.bank, code, redirectUri: pending.redirectUri })
    } catch (error) {
      if (error instanceof ReauthorizationRequiredError) throw new AuthorizationCodeRefusedError({ cause: error })
      throw error
    }
    const before = await bankConnections.facts(ref)
    await tokens.storeExchangedTokens(ref, response)
    const keepConsent = before?.disconnectedAt === undefined ? before?.consent : undefined
    await connections.set(ref, {
      authorizedAt: clock(),
      ...(keepConsent === undefined ? {} : { consent: keepConsent }),
    })
    // New tokens: the next list read asks the bank, and nothing it refused under the old link is taken for granted.
    await accounts.invalidate(caller, pending.bank)
    await reader.forgetRefusals(caller, pending.bank)
    return bankConnections.describe(caller, pending.bank)
  }
}
