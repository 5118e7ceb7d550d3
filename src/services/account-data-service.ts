/**
 * Per-account and per-PSU data: balances, transactions, details, overdrafts, identity. Each read names its quota
 * key (tpp | bank | psu | iban | method) and goes through the bank reader. A read the consent in force does not
 * grant fails with CONSENT_REQUIRED before any bank call.
 */
import type { Caller } from '../auth/caller.js'
import { madeFrom } from '../cache/content-source.js'
import type { Clock } from '../clock.js'
import type { CheckedStatement } from '../stet/checked-statements.js'
import type { StetClient } from '../stet/stet-client.js'
import type { AccountJournal } from './account-journal.js'
import { encodeAccountId } from './account-id.js'
import type { BankReader, Fresh, OperationBudget } from './bank-reader.js'
import { BadInputError, ConsentRequiredError } from './read-errors.js'
import type { AccountRecord, BalanceRecord, IdentityRecord, OverdraftRecord, TransactionRecord } from './records.js'
import { toBalance, toIdentity, toOverdraft, toTransaction } from './stet-mapping.js'
import type { SyncEventSink } from './sync-events.js'
import { decodeCursor, transactionWindowDateFrom, transactionWindowStart } from './transaction-window.js'

export interface AccountDataServiceDeps {
  readonly reader: BankReader
  readonly stet: StetClient
  readonly clock: Clock
  /** Every bank answer for transactions is merged into the account's journal (transactionsSync). */
  readonly journal: AccountJournal
  /** Where BALANCES_UPDATED goes (webhooks). */
  readonly events?: SyncEventSink
}

/** `refresh`: read the bank now, whatever the cache holds (the refresh scheduler); still through a reservation. */
export interface ReadOptions {
  readonly refresh?: boolean
}

type Grant = keyof AccountRecord['grants']

export class AccountDataService {
  readonly #deps: AccountDataServiceDeps
  /**
   * Each statement mapped once: the STET client hands out the same statement for an identical answer
   * (checked-statements.ts), and its records live as long as it does. toTransaction is pure, and records are read-only.
   */
  readonly #mapped = new WeakMap<CheckedStatement, TransactionRecord[]>()

  constructor(deps: AccountDataServiceDeps) {
    this.#deps = deps
  }

  /**
   * A bank answer that differs from what was cached (or the first one) emits BALANCES_UPDATED, whoever read it: a
   * present PSU's read, a partner's, the scheduler's. Only the read that called the bank compares (joiners share it).
   */
  async balances(
    caller: Caller,
    account: AccountRecord,
    op: OperationBudget,
    options: ReadOptions = {},
  ): Promise<Fresh<BalanceRecord[]>> {
    const resourceId = granted(account, 'balances')
    const target = { bank: account.bank, iban: account.iban, method: 'balances' } as const
    let changed = false
    const result = await this.#deps.reader.read(
      caller,
      target,
      op,
      async (access) => {
        const before =
          this.#deps.events === undefined ? undefined : this.#deps.reader.peek<BalanceRecord[]>(caller, target)
        const body = await this.#deps.stet.getBalances(ref(caller, account), resourceId, access)
        const balances = body.balances.map(toBalance)
        changed = JSON.stringify(await before?.catch(() => undefined)) !== JSON.stringify(balances)
        return balances
      },
      options,
    )
    if (changed && result.freshness.source === 'BANK') {
      await this.#deps.events?.emit({
        type: 'BALANCES_UPDATED',
        bank: account.bank,
        psuId: caller.psuId,
        at: result.freshness.fetchedAt,
        accountId: encodeAccountId(account.bank, account.iban),
      })
    }
    return result
  }

  /**
   * The account's whole readable window in one call; callers filter and page it (transaction-window.ts). Each answer
   * the bank gives is merged into the account's journal, once per bank call (joiners of a flight share it).
   * `refresh`: read the bank now (transactionsSync's `refresh: true`).
   */
  transactions(
    caller: Caller,
    account: AccountRecord,
    op: OperationBudget,
    options: ReadOptions = {},
  ): Promise<Fresh<TransactionRecord[]>> {
    const resourceId = granted(account, 'transactions')
    return this.#deps.reader.read(
      caller,
      { bank: account.bank, iban: account.iban, method: 'transactions' },
      op,
      async (access) => {
        const now = this.#deps.clock()
        const dateFrom = transactionWindowDateFrom(now)
        const statement = await this.#deps.stet.getTransactions(ref(caller, account), resourceId, { dateFrom }, access)
        const records = this.#recordsOf(statement)
        await this.#deps.journal.record(
          { bank: account.bank, psu: caller.psuId, iban: account.iban },
          records,
          transactionWindowStart(now).toMillis(),
        )
        return records
      },
      options,
    )
  }

  #recordsOf(statement: CheckedStatement): TransactionRecord[] {
    const known = this.#mapped.get(statement)
    if (known !== undefined) return known
    // toTransaction is pure: the bank's text (its digest) stands for the records when the cache digests them.
    const records = madeFrom(statement.transactions.map(toTransaction), statement.digest)
    this.#mapped.set(statement, records)
    return records
  }

  /**
   * A page cursor must name a transaction we served from this account's window, which is then in the cache: a
   * well-formed cursor for nothing is refused here, before the read it would otherwise spend.
   */
  async checkCursor(caller: Caller, account: AccountRecord, cursor: string): Promise<void> {
    const id = decodeCursor(cursor)
    const cached = await this.#deps.reader.peek<TransactionRecord[]>(caller, {
      bank: account.bank,
      iban: account.iban,
      method: 'transactions',
    })
    if (id === undefined || cached?.some((tx) => tx.id === id) !== true) {
      throw new BadInputError('after does not point at a transaction of this account')
    }
  }

  /**
   * Whether a cursor names a transaction of any of the caller's accounts whose window is cached (no bank call): the
   * check an operation passes before it runs, so that a cursor for nothing costs no read at all, not even the
   * account list a present PSU would otherwise fetch first.
   */
  async isKnownCursor(caller: Caller, bank: string, cursor: string): Promise<boolean> {
    const id = decodeCursor(cursor)
    if (id === undefined) return false
    const accounts = await this.#deps.reader.peek<AccountRecord[]>(caller, { bank, method: 'accounts' })
    for (const account of accounts ?? []) {
      const cached = await this.#deps.reader.peek<TransactionRecord[]>(caller, {
        bank: account.bank,
        iban: account.iban,
        method: 'transactions',
      })
      if (cached?.some((tx) => tx.id === id) === true) return true
    }
    return false
  }

  details(caller: Caller, account: AccountRecord, transactionId: string, op: OperationBudget): Promise<Fresh<unknown>> {
    const resourceId = granted(account, 'transactions')
    return this.#deps.reader.read(
      caller,
      { bank: account.bank, iban: account.iban, method: 'details', detail: transactionId },
      op,
      async (access) => {
        const body = await this.#deps.stet.getTransactionDetails(
          ref(caller, account),
          resourceId,
          transactionId,
          access,
        )
        return sanitiseDetails(body.transactionDetails ?? body.details ?? null)
      },
    )
  }

  overdraft(caller: Caller, account: AccountRecord, op: OperationBudget): Promise<Fresh<OverdraftRecord>> {
    const resourceId = granted(account, 'overdrafts')
    return this.#deps.reader.read(
      caller,
      { bank: account.bank, iban: account.iban, method: 'overdrafts' },
      op,
      async (access) => toOverdraft(await this.#deps.stet.getOverdrafts(ref(caller, account), resourceId, access)),
    )
  }

  identity(caller: Caller, bank: string, op: OperationBudget): Promise<Fresh<IdentityRecord>> {
    return this.#deps.reader.read(caller, { bank, method: 'identity' }, op, async (access) =>
      toIdentity(await this.#deps.stet.getIdentity({ bank, psuId: caller.psuId }, access)),
    )
  }
}

function ref(caller: Caller, account: AccountRecord): { bank: string; psuId: string } {
  return { bank: account.bank, psuId: caller.psuId }
}

function granted(account: AccountRecord, grant: Grant): string {
  if (account.resourceId === undefined || !account.grants[grant]) throw new ConsentRequiredError(grant)
  return account.resourceId
}

/** The details body has no published schema (NOTES §7): pass its data on, never the bank's links, and not without bound. */
const MAX_DETAILS_BYTES = 16 * 1024

export function sanitiseDetails(value: unknown): unknown {
  const strip = (v: unknown, depth: number): unknown => {
    if (depth > 8) return null
    if (Array.isArray(v)) return v.map((item) => strip(item, depth + 1))
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {}
      for (const [key, item] of Object.entries(v)) {
        if (key === '_links' || key === 'href') continue
        out[key] = strip(item, depth + 1)
      }
      return out
    }
    return v
  }
  const cleaned = strip(value, 0)
  return JSON.stringify(cleaned ?? null).length > MAX_DETAILS_BYTES ? null : cleaned
}
