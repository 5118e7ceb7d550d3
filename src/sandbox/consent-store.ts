/**
 * The mixed consent model (BANK "Forward customer's consent", NOTES §6.2): per (client_id, PSU), the last
 * `PUT /consents` wins; empty lists revoke. Until a TPP forwards a consent, the personas with one on file (Marc,
 * Tech'n Co) show it; everyone else has none, so `GET /accounts` lists bare accounts.
 */
import type { ConsentAccess } from '../stet-api/wire.js'
import type { Persona } from './personas.js'

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

export class ConsentStore {
  readonly #states = new Map<string, ConsentState>()

  get(clientId: string, persona: Persona): ConsentState | undefined {
    const stored = this.#states.get(`${clientId}|${persona.psuId}`)
    if (stored) return stored
    return persona.preseededConsent ? toConsentState(persona.preseededConsent) : undefined
  }

  replace(clientId: string, psuId: string, state: ConsentState): void {
    this.#states.set(`${clientId}|${psuId}`, state)
  }

  /** Back to the start: only the preseeded consents remain. */
  reset(): void {
    this.#states.clear()
  }
}
