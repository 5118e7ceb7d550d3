/**
 * `GET /accounts`, `PUT /consents` and `GET /end-user-identity` in the bank's mixed consent model (BANK Sandbox
 * 4th step, NOTES §6.1, §6.2, §6.6): bare accounts before consent; resourceId, links and the accounting balance
 * after, for the accounts and resources granted.
 */
import type {
  AccountResource,
  BalanceResource,
  ConsentAccess,
  HalAccounts,
  HalEndUserIdentity,
} from '../stet-api/wire.js'
import type { AisContext, AisHandler } from './ais-context.js'
import { accountPath, link } from './ais-context.js'
import { BankHttpError, BpceCodeError } from './bank-http.js'
import { toConsentState } from './consent-store.js'
import { parisDayFrench } from './paris-calendar.js'
import type { PersonaAccount } from './personas.js'
import { resourceIdOf } from './personas.js'
import type { MovingData } from './transaction-ledger.js'
import { accountingBalanceOf } from './transaction-ledger.js'

/** The accounting balance, the only type the bank gives (CLBD, no referenceDate: BANK Sandbox §3, NOTES §6.3). */
export function accountingBalance(
  account: PersonaAccount,
  now: number,
  moving: MovingData | undefined,
): BalanceResource {
  return {
    balanceType: 'CLBD',
    name: `Solde comptable au ${parisDayFrench(now)}`,
    balanceAmount: { amount: accountingBalanceOf(account, now, moving), currency: 'EUR' },
  }
}

function toAccountResource(context: AisContext, account: PersonaAccount): AccountResource {
  const grant = context.consent?.accounts.get(account.iban)
  const bare = {
    cashAccountType: 'CACC' as const,
    accountId: { iban: account.iban },
    usage: account.usage,
    psuStatus: account.psuStatus,
    name: account.name,
    currency: 'EUR',
  }
  if (!grant || !(grant.balances || grant.transactions || grant.overdrafts)) return bare
  const resourceId = resourceIdOf(account.iban)
  const links: NonNullable<AccountResource['_links']> = {}
  if (grant.balances) links.balances = link(accountPath(resourceId, 'balances'))
  if (grant.transactions) links.transactions = link(accountPath(resourceId, 'transactions'), true)
  if (grant.overdrafts) links.overdrafts = link(accountPath(resourceId, 'overdrafts'))
  return {
    cashAccountType: bare.cashAccountType,
    accountId: bare.accountId,
    resourceId,
    _links: links,
    usage: bare.usage,
    psuStatus: bare.psuStatus,
    name: bare.name,
    currency: bare.currency,
    ...(grant.balances ? { balances: [accountingBalance(account, context.now, context.moving)] } : {}),
  }
}

export const getAccounts: AisHandler = (context) => {
  // A PSU with no eligible account: BPCE answers 404 with the code NAAC, not an empty list (NOTES §5).
  if (context.persona.accounts.length === 0) throw new BpceCodeError(404, 'NAAC')
  const body: HalAccounts = {
    accounts: context.persona.accounts.map((account) => toAccountResource(context, account)),
    _links: { self: link('/accounts') },
  }
  if (context.consent?.psuIdentity) body._links.endUserIdentity = link('/end-user-identity')
  return { status: 200, body }
}

function isIbanList(value: unknown): value is { iban: string }[] {
  return (
    Array.isArray(value) &&
    value.every(
      (item) => typeof item === 'object' && item !== null && typeof (item as { iban?: unknown }).iban === 'string',
    )
  )
}

/** Reads a `PUT /consents` body; an empty body revokes everything (BANK Forward customer's consent). */
function parseConsentBody(body: Buffer): ConsentAccess {
  if (body.length === 0)
    return { balances: [], transactions: [], overdrafts: [], psuIdentity: false, trustedBeneficiaries: false }
  let parsed: unknown
  try {
    parsed = JSON.parse(body.toString('utf8'))
  } catch {
    throw new BankHttpError(400, 'Consent body is not valid JSON')
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new BankHttpError(400, 'Consent body must be an object')
  }
  const record = parsed as Record<string, unknown>
  const lists = ['balances', 'transactions', 'overdrafts'] as const
  for (const name of lists) {
    if (record[name] !== undefined && !isIbanList(record[name])) {
      throw new BankHttpError(400, `Consent ${name} must be a list of {iban}`)
    }
  }
  for (const flag of ['psuIdentity', 'trustedBeneficiaries'] as const) {
    if (record[flag] !== undefined && typeof record[flag] !== 'boolean') {
      throw new BankHttpError(400, `Consent ${flag} must be a boolean`)
    }
  }
  const listOf = (name: (typeof lists)[number]) => {
    const value = record[name]
    return isIbanList(value) ? value : []
  }
  return {
    balances: listOf('balances'),
    transactions: listOf('transactions'),
    overdrafts: listOf('overdrafts'),
    psuIdentity: record.psuIdentity === true,
    // Ignored by the bank, as are owners (NOTES §6.2).
    trustedBeneficiaries: record.trustedBeneficiaries === true,
  }
}

export const putConsents: AisHandler = (context) => {
  const access = parseConsentBody(context.body)
  const owned = new Set(context.persona.accounts.map((account) => account.iban))
  for (const { iban } of [...access.balances, ...access.transactions, ...(access.overdrafts ?? [])]) {
    if (!owned.has(iban)) throw new BankHttpError(400, `IBAN ${iban} is not an account of this PSU`)
  }
  context.consents.replace(context.clientId, context.persona.psuId, toConsentState(access))
  return { status: 201 }
}

export const getIdentity: AisHandler = (context) => {
  if (!context.consent?.psuIdentity) throw new BankHttpError(403, 'No consent for the PSU identity')
  const body: HalEndUserIdentity = {
    identity: context.persona.identity,
    _links: { self: link('/end-user-identity') },
  }
  return { status: 200, body }
}
