/**
 * `updateConsent` and `revokeConsent`: forwarding what the PSU granted (`PUT /consents`, mixed model). Each PUT
 * replaces the last, and only then do accounts carry `resourceId` and links.
 * - Checked before anything is sent: every IBAN passes ISO 13616 mod-97 and is one of the PSU's accounts at that bank
 *   (from the account list; a stranger's IBAN is BAD_USER_INPUT, no PUT).
 * - Identical to the consent in force: nothing is sent (idempotent, and the budget is not spent on it).
 * - Only a 201 replaces the consent we record (DESIGN "Consent"): if the bank fails, our state stays as it was.
 * - What a consent withdraws is invalidated in the cache at once, on every replica (the invalidation marks keep an
 *   answer read before the change from being written back), and every refusal remembered under the old consent is
 *   forgotten (inv. 11).
 * Without a present PSU the PUT holds its own reservation (DESIGN inv. 2).
 */
import type { Caller } from '../auth/caller.js'
import type { Clock } from '../clock.js'
import type { ConnectionStore, ConsentGrant } from '../stores/connection-store.js'
import type { StetClient } from '../stet/stet-client.js'
import { BankNotLinkedError, BadInputError } from './read-errors.js'
import type { AccountsService } from './accounts-service.js'
import type { BankConnectionRecord } from './bank-connection.js'
import type { BankConnections } from './bank-connections.js'
import type { BankReader, Fresh, OperationBudget } from './bank-reader.js'
import { hasValidIbanChecksum, normaliseIban } from './iban.js'
import type { AccountRecord } from './records.js'

export type { ConsentGrant } from '../stores/connection-store.js'

export const EMPTY_GRANT: ConsentGrant = { balances: [], transactions: [], overdrafts: [], psuIdentity: false }

export interface ConsentServiceDeps {
  readonly reader: BankReader
  readonly stet: StetClient
  readonly accounts: AccountsService
  readonly connections: ConnectionStore
  readonly bankConnections: BankConnections
  readonly clock: Clock
}

export class ConsentService {
  readonly #deps: ConsentServiceDeps

  constructor(deps: ConsentServiceDeps) {
    this.#deps = deps
  }

  /** The accounts as the bank lists them under the consent now in force. */
  async update(caller: Caller, bankArg: string | undefined, input: ConsentGrant, op: OperationBudget) {
    const bank = this.#deps.accounts.bankFor(caller, bankArg)
    const grant = normaliseGrant(input)
    const inForce = await this.#linkedConsent(caller, bank)
    const consenting = { reason: op.reason ?? 'CONSENT' } as const
    if (inForce !== undefined && sameGrant(inForce, grant))
      return this.#deps.accounts.list(caller, bank, op, consenting)
    const listed = new Set((await this.#deps.accounts.list(caller, bank, op, consenting)).value.map((a) => a.iban))
    for (const [field, ibans] of grantLists(grant)) {
      ibans.forEach((iban, i) => {
        if (!listed.has(iban))
          throw new BadInputError(`${field}[${i}] is not one of the PSU's accounts at bank ${bank}`)
      })
    }
    return this.forward(caller, bank, grant, op)
  }

  /** Sends the empty consent: the bank then grants nothing on any account (bank page "Forward customer's consent"). */
  async revoke(caller: Caller, bankArg: string | undefined, op: OperationBudget): Promise<BankConnectionRecord> {
    const bank = this.#deps.accounts.bankFor(caller, bankArg)
    const inForce = await this.#linkedConsent(caller, bank)
    if (inForce === undefined || !sameGrant(inForce, EMPTY_GRANT)) await this.#put(caller, bank, EMPTY_GRANT, op)
    return this.#deps.bankConnections.describe(caller, bank)
  }

  /**
   * Sends the consent, records it once the bank accepted it, forgets what it may have changed, and returns the
   * accounts as the bank now shows them. The IBANs are the caller's to check (`update`, persona linking).
   */
  async forward(
    caller: Caller,
    bank: string,
    grant: ConsentGrant,
    op: OperationBudget,
  ): Promise<Fresh<AccountRecord[]>> {
    await this.#put(caller, bank, grant, op)
    // Its own read, after the PUT: a list read that started earlier may still be in flight with the old links.
    return this.#deps.accounts.list(caller, bank, op, { refresh: true, reason: op.reason ?? 'CONSENT' })
  }

  async #put(caller: Caller, bank: string, grant: ConsentGrant, op: OperationBudget): Promise<void> {
    const { reader, stet, accounts, connections, bankConnections, clock } = this.#deps
    const ref = { bank, psuId: caller.psuId }
    const before = await reader.peek<AccountRecord[]>(caller, { bank, method: 'accounts' })
    const items = (ibans: readonly string[]) => ibans.map((iban) => ({ iban }))
    await reader.send(caller, { bank, method: 'consents' }, op, (access) =>
      stet.putConsents(
        ref,
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
    // The bank accepted it (2xx): from here on it is the consent in force.
    const facts = await bankConnections.facts(ref)
    await connections.set(ref, { ...facts, consent: { ...grant, grantedAt: clock() } })
    await reader.invalidate(this.#withdrawnKeys(caller, bank, grant, before?.map((a) => a.iban) ?? []))
    await accounts.invalidate(caller, bank)
    await reader.forgetRefusals(caller, bank)
  }

  /**
   * The consent the bank last accepted (possibly the empty one), or undefined when none since the last authorisation;
   * REAUTHORIZATION_REQUIRED before any call when there is no usable link at all.
   */
  async #linkedConsent(caller: Caller, bank: string): Promise<ConsentGrant | undefined> {
    const connection = await this.#deps.bankConnections.describe(caller, bank)
    if (connection.status === 'DISCONNECTED' || connection.status === 'REAUTHORIZATION_REQUIRED') {
      throw new BankNotLinkedError(bank)
    }
    return (await this.#deps.bankConnections.facts({ bank, psuId: caller.psuId }))?.consent
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

/** Normalised (no spaces, upper case), each checked with mod-97, duplicates dropped, sorted: one grant, one form. */
function normaliseGrant(input: ConsentGrant): ConsentGrant {
  const list = (field: string, ibans: readonly string[]): string[] =>
    [
      ...new Set(
        ibans.map((raw, i) => {
          const iban = normaliseIban(raw)
          if (!hasValidIbanChecksum(iban))
            throw new BadInputError(`${field}[${i}] is not a valid IBAN (ISO 13616 check)`)
          return iban
        }),
      ),
    ].sort()
  return {
    balances: list('balances', input.balances),
    transactions: list('transactions', input.transactions),
    overdrafts: list('overdrafts', input.overdrafts),
    psuIdentity: input.psuIdentity,
  }
}

function grantLists(grant: ConsentGrant): [string, readonly string[]][] {
  return [
    ['balances', grant.balances],
    ['transactions', grant.transactions],
    ['overdrafts', grant.overdrafts],
  ]
}

function sameGrant(a: ConsentGrant, b: ConsentGrant): boolean {
  const same = (x: readonly string[], y: readonly string[]) =>
    x.length === y.length && [...x].sort().every((v, i) => v === [...y].sort()[i])
  return (
    same(a.balances, b.balances) &&
    same(a.transactions, b.transactions) &&
    same(a.overdrafts, b.overdrafts) &&
    a.psuIdentity === b.psuIdentity
  )
}
