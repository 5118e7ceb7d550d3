/**
 * Per-operation DataLoaders, one per upstream resource, keyed by bank + account (the PSU is the context's):
 * aliases, fragments and repeated fields never cause a second bank call, and N accounts' calls go out together.
 * STET has no multi-account calls, so these de-duplicate more than they batch. A failure rejects only its key.
 */
import DataLoader from 'dataloader'
import type { Caller } from '../auth/caller.js'
import type { Fresh, OperationBudget } from '../services/bank-reader.js'
import type {
  AccountRecord,
  BalanceRecord,
  IdentityRecord,
  OverdraftRecord,
  TransactionRecord,
} from '../services/records.js'
import type { AccountDataService } from '../services/account-data-service.js'
import type { AccountsService } from '../services/accounts-service.js'

/** The services the loaders read through (a subset of the context's, named here so that context.ts alone imports us). */
export interface LoaderServices {
  readonly accounts: AccountsService
  readonly data: AccountDataService
}

export interface Loaders {
  readonly accounts: DataLoader<string, Fresh<AccountRecord[]>>
  readonly balances: DataLoader<AccountRecord, Fresh<BalanceRecord[]>, string>
  readonly transactions: DataLoader<AccountRecord, Fresh<TransactionRecord[]>, string>
  readonly overdrafts: DataLoader<AccountRecord, Fresh<OverdraftRecord>, string>
  readonly identity: DataLoader<string, Fresh<IdentityRecord>>
  readonly details: DataLoader<{ account: AccountRecord; transactionId: string }, Fresh<unknown>, string>
}

const byAccount = (a: AccountRecord): string => `${a.bank}|${a.iban}`

export function createLoaders(caller: Caller, services: LoaderServices, op: OperationBudget): Loaders {
  const perKey = <K, V, C = K>(load: (key: K) => Promise<V>, cacheKeyFn?: (key: K) => C) =>
    new DataLoader<K, V, C>(
      async (keys) => {
        // `async` so that a synchronous throw in one key's load fails that key only, never the whole batch.
        const settled = await Promise.allSettled(keys.map(async (key) => load(key)))
        return settled.map((r) => (r.status === 'fulfilled' ? r.value : asError(r.reason)))
      },
      cacheKeyFn === undefined ? {} : { cacheKeyFn },
    )
  return {
    accounts: perKey((bank: string) => services.accounts.list(caller, bank, op)),
    balances: perKey((a: AccountRecord) => services.data.balances(caller, a, op), byAccount),
    transactions: perKey((a: AccountRecord) => services.data.transactions(caller, a, op), byAccount),
    overdrafts: perKey((a: AccountRecord) => services.data.overdraft(caller, a, op), byAccount),
    identity: perKey((bank: string) => services.data.identity(caller, bank, op)),
    details: perKey(
      (k: { account: AccountRecord; transactionId: string }) =>
        services.data.details(caller, k.account, k.transactionId, op),
      (k) => `${byAccount(k.account)}|${k.transactionId}`,
    ),
  }
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason))
}
