/** `Query.bankConnections`: each bank the caller may use, with its derived state (bank-connection.ts). No bank call. */
import type { Caller } from '../auth/caller.js'
import type { Clock } from '../clock.js'
import type { ConnectionFacts, ConnectionStore } from '../stores/connection-store.js'
import { SealedRecordRejectedError } from '../stet/record-sealer.js'
import type { ConnectionRef, TokenStore } from '../stet/token-source.js'
import type { BankConnectionRecord, HeldTokens } from './bank-connection.js'
import { describeConnection } from './bank-connection.js'

export interface BankConnectionsDeps {
  readonly connections: ConnectionStore
  readonly tokenStore: TokenStore
  readonly clock: Clock
}

export class BankConnections {
  readonly #deps: BankConnectionsDeps

  constructor(deps: BankConnectionsDeps) {
    this.#deps = deps
  }

  list(caller: Caller): Promise<BankConnectionRecord[]> {
    return Promise.all([...new Set(caller.banks)].map((bank) => this.describe(caller, bank)))
  }

  async describe(caller: Caller, bank: string): Promise<BankConnectionRecord> {
    const ref = { bank, psuId: caller.psuId }
    const [facts, tokens] = await Promise.all([this.facts(ref), this.tokens(ref)])
    return describeConnection(bank, facts, tokens, this.#deps.clock())
  }

  /** A facts record that would not open is treated as none: the PSU authorises again and it is rewritten. */
  async facts(ref: ConnectionRef): Promise<ConnectionFacts | undefined> {
    try {
      return await this.#deps.connections.get(ref)
    } catch (error) {
      if (error instanceof SealedRecordRejectedError) return undefined
      throw error
    }
  }

  async tokens(ref: ConnectionRef): Promise<HeldTokens> {
    try {
      return await this.#deps.tokenStore.get(ref)
    } catch (error) {
      if (error instanceof SealedRecordRejectedError) return 'unreadable'
      throw error
    }
  }
}
