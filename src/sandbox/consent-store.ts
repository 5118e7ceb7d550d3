/**
 * The mixed consent model (BANK "Forward customer's consent", NOTES §6.2): per (client_id, PSU), the last
 * `PUT /consents` wins; empty lists revoke. Until a TPP forwards a consent, the personas with one on file (Marc,
 * Tech'n Co) show it; everyone else has none, so `GET /accounts` lists bare accounts. The consents forwarded are
 * kept across restarts when the sandbox has a data folder (sandbox-persistence.ts).
 */
import * as v from 'valibot'
import type { ConsentAccess } from '../stet-api/wire.js'
import type { Persona } from './personas.js'
import type { PersistentState } from './sandbox-persistence.js'

export interface AccountGrant {
  balances: boolean
  transactions: boolean
  overdrafts: boolean
}

export interface ConsentState {
  /** Keyed by IBAN; an account absent here is not consented for anything. */
  accounts: ReadonlyMap<string, AccountGrant>
  psuIdentity: boolean
}

/** A consent body already checked against the PSU's IBANs. */
export function toConsentState(access: ConsentAccess): ConsentState {
  const accounts = new Map<string, AccountGrant>()
  const grantFor = (iban: string): AccountGrant => {
    let grant = accounts.get(iban)
    if (!grant) {
      grant = { balances: false, transactions: false, overdrafts: false }
      accounts.set(iban, grant)
    }
    return grant
  }
  for (const { iban } of access.balances) grantFor(iban).balances = true
  for (const { iban } of access.transactions) grantFor(iban).transactions = true
  for (const { iban } of access.overdrafts ?? []) grantFor(iban).overdrafts = true
  return { accounts, psuIdentity: access.psuIdentity }
}

const SNAPSHOT = v.object({
  version: v.literal(1),
  consents: v.array(
    v.object({
      clientId: v.string(),
      psuId: v.string(),
      accounts: v.array(
        v.object({ iban: v.string(), balances: v.boolean(), transactions: v.boolean(), overdrafts: v.boolean() }),
      ),
      psuIdentity: v.boolean(),
    }),
  ),
})

export class ConsentStore implements PersistentState {
  readonly #states = new Map<string, { clientId: string; psuId: string; state: ConsentState }>()
  #changed: () => void = () => undefined

  get(clientId: string, persona: Persona): ConsentState | undefined {
    const stored = this.#states.get(`${clientId}|${persona.psuId}`)
    if (stored) return stored.state
    return persona.preseededConsent ? toConsentState(persona.preseededConsent) : undefined
  }

  replace(clientId: string, psuId: string, state: ConsentState): void {
    this.#states.set(`${clientId}|${psuId}`, { clientId, psuId, state })
    this.#changed()
  }

  /** Back to the start: only the preseeded consents remain. */
  reset(): void {
    this.#states.clear()
    this.#changed()
  }

  snapshot(): v.InferOutput<typeof SNAPSHOT> {
    return {
      version: 1,
      consents: [...this.#states.values()].map(({ clientId, psuId, state }) => ({
        clientId,
        psuId,
        accounts: [...state.accounts].map(([iban, grant]) => ({ iban, ...grant })),
        psuIdentity: state.psuIdentity,
      })),
    }
  }

  restore(snapshot: unknown): void {
    this.#states.clear()
    for (const { clientId, psuId, accounts, psuIdentity } of v.parse(SNAPSHOT, snapshot).consents) {
      const grants = new Map(accounts.map(({ iban, ...grant }) => [iban, grant]))
      this.#states.set(`${clientId}|${psuId}`, { clientId, psuId, state: { accounts: grants, psuIdentity } })
    }
  }

  onChange(listener: () => void): void {
    this.#changed = listener
  }
}
