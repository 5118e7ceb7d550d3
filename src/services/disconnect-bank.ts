/**
 * `disconnectBank(bank)`: the PSU ends the link. The refresh token is revoked at the bank first (RFC 7009, NOTES §4:
 * revoking it revokes the access token too); only then is everything we hold for this PSU and bank deleted: the
 * tokens and the cached bank data (account list, identity, and each account's balances, transactions, details and
 * overdraft). The quota counts stay: they are the bank's count of calls that reached it, not ours to forget.
 * If the bank cannot be reached nothing is deleted, so that the PSU can try again and no live grant is left behind
 * without a token to revoke it with. A bank that refuses the token as unknown has nothing left to revoke.
 */
import type { Caller } from '../auth/caller.js'
import type { Clock } from '../clock.js'
import type { ConnectionStore, ConsentGrant } from '../stores/connection-store.js'
import type { OAuthClient } from '../stet/oauth-client.js'
import { OAuthRequestRejectedError } from '../stet/stet-errors.js'
import type { TokenStore } from '../stet/token-source.js'
import type { AccountJournal } from './account-journal.js'
import type { AccountsService } from './accounts-service.js'
import type { BankConnectionRecord } from './bank-connection.js'
import type { BankConnections } from './bank-connections.js'
import type { BankReader } from './bank-reader.js'
import type { AccountRecord, TransactionRecord } from './records.js'

export interface DisconnectBankDeps {
  readonly oauth: OAuthClient
  readonly tokenStore: TokenStore
  readonly connections: ConnectionStore
  readonly bankConnections: BankConnections
  readonly accounts: AccountsService
  readonly reader: BankReader
  readonly journal: AccountJournal
  readonly clock: Clock
}

const ACCOUNT_METHODS = ['balances', 'transactions', 'overdrafts'] as const

export class DisconnectBank {
  readonly #deps: DisconnectBankDeps

  constructor(deps: DisconnectBankDeps) {
    this.#deps = deps
  }

  async disconnect(caller: Caller, bankArg: string | undefined): Promise<BankConnectionRecord> {
    const { oauth, tokenStore, connections, bankConnections, accounts, reader, clock } = this.#deps
    const bank = accounts.bankFor(caller, bankArg)
    const ref = { bank, psuId: caller.psuId }
    const tokens = await bankConnections.tokens(ref)
    if (tokens !== undefined && tokens !== 'unreadable') {
      try {
        await oauth.revoke(bank, tokens.refreshToken)
      } catch (error) {
        if (!(error instanceof OAuthRequestRejectedError)) throw error
      }
    }
    const facts = await bankConnections.facts(ref)
    await tokenStore.delete(ref)
    const { keys, ibans } = await this.#cachedKeys(caller, bank, facts?.consent)
    await reader.invalidate(keys)
    for (const iban of ibans) await this.#deps.journal.forget({ bank, psu: caller.psuId, iban })
    await connections.set(ref, {
      ...(facts?.authorizedAt === undefined ? {} : { authorizedAt: facts.authorizedAt }),
      disconnectedAt: clock(),
    })
    await reader.forgetRefusals(caller, bank)
    return bankConnections.describe(caller, bank)
  }

  /** Every cache key that may hold this connection's bank data, found from what the cache and the consent name. */
  async #cachedKeys(
    caller: Caller,
    bank: string,
    consent: ConsentGrant | undefined,
  ): Promise<{ keys: string[]; ibans: Set<string> }> {
    const { reader } = this.#deps
    const listed = (await reader.peek<AccountRecord[]>(caller, { bank, method: 'accounts' })) ?? []
    const ibans = new Set([
      ...listed.map((a) => a.iban),
      ...(consent?.balances ?? []),
      ...(consent?.transactions ?? []),
      ...(consent?.overdrafts ?? []),
    ])
    const keys = [
      reader.cacheKey(caller, { bank, method: 'accounts' }),
      reader.cacheKey(caller, { bank, method: 'identity' }),
    ]
    for (const iban of ibans) {
      for (const method of ACCOUNT_METHODS) keys.push(reader.cacheKey(caller, { bank, iban, method }))
      const transactions = await reader.peek<TransactionRecord[]>(caller, { bank, iban, method: 'transactions' })
      for (const tx of transactions ?? []) {
        if (tx.hasDetails && tx.resourceId !== undefined) {
          keys.push(reader.cacheKey(caller, { bank, iban, method: 'details', detail: tx.resourceId }))
        }
      }
    }
    return { keys, ibans }
  }
}
