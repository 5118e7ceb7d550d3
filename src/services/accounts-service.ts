/**
 * The PSU's accounts at a bank: `GET /accounts`, through the bank reader (cache, freshness, quota). Resolving an
 * account id always goes through the caller's own list (DESIGN inv. 8).
 */
import type { Caller } from '../auth/caller.js'
import type { StetClient } from '../stet/stet-client.js'
import { decodeAccountId } from './account-id.js'
import type { BankReader, Fresh, OperationBudget, ReadOptions } from './bank-reader.js'
import { findBank } from '../stet/banks.js'
import { AccountNotFoundError, BadInputError, quoted } from './read-errors.js'
import type { AccountRecord } from './records.js'
import { toAccount } from './stet-mapping.js'

export interface AccountsServiceDeps {
  readonly reader: BankReader
  readonly stet: StetClient
  readonly defaultBank: string
}

export class AccountsService {
  readonly #deps: AccountsServiceDeps

  constructor(deps: AccountsServiceDeps) {
    this.#deps = deps
  }

  /** The bank to use for a caller's request: the one asked for, or the caller's default; never a bank it may not read. */
  bankFor(caller: Caller, bank: string | undefined): string {
    const chosen = bank ?? caller.banks[0] ?? this.#deps.defaultBank
    if (!/^\d{5}$/.test(chosen)) throw new BadInputError(`bank must be a 5-digit bank code (got ${quoted(chosen)})`)
    // A code no bank has is the caller's mistake, not an account it cannot see.
    try {
      findBank(chosen)
    } catch {
      throw new BadInputError(`bank ${chosen} is not a bank this gateway knows`)
    }
    if (!caller.banks.includes(chosen)) throw new AccountNotFoundError()
    return chosen
  }

  /** `refresh`: read the bank now, joining no earlier read (right after a consent change); `reason`: the audit's. */
  list(caller: Caller, bank: string, op: OperationBudget, options: ReadOptions = {}): Promise<Fresh<AccountRecord[]>> {
    const ref = { bank, psuId: caller.psuId }
    return this.#deps.reader.read(
      caller,
      { bank, method: 'accounts' },
      op,
      async (access) => {
        const body = await this.#deps.stet.listAccounts(ref, access)
        return body.accounts.map((a) => toAccount(bank, a)).filter((a): a is AccountRecord => a !== undefined)
      },
      options,
    )
  }

  /**
   * Resolves a public account id against the caller's own list (loaded by the caller, so that `accounts` and
   * `account(id)` in one operation share one read): NOT_FOUND for anything else, with no bank call for it.
   */
  async byId(
    caller: Caller,
    id: string,
    listFor: (bank: string) => Promise<Fresh<AccountRecord[]>>,
  ): Promise<Fresh<AccountRecord>> {
    const decoded = decodeAccountId(id)
    if (decoded === undefined || !caller.banks.includes(decoded.bank)) throw new AccountNotFoundError()
    const list = await listFor(decoded.bank)
    const account = list.value.find((a) => a.iban === decoded.iban)
    if (account === undefined) throw new AccountNotFoundError()
    return { value: account, freshness: list.freshness }
  }

  /** Whether the cache holds this PSU's account list with at least one consented account (no bank call). */
  async hasConsentedList(caller: Caller, bank: string): Promise<boolean> {
    const list = await this.#deps.reader.peek<AccountRecord[]>(caller, { bank, method: 'accounts' })
    return list?.some((a) => a.resourceId !== undefined) ?? false
  }

  /** Forgets the cached account list (after a consent change: links and resourceIds changed). */
  async invalidate(caller: Caller, bank: string): Promise<void> {
    await this.#deps.reader.invalidate([this.#deps.reader.cacheKey(caller, { bank, method: 'accounts' })])
  }
}
