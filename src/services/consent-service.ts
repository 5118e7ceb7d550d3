/**
 * Forwarding what the PSU granted (`PUT /consents`, mixed model): each PUT replaces the last, and only then do
 * accounts carry `resourceId` and links. A consent change invalidates what it affects: the account list (links and
 * resourceIds changed) and the cached data of every grant that is gone, so nothing withdrawn is ever served again.
 * Without a present PSU the PUT holds its own reservation (DESIGN inv. 2).
 */
import type { Caller } from '../auth/caller.js'
import type { StetClient } from '../stet/stet-client.js'
import type { AccountsService } from './accounts-service.js'
import type { BankReader, Fresh, OperationBudget } from './bank-reader.js'
import type { AccountRecord } from './records.js'

export interface ConsentGrant {
  readonly balances: readonly string[]
  readonly transactions: readonly string[]
  readonly overdrafts: readonly string[]
  readonly psuIdentity: boolean
}

export class ConsentService {
  readonly #deps: { reader: BankReader; stet: StetClient; accounts: AccountsService }

  constructor(deps: { reader: BankReader; stet: StetClient; accounts: AccountsService }) {
    this.#deps = deps
  }

  /** Sends the consent, forgets what it may have changed, and returns the accounts as the bank now shows them. */
  async forward(
    caller: Caller,
    bank: string,
    grant: ConsentGrant,
    op: OperationBudget,
  ): Promise<Fresh<AccountRecord[]>> {
    const { reader, stet, accounts } = this.#deps
    const before = await reader.peek<AccountRecord[]>(caller, { bank, method: 'accounts' })
    const items = (ibans: readonly string[]) => ibans.map((iban) => ({ iban }))
    await reader.send(caller, { bank, method: 'consents' }, op, (access) =>
      stet.putConsents(
        { bank, psuId: caller.psuId },
        {
          balances: items(grant.balances),
          transactions: items(grant.transactions),
          overdrafts: items(grant.overdrafts),
          psuIdentity: grant.psuIdentity,
          trustedBeneficiaries: false,
        },
        access,
      ),
    )
    await reader.invalidate(this.#withdrawnKeys(caller, bank, grant, before?.map((a) => a.iban) ?? []))
    await accounts.invalidate(caller, bank)
    // Its own read, after the PUT: a list read that started earlier may still be in flight with the old links.
    return accounts.list(caller, bank, op, { refresh: true })
  }

  /** The cache keys of every grant the new consent does not keep (all methods for accounts it leaves out). */
  #withdrawnKeys(caller: Caller, bank: string, grant: ConsentGrant, previouslyListed: readonly string[]): string[] {
    const keys: string[] = []
    const withdrawn =
      (kept: readonly string[], method: 'balances' | 'transactions' | 'overdrafts') => (iban: string) => {
        if (!kept.includes(iban)) keys.push(this.#deps.reader.cacheKey(caller, { bank, iban, method }))
      }
    const known = new Set([...previouslyListed, ...grant.balances, ...grant.transactions, ...grant.overdrafts])
    for (const iban of known) {
      withdrawn(grant.balances, 'balances')(iban)
      withdrawn(grant.transactions, 'transactions')(iban)
      withdrawn(grant.overdrafts, 'overdrafts')(iban)
    }
    if (!grant.psuIdentity) keys.push(this.#deps.reader.cacheKey(caller, { bank, method: 'identity' }))
    return keys
  }
}
