/**
 * STET 1.6.2 AIS wire shapes, as Caisse d'Epargne / BPCE send them (STET 1.5.0.43 OpenAPI + the bank's page, see
 * ../shared/stet/NOTES.md §6). Types only: shared by the STET client and the sandbox bank, nothing else.
 * Where the bank and the spec disagree the bank wins (string amounts, `_links` absent before consent, array remittance).
 */

export const STET_BASE_PATH = '/stet/psd2/v1.6.2'
export const OAUTH_AUTHORIZE_PATH = '/stet/psd2/oauth/authorize'
export const OAUTH_TOKEN_PATH = '/stet/psd2/oauth/token'
/** RFC 7009 revocation; the bank cites STET Part 1 §3.4.2.8 without giving the URL (NOTES §11 q5). */
export const OAUTH_REVOKE_PATH = '/stet/psd2/oauth/revoke'

/** The AIS methods the bank's daily limit counts separately (bank page, "Limits"). */
export type AisMethod = 'accounts' | 'balances' | 'transactions' | 'details' | 'overdrafts' | 'identity' | 'consents'

export interface GenericLink {
  href: string
  templated?: boolean
}

/** STET AmountType: the bank sends strings ("-150.00"), OAS 1.5 says number, overdrafts use the number 0. */
export interface AmountType {
  amount: string | number
  currency: string
}

export interface AccountIdentification {
  iban?: string
  other?: { identification: string; schemeName: string; issuer?: string }
  currency?: string
}

/**
 * A STET code set the bank may extend: the named codes are the spec's, any other string is accepted as sent (the
 * bank is lenient with the spec; one odd code must not fail a whole read). The GraphQL layer maps unknown codes to
 * an UNKNOWN enum member and shows the raw code beside it.
 */
export type OpenCode<Known extends string> = Known | (string & Record<never, never>)

export type BalanceStatus = 'CLBD' | 'XPCD' | 'VALU' | 'OTHR'

export interface BalanceResource {
  name: string
  balanceAmount: AmountType
  balanceType: OpenCode<BalanceStatus>
  lastChangeDateTime?: string
  referenceDate?: string
  lastCommittedTransaction?: string
}

export interface AccountLinks {
  balances?: GenericLink
  transactions?: GenericLink
  overdrafts?: GenericLink
  owners?: GenericLink
}

export interface AccountResource {
  resourceId?: string
  bicFi?: string
  accountId?: AccountIdentification
  name: string
  details?: string
  linkedAccount?: string
  usage?: OpenCode<'PRIV' | 'ORGA'>
  cashAccountType: OpenCode<'CACC' | 'CARD'>
  product?: string
  currency?: string
  balances?: BalanceResource[]
  psuStatus?: string
  /** Absent before `PUT /consents` at BPCE (breaks the OAS `required`). */
  _links?: AccountLinks
}

export interface HalAccounts {
  accounts: AccountResource[]
  _links: {
    self: GenericLink
    consents?: GenericLink
    endUserIdentity?: GenericLink
    next?: GenericLink
    prev?: GenericLink
    first?: GenericLink
    last?: GenericLink
  }
}

export interface HalBalances {
  balances: BalanceResource[]
  _links: { self: GenericLink; 'parent-list'?: GenericLink; transactions?: GenericLink; overdrafts?: GenericLink }
}

export type TransactionStatus = 'BOOK' | 'PDNG' | 'FUTR' | 'INFO' | 'OTHR' | 'RJCT'

export interface BankTransactionCode {
  domain: string
  family: string
  subFamily: string
  code?: string
  issuer?: string
}

export interface TransactionResource {
  resourceId?: string | null
  entryReference?: string
  endToEndId?: string
  transactionAmount: AmountType
  creditDebitIndicator: OpenCode<'CRDT' | 'DBIT'>
  status: OpenCode<TransactionStatus>
  bookingDate?: string
  expectedBookingDate?: string
  valueDate?: string
  transactionDate?: string
  bankTransactionCode?: BankTransactionCode
  /** STET 1.4 / the bank's page: a bare array; STET 1.5: `{unstructured, structured}`. */
  remittanceInformation?: string[] | { unstructured?: string[]; structured?: unknown[] }
  _links?: { details?: GenericLink }
}

export interface HalTransactions {
  transactions: TransactionResource[]
  _links: {
    self: GenericLink
    'parent-list'?: GenericLink
    balances?: GenericLink
    next?: GenericLink
    prev?: GenericLink
    previous?: GenericLink
  }
}

/** No published schema (NOTES §7): kept opaque beside its links. */
export interface HalTransactionDetails {
  transactionDetails?: unknown
  details?: unknown
  _links?: Record<string, GenericLink>
}

export interface HalOverdrafts {
  overdrafts: { allowedAmount: AmountType }
  _links: { self: GenericLink; 'parent-list'?: GenericLink; balances?: GenericLink; transactions?: GenericLink }
}

export interface Identity {
  fullName: string
  namePrefix?: OpenCode<'DOCT' | 'MADM' | 'MISS' | 'MIST'>
  firstName?: string
  lastName?: string
}

export interface HalEndUserIdentity {
  identity: Identity
  _links: { self: GenericLink; accounts?: GenericLink; consents?: GenericLink }
}

/** `PUT /consents` body (STET `Access`); BPCE reads `{iban}` items and ignores owners and trustedBeneficiaries. */
export interface ConsentAccess {
  balances: { iban: string }[]
  transactions: { iban: string }[]
  overdrafts?: { iban: string }[]
  owners?: { iban: string }[]
  psuIdentity: boolean
  trustedBeneficiaries: boolean
}

/** STET ErrorModel; real BPCE bodies omit `error` and use non-ISO timestamps (NOTES §5). */
export interface ErrorModel {
  timestamp?: string
  status: number
  error?: string
  message: string
  path?: string
}

/** RFC 6749 §5.1 token response, as the bank sends it. */
export interface TokenResponse {
  access_token: string
  token_type: 'Bearer'
  expires_in: number
  scope?: string
  refresh_token?: string
}

/** The PSU-* context headers, in the order the bank's examples sign them (NOTES §2.4, §3). */
export const PSU_HEADERS = [
  'psu-ip-address',
  'psu-ip-port',
  'psu-http-method',
  'psu-date',
  'psu-user-agent',
  'psu-referer',
  'psu-accept',
  'psu-accept-charset',
  'psu-accept-encoding',
  'psu-accept-language',
  'psu-geo-location',
  'psu-device-id',
] as const
