/**
 * `transactionsSync`: an account's changes since a cursor, read from its journal (account-journal.ts). It never calls
 * the bank, not even for the account list (the cached one must name the account), unless `refresh` asks for a read
 * of the bank first: that read goes through the bank reader like any other (a reservation without the PSU, counted in
 * the operation's `unattendedBankCalls`), and it joins no earlier flight and serves nothing older than itself.
 * Bad input (a `first` out of range, a cursor of another account, PSU or lost journal) fails before any bank call.
 */
import type { Caller } from '../auth/caller.js'
import type { AccountDataService } from './account-data-service.js'
import { decodeAccountId } from './account-id.js'
import type { AccountJournal, JournalRef } from './account-journal.js'
import type { BankReader, Fresh, OperationBudget } from './bank-reader.js'
import { GatewayError } from '../errors.js'
import { AccountNotFoundError, BadInputError, ConsentRequiredError } from './read-errors.js'
import type { AccountRecord, TransactionRecord } from './records.js'
import type { CursorPosition } from './sync-cursor.js'
import { changesSince } from './transaction-journal.js'

export const MAX_SYNC_PAGE = 500
export const DEFAULT_SYNC_PAGE = 100

export interface TransactionsSyncArgs {
  readonly accountId: string
  readonly cursor?: string
  readonly first?: number
  readonly refresh?: boolean
}

export interface TransactionsSyncResult {
  readonly account: AccountRecord
  readonly added: readonly TransactionRecord[]
  readonly modified: readonly TransactionRecord[]
  readonly removed: readonly string[]
  readonly nextCursor: string
  readonly hasMore: boolean
}

export interface TransactionsSyncServiceDeps {
  readonly journal: AccountJournal
  readonly reader: BankReader
  readonly data: AccountDataService
}

/** Position 0 names no generation: it is the start of whatever journal there is. */
const START: CursorPosition = { gen: '', seq: 0 }

export class TransactionsSyncService {
  readonly #deps: TransactionsSyncServiceDeps

  constructor(deps: TransactionsSyncServiceDeps) {
    this.#deps = deps
  }

  /** `listFor`: the operation's account-list loader, used only with `refresh`. */
  async sync(
    caller: Caller,
    args: TransactionsSyncArgs,
    op: OperationBudget,
    listFor: (bank: string) => Promise<Fresh<AccountRecord[]>>,
  ): Promise<TransactionsSyncResult> {
    const first = args.first ?? DEFAULT_SYNC_PAGE
    if (!Number.isInteger(first) || first < 1 || first > MAX_SYNC_PAGE)
      throw new BadInputError(`first must be between 1 and ${MAX_SYNC_PAGE}`)
    const decoded = decodeAccountId(args.accountId)
    if (decoded === undefined || !caller.banks.includes(decoded.bank)) throw new AccountNotFoundError()
    const ref: JournalRef = { bank: decoded.bank, psu: caller.psuId, iban: decoded.iban }
    const from = args.cursor === undefined ? START : this.#deps.journal.position(ref, args.cursor)

    const account = await this.#cachedAccount(caller, ref, args.refresh === true ? listFor : undefined)
    if (account.resourceId === undefined || !account.grants.transactions) throw new ConsentRequiredError('transactions')
    if (args.refresh === true) await this.#deps.data.transactions(caller, account, op, { refresh: true })

    const doc = await this.#deps.journal.read(ref)
    if (doc === undefined) {
      if (from.seq > 0) throw lostJournal()
      return {
        account,
        added: [],
        modified: [],
        removed: [],
        nextCursor: this.#deps.journal.cursor(ref, START),
        hasMore: false,
      }
    }
    if (from.seq > 0 && from.gen !== doc.gen) throw lostJournal()
    if (from.seq > doc.seq) throw lostJournal()
    const page = changesSince(doc, from.seq, first)
    return {
      account,
      added: page.added,
      modified: page.modified,
      removed: page.removed,
      nextCursor: this.#deps.journal.cursor(ref, { gen: doc.gen, seq: page.nextSeq }),
      hasMore: page.hasMore,
    }
  }

  /**
   * The account from the cached list, whatever its age (no bank call). No list cached: NOT_CACHED, or with `listFor`
   * (a refresh) the list read like any other.
   */
  async #cachedAccount(
    caller: Caller,
    ref: JournalRef,
    listFor: ((bank: string) => Promise<Fresh<AccountRecord[]>>) | undefined,
  ): Promise<AccountRecord> {
    const cached = await this.#deps.reader.peek<AccountRecord[]>(caller, { bank: ref.bank, method: 'accounts' })
    const list = cached ?? (listFor === undefined ? undefined : (await listFor(ref.bank)).value)
    if (list === undefined) throw new AccountListNotCachedError()
    const account = list.find((a) => a.iban === ref.iban)
    if (account === undefined) throw new AccountNotFoundError()
    return account
  }
}

/** Nothing was spent: the account list is read by `accounts` (or by `refresh: true`). */
export class AccountListNotCachedError extends GatewayError {
  readonly code = 'NOT_CACHED'
  constructor() {
    super('the account list is not cached: read `accounts` first, or pass refresh: true (which may spend a bank call)')
  }
}

/** The journal the cursor was read from is gone (a store that lost its data): sync again from the start. */
function lostJournal(): BadInputError {
  return new BadInputError('cursor points into a journal this gateway no longer holds: sync again without a cursor')
}
