/**
 * What an AIS handler receives once the request is signed, authenticated as a PSU and counted, and the HAL links it
 * builds. Links are relative, as the bank's are (NOTES §1), but carry the real v1.6.2 version segment.
 */
import type { GenericLink } from '../stet-api/wire.js'
import { STET_BASE_PATH } from '../stet-api/wire.js'
import type { BankResponse } from './bank-http.js'
import { BankHttpError } from './bank-http.js'
import type { AccountGrant, ConsentState, ConsentStore } from './consent-store.js'
import type { Persona, PersonaAccount } from './personas.js'
import type { MovingData } from './transaction-ledger.js'

export interface AisContext {
  clientId: string
  persona: Persona
  consent: ConsentState | undefined
  consents: ConsentStore
  /** The path's account, when it is one of this PSU's. */
  account?: PersonaAccount
  accountResourceId?: string
  transactionResourceId?: string
  query: URLSearchParams
  body: Buffer
  now: number
  /** Opt-in moving data (transaction-ledger.ts); undefined = the personas' fixed data. */
  moving: MovingData | undefined
}

export type AisHandler = (context: AisContext) => BankResponse

export function link(path: string, templated = false): GenericLink {
  return { href: `${STET_BASE_PATH}${path}`, templated }
}

export function accountPath(resourceId: string, resource: string): string {
  return `/accounts/${resourceId}/${resource}`
}

/** The path's account, or 404 "…is invalid" (BANK acceptance tests: "{accountId} is invalid"). */
export function requireAccount(context: AisContext): PersonaAccount {
  if (!context.account) throw new BankHttpError(404, `${context.accountResourceId ?? 'account'} is invalid`)
  return context.account
}

/** 403 unless the PSU's consent grants `resource` on the account (BANK: the IBAN must be in that consent list). */
export function requireGrant(context: AisContext, account: PersonaAccount, resource: keyof AccountGrant): void {
  if (!context.consent?.accounts.get(account.iban)?.[resource]) {
    throw new BankHttpError(403, `No consent for ${resource} on this account`)
  }
}
