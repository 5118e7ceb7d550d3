import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core'
export type Maybe<T> = T | null
export type InputMaybe<T> = Maybe<T>
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] }
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> }
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> }
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never }
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never }
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string }
  String: { input: string; output: string }
  Boolean: { input: boolean; output: boolean }
  Int: { input: number; output: number }
  Float: { input: number; output: number }
  /** A date string, such as 2007-12-03, compliant with the `full-date` format outlined in section 5.6 of the RFC 3339 profile of the ISO 8601 standard for representation of dates and times using the Gregorian calendar. */
  Date: { input: string; output: string }
  /** A date-time string at UTC, such as 2007-12-03T10:15:30Z, compliant with the `date-time` format outlined in section 5.6 of the RFC 3339 profile of the ISO 8601 standard for representation of dates and times using the Gregorian calendar. */
  DateTime: { input: string; output: string }
  /** The `JSON` scalar type represents JSON values as specified by [ECMA-404](http://www.ecma-international.org/publications/files/ECMA-ST/ECMA-404.pdf). */
  JSON: { input: unknown; output: unknown }
}

/** Who the account is for (STET usage). */
export type AccountUsage =
  /** A professional or corporate account. */
  | 'ORGA'
  /** A private person’s account. */
  | 'PRIV'
  /** A code outside the STET set: see `usageCode` for what the bank sent. */
  | 'UNKNOWN'

/** The kind of balance (STET balanceType). Caisse d’Epargne sends CLBD only. */
export type BalanceType =
  /** Accounting balance (ISO 20022 ClosingBooked). */
  | 'CLBD'
  /** Another balance the bank names itself (STET OTHR; e.g. a card account’s). */
  | 'OTHR'
  /** A code outside the STET set: see `typeCode` for what the bank sent. */
  | 'UNKNOWN'
  /** Value-date balance. */
  | 'VALU'
  /** Instant balance (ISO 20022 Expected). */
  | 'XPCD'

/** The kind of account (STET cashAccountType). */
export type CashAccountType =
  /** A current account: the payment accounts Caisse d’Epargne lists. */
  | 'CACC'
  /** A card account (deferred-debit card). */
  | 'CARD'
  /** A code outside the STET set: see `cashAccountTypeCode` for what the bank sent. */
  | 'UNKNOWN'

/** A bank connection's state, derived from what the gateway holds and what the bank last said. */
export type ConnectionStatus =
  /** Linked, and the bank accepted a consent: reads work as the consent grants. */
  | 'ACTIVE'
  /** Linked, but no consent granting anything is in force: the account list only (call updateConsent). */
  | 'CONSENT_REQUIRED'
  /** Never linked, or disconnected with disconnectBank: nothing is held. */
  | 'DISCONNECTED'
  /** The bank refused a token refresh or the 180 days since the last authorisation passed: cached values are served stale, no bank call (call startBankAuthorization). */
  | 'REAUTHORIZATION_REQUIRED'

/** The direction of the amount (STET creditDebitIndicator). */
export type CreditDebitIndicator =
  /** Credit: money in. */
  | 'CRDT'
  /** Debit: money out. */
  | 'DBIT'
  /** A code outside the STET set (`creditDebitIndicatorCode`): the sign is unknown, `signedAmount` is null. */
  | 'UNKNOWN'

/** Where this operation got the value: from the bank now, or from the gateway cache. */
export type FreshnessSource =
  /** Read from the bank during this operation. */
  | 'BANK'
  /** Served from the gateway cache: no bank call, no quota spent. */
  | 'CACHE'

/** How the PSU is addressed (STET namePrefix). */
export type NamePrefix =
  /** Doctor. */
  | 'DOCT'
  /** Madam. */
  | 'MADM'
  /** Miss. */
  | 'MISS'
  /** Mister. */
  | 'MIST'
  /** A code outside the STET set: see `namePrefixCode` for what the bank sent. */
  | 'UNKNOWN'

/** A STET method whose unattended calls the bank counts apart. */
export type QuotaMethod =
  /** GET /accounts: the account list (per PSU). */
  | 'ACCOUNTS'
  /** GET /accounts/{id}/balances (per account). */
  | 'BALANCES'
  /** GET …/transactions/{id}/details (per account: all its transactions’ details share one budget). */
  | 'DETAILS'
  /** GET /end-user-identity (per PSU). */
  | 'IDENTITY'
  /** GET /accounts/{id}/overdrafts (per account). */
  | 'OVERDRAFTS'
  /** GET /accounts/{id}/transactions, whatever its dates (per account). */
  | 'TRANSACTIONS'

/** The windows the limit is enforced over. */
export type QuotaWindows =
  /** The Paris calendar day and any rolling 24 hours, together (the default). */
  | 'BOTH'
  /** The Paris calendar day only (00:00 to 24:00, 23 or 25 hours on DST days). */
  | 'CALENDAR_DAY'
  /** Any rolling 24 hours only. */
  | 'ROLLING_24H'

/** Where the entry stands (STET status). Caisse d’Epargne sends BOOK and OTHR only. */
export type TransactionStatus =
  /** Booked: on the account’s books. */
  | 'BOOK'
  /** Future: on the books, applied at a later date. */
  | 'FUTR'
  /** Information only: nothing was booked. */
  | 'INFO'
  /** Other. At Caisse d’Epargne: not booked yet (e.g. a recent card payment), with no bookingDate. */
  | 'OTHR'
  /** Pending: to be booked, already in the instant balance. */
  | 'PDNG'
  /** Rejected. */
  | 'RJCT'
  /** A code outside the STET set: see `statusCode` for what the bank sent. */
  | 'UNKNOWN'

/** What the PSU grants at one bank. Replaces the consent in force; every IBAN must be one of the PSU's accounts there. */
export type UpdateConsentInput = {
  /** IBANs whose balances the PSU grants. */
  balances: Array<Scalars['String']['input']>
  /** 5-digit bank code; default: the caller's bank. */
  bank?: InputMaybe<Scalars['String']['input']>
  /** IBANs whose authorised overdraft the PSU grants. */
  overdrafts: Array<Scalars['String']['input']>
  /** Whether the PSU grants their identity (GET /end-user-identity). */
  psuIdentity: Scalars['Boolean']['input']
  /** IBANs whose transactions the PSU grants. */
  transactions: Array<Scalars['String']['input']>
}

/** What happened to a PSU connection that the gateway pushes to a webhook. */
export type WebhookEvent =
  /** A bank read (the PSU's, a partner's or the refresh scheduler's) returned balances that differ from the cached ones. */
  | 'BALANCES_UPDATED'
  /** The 180 days since the PSU's last authorisation end within 14 days (sent once per connection and expiry). */
  | 'CONSENT_EXPIRING'
  /** A read was refused for quota: data names the method, the account and the next allowed call (once per key and window). */
  | 'QUOTA_EXHAUSTED'
  /** The bank refused a token refresh: the PSU must link the bank again. */
  | 'REAUTHORIZATION_REQUIRED'
  /** An account's transactions changed: data has the counts and the transactionsSync cursor to sync from. */
  | 'TRANSACTIONS_UPDATED'

export type DashboardQueryVariables = Exact<{
  bank?: InputMaybe<Scalars['String']['input']>
}>

export type DashboardQuery = {
  __typename?: 'Query'
  accounts: Array<{
    __typename?: 'Account'
    id: string
    name: string
    iban: string
    currency: string
    cashAccountType: CashAccountType
    usage?: AccountUsage | null
    grants: { __typename?: 'AccountGrants'; balances: boolean; transactions: boolean; overdrafts: boolean }
    balances?: Array<{
      __typename?: 'Balance'
      type: BalanceType
      name: string
      amount: { __typename?: 'Money'; amount: string; currency: string }
      freshness: { __typename?: 'Freshness'; fetchedAt: string; source: FreshnessSource; stale: boolean }
    }> | null
    overdraft?: {
      __typename?: 'Overdraft'
      allowedAmount: { __typename?: 'Money'; amount: string; currency: string }
    } | null
    transactions?: {
      __typename?: 'TransactionConnection'
      totalCount: number
      pageInfo: { __typename?: 'PageInfo'; hasNextPage: boolean; endCursor?: string | null }
      edges: Array<{
        __typename?: 'TransactionEdge'
        node: {
          __typename?: 'Transaction'
          id: string
          bookingDate?: string | null
          transactionDate?: string | null
          status: TransactionStatus
          creditDebitIndicator: CreditDebitIndicator
          remittanceInformation: Array<string>
          hasDetails: boolean
          signedAmount?: { __typename?: 'Money'; amount: string; currency: string } | null
        }
      }>
      freshness: { __typename?: 'Freshness'; fetchedAt: string; source: FreshnessSource; stale: boolean }
    } | null
  }>
}

export type DashboardMoreTransactionsQueryVariables = Exact<{
  accountId: Scalars['ID']['input']
  after: Scalars['String']['input']
}>

export type DashboardMoreTransactionsQuery = {
  __typename?: 'Query'
  account?: {
    __typename?: 'Account'
    id: string
    transactions?: {
      __typename?: 'TransactionConnection'
      pageInfo: { __typename?: 'PageInfo'; hasNextPage: boolean; endCursor?: string | null }
      edges: Array<{
        __typename?: 'TransactionEdge'
        node: {
          __typename?: 'Transaction'
          id: string
          bookingDate?: string | null
          transactionDate?: string | null
          status: TransactionStatus
          creditDebitIndicator: CreditDebitIndicator
          remittanceInformation: Array<string>
          hasDetails: boolean
          signedAmount?: { __typename?: 'Money'; amount: string; currency: string } | null
        }
      }>
    } | null
  } | null
}

export type DashboardTransactionFragment = {
  __typename?: 'Transaction'
  id: string
  bookingDate?: string | null
  transactionDate?: string | null
  status: TransactionStatus
  creditDebitIndicator: CreditDebitIndicator
  remittanceInformation: Array<string>
  hasDetails: boolean
  signedAmount?: { __typename?: 'Money'; amount: string; currency: string } | null
}

export type DashboardFreshnessFragment = {
  __typename?: 'Freshness'
  fetchedAt: string
  source: FreshnessSource
  stale: boolean
}

export type PartnerPlanQueryVariables = Exact<{ [key: string]: never }>

export type PartnerPlanQuery = {
  __typename?: 'Query'
  quota?: Array<{
    __typename?: 'MethodQuota'
    method: QuotaMethod
    used: number
    remaining: number
    limit: number
    nextAllowedAt?: string | null
  }> | null
  accounts: Array<{
    __typename?: 'Account'
    id: string
    grants: { __typename?: 'AccountGrants'; balances: boolean; transactions: boolean }
    quota?: Array<{
      __typename?: 'MethodQuota'
      method: QuotaMethod
      used: number
      remaining: number
      limit: number
      nextAllowedAt?: string | null
    }> | null
    balances?: Array<{ __typename?: 'Balance'; type: BalanceType }> | null
    transactions?: { __typename?: 'TransactionConnection'; totalCount: number } | null
  }>
}

export type PartnerPsuQuotaQueryVariables = Exact<{ [key: string]: never }>

export type PartnerPsuQuotaQuery = {
  __typename?: 'Query'
  quota?: Array<{
    __typename?: 'MethodQuota'
    method: QuotaMethod
    used: number
    remaining: number
    limit: number
    nextAllowedAt?: string | null
  }> | null
}

export type PartnerAccountListQueryVariables = Exact<{ [key: string]: never }>

export type PartnerAccountListQuery = { __typename?: 'Query'; accounts: Array<{ __typename?: 'Account'; id: string }> }

export type PartnerSyncQueryVariables = Exact<{ [key: string]: never }>

export type PartnerSyncQuery = {
  __typename?: 'Query'
  quota?: Array<{
    __typename?: 'MethodQuota'
    method: QuotaMethod
    used: number
    remaining: number
    limit: number
    nextAllowedAt?: string | null
  }> | null
  accounts: Array<{
    __typename?: 'Account'
    id: string
    iban: string
    name: string
    currency: string
    cashAccountType: CashAccountType
    freshness: {
      __typename?: 'Freshness'
      fetchedAt: string
      source: FreshnessSource
      psuPresent: boolean
      stale: boolean
    }
    balances?: Array<{
      __typename?: 'Balance'
      type: BalanceType
      amount: { __typename?: 'Money'; amount: string; currency: string }
      freshness: {
        __typename?: 'Freshness'
        fetchedAt: string
        source: FreshnessSource
        psuPresent: boolean
        stale: boolean
      }
    }> | null
    transactions?: {
      __typename?: 'TransactionConnection'
      totalCount: number
      pageInfo: { __typename?: 'PageInfo'; hasNextPage: boolean; endCursor?: string | null }
      edges: Array<{
        __typename?: 'TransactionEdge'
        node: {
          __typename?: 'Transaction'
          id: string
          entryReference?: string | null
          creditDebitIndicator: CreditDebitIndicator
          status: TransactionStatus
          statusCode: string
          bookingDate?: string | null
          valueDate?: string | null
          remittanceInformation: Array<string>
          amount: { __typename?: 'Money'; amount: string; currency: string }
        }
      }>
      freshness: {
        __typename?: 'Freshness'
        fetchedAt: string
        source: FreshnessSource
        psuPresent: boolean
        stale: boolean
      }
    } | null
    quota?: Array<{
      __typename?: 'MethodQuota'
      method: QuotaMethod
      used: number
      remaining: number
      limit: number
      nextAllowedAt?: string | null
    }> | null
  }>
}

export type PartnerSyncCachedQueryVariables = Exact<{ [key: string]: never }>

export type PartnerSyncCachedQuery = {
  __typename?: 'Query'
  quota?: Array<{
    __typename?: 'MethodQuota'
    method: QuotaMethod
    used: number
    remaining: number
    limit: number
    nextAllowedAt?: string | null
  }> | null
  accounts: Array<{
    __typename?: 'Account'
    id: string
    iban: string
    name: string
    currency: string
    cashAccountType: CashAccountType
    freshness: {
      __typename?: 'Freshness'
      fetchedAt: string
      source: FreshnessSource
      psuPresent: boolean
      stale: boolean
    }
    balances?: Array<{
      __typename?: 'Balance'
      type: BalanceType
      amount: { __typename?: 'Money'; amount: string; currency: string }
      freshness: {
        __typename?: 'Freshness'
        fetchedAt: string
        source: FreshnessSource
        psuPresent: boolean
        stale: boolean
      }
    }> | null
    transactions?: {
      __typename?: 'TransactionConnection'
      totalCount: number
      pageInfo: { __typename?: 'PageInfo'; hasNextPage: boolean; endCursor?: string | null }
      edges: Array<{
        __typename?: 'TransactionEdge'
        node: {
          __typename?: 'Transaction'
          id: string
          entryReference?: string | null
          creditDebitIndicator: CreditDebitIndicator
          status: TransactionStatus
          statusCode: string
          bookingDate?: string | null
          valueDate?: string | null
          remittanceInformation: Array<string>
          amount: { __typename?: 'Money'; amount: string; currency: string }
        }
      }>
      freshness: {
        __typename?: 'Freshness'
        fetchedAt: string
        source: FreshnessSource
        psuPresent: boolean
        stale: boolean
      }
    } | null
    quota?: Array<{
      __typename?: 'MethodQuota'
      method: QuotaMethod
      used: number
      remaining: number
      limit: number
      nextAllowedAt?: string | null
    }> | null
  }>
}

export type PartnerTransactionsPageQueryVariables = Exact<{
  accountId: Scalars['ID']['input']
  after: Scalars['String']['input']
}>

export type PartnerTransactionsPageQuery = {
  __typename?: 'Query'
  account?: {
    __typename?: 'Account'
    id: string
    transactions?: {
      __typename?: 'TransactionConnection'
      totalCount: number
      pageInfo: { __typename?: 'PageInfo'; hasNextPage: boolean; endCursor?: string | null }
      edges: Array<{
        __typename?: 'TransactionEdge'
        node: {
          __typename?: 'Transaction'
          id: string
          entryReference?: string | null
          creditDebitIndicator: CreditDebitIndicator
          status: TransactionStatus
          statusCode: string
          bookingDate?: string | null
          valueDate?: string | null
          remittanceInformation: Array<string>
          amount: { __typename?: 'Money'; amount: string; currency: string }
        }
      }>
      freshness: {
        __typename?: 'Freshness'
        fetchedAt: string
        source: FreshnessSource
        psuPresent: boolean
        stale: boolean
      }
    } | null
  } | null
}

export type PartnerAccountFragment = {
  __typename?: 'Account'
  id: string
  iban: string
  name: string
  currency: string
  cashAccountType: CashAccountType
  freshness: {
    __typename?: 'Freshness'
    fetchedAt: string
    source: FreshnessSource
    psuPresent: boolean
    stale: boolean
  }
  balances?: Array<{
    __typename?: 'Balance'
    type: BalanceType
    amount: { __typename?: 'Money'; amount: string; currency: string }
    freshness: {
      __typename?: 'Freshness'
      fetchedAt: string
      source: FreshnessSource
      psuPresent: boolean
      stale: boolean
    }
  }> | null
  transactions?: {
    __typename?: 'TransactionConnection'
    totalCount: number
    pageInfo: { __typename?: 'PageInfo'; hasNextPage: boolean; endCursor?: string | null }
    edges: Array<{
      __typename?: 'TransactionEdge'
      node: {
        __typename?: 'Transaction'
        id: string
        entryReference?: string | null
        creditDebitIndicator: CreditDebitIndicator
        status: TransactionStatus
        statusCode: string
        bookingDate?: string | null
        valueDate?: string | null
        remittanceInformation: Array<string>
        amount: { __typename?: 'Money'; amount: string; currency: string }
      }
    }>
    freshness: {
      __typename?: 'Freshness'
      fetchedAt: string
      source: FreshnessSource
      psuPresent: boolean
      stale: boolean
    }
  } | null
  quota?: Array<{
    __typename?: 'MethodQuota'
    method: QuotaMethod
    used: number
    remaining: number
    limit: number
    nextAllowedAt?: string | null
  }> | null
}

export type PartnerTransactionsFragment = {
  __typename?: 'TransactionConnection'
  totalCount: number
  pageInfo: { __typename?: 'PageInfo'; hasNextPage: boolean; endCursor?: string | null }
  edges: Array<{
    __typename?: 'TransactionEdge'
    node: {
      __typename?: 'Transaction'
      id: string
      entryReference?: string | null
      creditDebitIndicator: CreditDebitIndicator
      status: TransactionStatus
      statusCode: string
      bookingDate?: string | null
      valueDate?: string | null
      remittanceInformation: Array<string>
      amount: { __typename?: 'Money'; amount: string; currency: string }
    }
  }>
  freshness: {
    __typename?: 'Freshness'
    fetchedAt: string
    source: FreshnessSource
    psuPresent: boolean
    stale: boolean
  }
}

export type PartnerQuotaFragment = {
  __typename?: 'MethodQuota'
  method: QuotaMethod
  used: number
  remaining: number
  limit: number
  nextAllowedAt?: string | null
}

export type PartnerFreshnessFragment = {
  __typename?: 'Freshness'
  fetchedAt: string
  source: FreshnessSource
  psuPresent: boolean
  stale: boolean
}

export const DashboardTransactionFragmentDoc = {
  kind: 'Document',
  definitions: [
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'DashboardTransaction' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'Transaction' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'bookingDate' } },
          { kind: 'Field', name: { kind: 'Name', value: 'transactionDate' } },
          { kind: 'Field', name: { kind: 'Name', value: 'status' } },
          { kind: 'Field', name: { kind: 'Name', value: 'creditDebitIndicator' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'signedAmount' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'amount' } },
                { kind: 'Field', name: { kind: 'Name', value: 'currency' } },
              ],
            },
          },
          { kind: 'Field', name: { kind: 'Name', value: 'remittanceInformation' } },
          { kind: 'Field', name: { kind: 'Name', value: 'hasDetails' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<DashboardTransactionFragment, unknown>
export const DashboardFreshnessFragmentDoc = {
  kind: 'Document',
  definitions: [
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'DashboardFreshness' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'Freshness' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'fetchedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'source' } },
          { kind: 'Field', name: { kind: 'Name', value: 'stale' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<DashboardFreshnessFragment, unknown>
export const PartnerFreshnessFragmentDoc = {
  kind: 'Document',
  definitions: [
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'PartnerFreshness' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'Freshness' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'fetchedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'source' } },
          { kind: 'Field', name: { kind: 'Name', value: 'psuPresent' } },
          { kind: 'Field', name: { kind: 'Name', value: 'stale' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<PartnerFreshnessFragment, unknown>
export const PartnerTransactionsFragmentDoc = {
  kind: 'Document',
  definitions: [
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'PartnerTransactions' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'TransactionConnection' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'totalCount' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'pageInfo' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'hasNextPage' } },
                { kind: 'Field', name: { kind: 'Name', value: 'endCursor' } },
              ],
            },
          },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'edges' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'node' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'entryReference' } },
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'amount' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [
                            { kind: 'Field', name: { kind: 'Name', value: 'amount' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'currency' } },
                          ],
                        },
                      },
                      { kind: 'Field', name: { kind: 'Name', value: 'creditDebitIndicator' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'status' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'statusCode' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'bookingDate' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'valueDate' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'remittanceInformation' } },
                    ],
                  },
                },
              ],
            },
          },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'freshness' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [{ kind: 'FragmentSpread', name: { kind: 'Name', value: 'PartnerFreshness' } }],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'PartnerFreshness' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'Freshness' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'fetchedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'source' } },
          { kind: 'Field', name: { kind: 'Name', value: 'psuPresent' } },
          { kind: 'Field', name: { kind: 'Name', value: 'stale' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<PartnerTransactionsFragment, unknown>
export const PartnerQuotaFragmentDoc = {
  kind: 'Document',
  definitions: [
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'PartnerQuota' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'MethodQuota' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'method' } },
          { kind: 'Field', name: { kind: 'Name', value: 'used' } },
          { kind: 'Field', name: { kind: 'Name', value: 'remaining' } },
          { kind: 'Field', name: { kind: 'Name', value: 'limit' } },
          { kind: 'Field', name: { kind: 'Name', value: 'nextAllowedAt' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<PartnerQuotaFragment, unknown>
export const PartnerAccountFragmentDoc = {
  kind: 'Document',
  definitions: [
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'PartnerAccount' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'Account' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'iban' } },
          { kind: 'Field', name: { kind: 'Name', value: 'name' } },
          { kind: 'Field', name: { kind: 'Name', value: 'currency' } },
          { kind: 'Field', name: { kind: 'Name', value: 'cashAccountType' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'freshness' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [{ kind: 'FragmentSpread', name: { kind: 'Name', value: 'PartnerFreshness' } }],
            },
          },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'balances' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'type' } },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'amount' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'amount' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'currency' } },
                    ],
                  },
                },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'freshness' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [{ kind: 'FragmentSpread', name: { kind: 'Name', value: 'PartnerFreshness' } }],
                  },
                },
              ],
            },
          },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'transactions' },
            arguments: [
              { kind: 'Argument', name: { kind: 'Name', value: 'first' }, value: { kind: 'IntValue', value: '500' } },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [{ kind: 'FragmentSpread', name: { kind: 'Name', value: 'PartnerTransactions' } }],
            },
          },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'quota' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [{ kind: 'FragmentSpread', name: { kind: 'Name', value: 'PartnerQuota' } }],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'PartnerFreshness' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'Freshness' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'fetchedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'source' } },
          { kind: 'Field', name: { kind: 'Name', value: 'psuPresent' } },
          { kind: 'Field', name: { kind: 'Name', value: 'stale' } },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'PartnerTransactions' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'TransactionConnection' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'totalCount' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'pageInfo' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'hasNextPage' } },
                { kind: 'Field', name: { kind: 'Name', value: 'endCursor' } },
              ],
            },
          },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'edges' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'node' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'entryReference' } },
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'amount' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [
                            { kind: 'Field', name: { kind: 'Name', value: 'amount' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'currency' } },
                          ],
                        },
                      },
                      { kind: 'Field', name: { kind: 'Name', value: 'creditDebitIndicator' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'status' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'statusCode' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'bookingDate' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'valueDate' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'remittanceInformation' } },
                    ],
                  },
                },
              ],
            },
          },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'freshness' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [{ kind: 'FragmentSpread', name: { kind: 'Name', value: 'PartnerFreshness' } }],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'PartnerQuota' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'MethodQuota' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'method' } },
          { kind: 'Field', name: { kind: 'Name', value: 'used' } },
          { kind: 'Field', name: { kind: 'Name', value: 'remaining' } },
          { kind: 'Field', name: { kind: 'Name', value: 'limit' } },
          { kind: 'Field', name: { kind: 'Name', value: 'nextAllowedAt' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<PartnerAccountFragment, unknown>
export const DashboardDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'Dashboard' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'bank' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'String' } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'accounts' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'bank' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'bank' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                { kind: 'Field', name: { kind: 'Name', value: 'iban' } },
                { kind: 'Field', name: { kind: 'Name', value: 'currency' } },
                { kind: 'Field', name: { kind: 'Name', value: 'cashAccountType' } },
                { kind: 'Field', name: { kind: 'Name', value: 'usage' } },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'grants' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'balances' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'transactions' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'overdrafts' } },
                    ],
                  },
                },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'balances' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'type' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'amount' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [
                            { kind: 'Field', name: { kind: 'Name', value: 'amount' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'currency' } },
                          ],
                        },
                      },
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'freshness' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [{ kind: 'FragmentSpread', name: { kind: 'Name', value: 'DashboardFreshness' } }],
                        },
                      },
                    ],
                  },
                },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'overdraft' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'allowedAmount' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [
                            { kind: 'Field', name: { kind: 'Name', value: 'amount' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'currency' } },
                          ],
                        },
                      },
                    ],
                  },
                },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'transactions' },
                  arguments: [
                    {
                      kind: 'Argument',
                      name: { kind: 'Name', value: 'first' },
                      value: { kind: 'IntValue', value: '10' },
                    },
                  ],
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'totalCount' } },
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'pageInfo' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [
                            { kind: 'Field', name: { kind: 'Name', value: 'hasNextPage' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'endCursor' } },
                          ],
                        },
                      },
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'edges' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [
                            {
                              kind: 'Field',
                              name: { kind: 'Name', value: 'node' },
                              selectionSet: {
                                kind: 'SelectionSet',
                                selections: [
                                  { kind: 'FragmentSpread', name: { kind: 'Name', value: 'DashboardTransaction' } },
                                ],
                              },
                            },
                          ],
                        },
                      },
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'freshness' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [{ kind: 'FragmentSpread', name: { kind: 'Name', value: 'DashboardFreshness' } }],
                        },
                      },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'DashboardFreshness' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'Freshness' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'fetchedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'source' } },
          { kind: 'Field', name: { kind: 'Name', value: 'stale' } },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'DashboardTransaction' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'Transaction' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'bookingDate' } },
          { kind: 'Field', name: { kind: 'Name', value: 'transactionDate' } },
          { kind: 'Field', name: { kind: 'Name', value: 'status' } },
          { kind: 'Field', name: { kind: 'Name', value: 'creditDebitIndicator' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'signedAmount' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'amount' } },
                { kind: 'Field', name: { kind: 'Name', value: 'currency' } },
              ],
            },
          },
          { kind: 'Field', name: { kind: 'Name', value: 'remittanceInformation' } },
          { kind: 'Field', name: { kind: 'Name', value: 'hasDetails' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<DashboardQuery, DashboardQueryVariables>
export const DashboardMoreTransactionsDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'DashboardMoreTransactions' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'accountId' } },
          type: { kind: 'NonNullType', type: { kind: 'NamedType', name: { kind: 'Name', value: 'ID' } } },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'after' } },
          type: { kind: 'NonNullType', type: { kind: 'NamedType', name: { kind: 'Name', value: 'String' } } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'account' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'id' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'accountId' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'transactions' },
                  arguments: [
                    {
                      kind: 'Argument',
                      name: { kind: 'Name', value: 'first' },
                      value: { kind: 'IntValue', value: '20' },
                    },
                    {
                      kind: 'Argument',
                      name: { kind: 'Name', value: 'after' },
                      value: { kind: 'Variable', name: { kind: 'Name', value: 'after' } },
                    },
                  ],
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'pageInfo' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [
                            { kind: 'Field', name: { kind: 'Name', value: 'hasNextPage' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'endCursor' } },
                          ],
                        },
                      },
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'edges' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [
                            {
                              kind: 'Field',
                              name: { kind: 'Name', value: 'node' },
                              selectionSet: {
                                kind: 'SelectionSet',
                                selections: [
                                  { kind: 'FragmentSpread', name: { kind: 'Name', value: 'DashboardTransaction' } },
                                ],
                              },
                            },
                          ],
                        },
                      },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'DashboardTransaction' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'Transaction' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'bookingDate' } },
          { kind: 'Field', name: { kind: 'Name', value: 'transactionDate' } },
          { kind: 'Field', name: { kind: 'Name', value: 'status' } },
          { kind: 'Field', name: { kind: 'Name', value: 'creditDebitIndicator' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'signedAmount' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'amount' } },
                { kind: 'Field', name: { kind: 'Name', value: 'currency' } },
              ],
            },
          },
          { kind: 'Field', name: { kind: 'Name', value: 'remittanceInformation' } },
          { kind: 'Field', name: { kind: 'Name', value: 'hasDetails' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<DashboardMoreTransactionsQuery, DashboardMoreTransactionsQueryVariables>
export const PartnerPlanDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'PartnerPlan' },
      directives: [{ kind: 'Directive', name: { kind: 'Name', value: 'cacheOnly' } }],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'quota' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [{ kind: 'FragmentSpread', name: { kind: 'Name', value: 'PartnerQuota' } }],
            },
          },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'accounts' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'grants' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'balances' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'transactions' } },
                    ],
                  },
                },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'quota' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [{ kind: 'FragmentSpread', name: { kind: 'Name', value: 'PartnerQuota' } }],
                  },
                },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'balances' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [{ kind: 'Field', name: { kind: 'Name', value: 'type' } }],
                  },
                },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'transactions' },
                  arguments: [
                    {
                      kind: 'Argument',
                      name: { kind: 'Name', value: 'first' },
                      value: { kind: 'IntValue', value: '1' },
                    },
                  ],
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [{ kind: 'Field', name: { kind: 'Name', value: 'totalCount' } }],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'PartnerQuota' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'MethodQuota' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'method' } },
          { kind: 'Field', name: { kind: 'Name', value: 'used' } },
          { kind: 'Field', name: { kind: 'Name', value: 'remaining' } },
          { kind: 'Field', name: { kind: 'Name', value: 'limit' } },
          { kind: 'Field', name: { kind: 'Name', value: 'nextAllowedAt' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<PartnerPlanQuery, PartnerPlanQueryVariables>
export const PartnerPsuQuotaDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'PartnerPsuQuota' },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'quota' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [{ kind: 'FragmentSpread', name: { kind: 'Name', value: 'PartnerQuota' } }],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'PartnerQuota' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'MethodQuota' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'method' } },
          { kind: 'Field', name: { kind: 'Name', value: 'used' } },
          { kind: 'Field', name: { kind: 'Name', value: 'remaining' } },
          { kind: 'Field', name: { kind: 'Name', value: 'limit' } },
          { kind: 'Field', name: { kind: 'Name', value: 'nextAllowedAt' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<PartnerPsuQuotaQuery, PartnerPsuQuotaQueryVariables>
export const PartnerAccountListDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'PartnerAccountList' },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'accounts' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [{ kind: 'Field', name: { kind: 'Name', value: 'id' } }],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<PartnerAccountListQuery, PartnerAccountListQueryVariables>
export const PartnerSyncDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'PartnerSync' },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'quota' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [{ kind: 'FragmentSpread', name: { kind: 'Name', value: 'PartnerQuota' } }],
            },
          },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'accounts' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [{ kind: 'FragmentSpread', name: { kind: 'Name', value: 'PartnerAccount' } }],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'PartnerFreshness' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'Freshness' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'fetchedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'source' } },
          { kind: 'Field', name: { kind: 'Name', value: 'psuPresent' } },
          { kind: 'Field', name: { kind: 'Name', value: 'stale' } },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'PartnerTransactions' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'TransactionConnection' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'totalCount' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'pageInfo' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'hasNextPage' } },
                { kind: 'Field', name: { kind: 'Name', value: 'endCursor' } },
              ],
            },
          },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'edges' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'node' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'entryReference' } },
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'amount' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [
                            { kind: 'Field', name: { kind: 'Name', value: 'amount' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'currency' } },
                          ],
                        },
                      },
                      { kind: 'Field', name: { kind: 'Name', value: 'creditDebitIndicator' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'status' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'statusCode' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'bookingDate' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'valueDate' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'remittanceInformation' } },
                    ],
                  },
                },
              ],
            },
          },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'freshness' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [{ kind: 'FragmentSpread', name: { kind: 'Name', value: 'PartnerFreshness' } }],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'PartnerQuota' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'MethodQuota' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'method' } },
          { kind: 'Field', name: { kind: 'Name', value: 'used' } },
          { kind: 'Field', name: { kind: 'Name', value: 'remaining' } },
          { kind: 'Field', name: { kind: 'Name', value: 'limit' } },
          { kind: 'Field', name: { kind: 'Name', value: 'nextAllowedAt' } },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'PartnerAccount' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'Account' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'iban' } },
          { kind: 'Field', name: { kind: 'Name', value: 'name' } },
          { kind: 'Field', name: { kind: 'Name', value: 'currency' } },
          { kind: 'Field', name: { kind: 'Name', value: 'cashAccountType' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'freshness' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [{ kind: 'FragmentSpread', name: { kind: 'Name', value: 'PartnerFreshness' } }],
            },
          },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'balances' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'type' } },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'amount' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'amount' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'currency' } },
                    ],
                  },
                },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'freshness' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [{ kind: 'FragmentSpread', name: { kind: 'Name', value: 'PartnerFreshness' } }],
                  },
                },
              ],
            },
          },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'transactions' },
            arguments: [
              { kind: 'Argument', name: { kind: 'Name', value: 'first' }, value: { kind: 'IntValue', value: '500' } },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [{ kind: 'FragmentSpread', name: { kind: 'Name', value: 'PartnerTransactions' } }],
            },
          },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'quota' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [{ kind: 'FragmentSpread', name: { kind: 'Name', value: 'PartnerQuota' } }],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<PartnerSyncQuery, PartnerSyncQueryVariables>
export const PartnerSyncCachedDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'PartnerSyncCached' },
      directives: [{ kind: 'Directive', name: { kind: 'Name', value: 'cacheOnly' } }],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'quota' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [{ kind: 'FragmentSpread', name: { kind: 'Name', value: 'PartnerQuota' } }],
            },
          },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'accounts' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [{ kind: 'FragmentSpread', name: { kind: 'Name', value: 'PartnerAccount' } }],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'PartnerFreshness' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'Freshness' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'fetchedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'source' } },
          { kind: 'Field', name: { kind: 'Name', value: 'psuPresent' } },
          { kind: 'Field', name: { kind: 'Name', value: 'stale' } },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'PartnerTransactions' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'TransactionConnection' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'totalCount' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'pageInfo' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'hasNextPage' } },
                { kind: 'Field', name: { kind: 'Name', value: 'endCursor' } },
              ],
            },
          },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'edges' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'node' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'entryReference' } },
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'amount' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [
                            { kind: 'Field', name: { kind: 'Name', value: 'amount' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'currency' } },
                          ],
                        },
                      },
                      { kind: 'Field', name: { kind: 'Name', value: 'creditDebitIndicator' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'status' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'statusCode' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'bookingDate' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'valueDate' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'remittanceInformation' } },
                    ],
                  },
                },
              ],
            },
          },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'freshness' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [{ kind: 'FragmentSpread', name: { kind: 'Name', value: 'PartnerFreshness' } }],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'PartnerQuota' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'MethodQuota' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'method' } },
          { kind: 'Field', name: { kind: 'Name', value: 'used' } },
          { kind: 'Field', name: { kind: 'Name', value: 'remaining' } },
          { kind: 'Field', name: { kind: 'Name', value: 'limit' } },
          { kind: 'Field', name: { kind: 'Name', value: 'nextAllowedAt' } },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'PartnerAccount' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'Account' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'iban' } },
          { kind: 'Field', name: { kind: 'Name', value: 'name' } },
          { kind: 'Field', name: { kind: 'Name', value: 'currency' } },
          { kind: 'Field', name: { kind: 'Name', value: 'cashAccountType' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'freshness' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [{ kind: 'FragmentSpread', name: { kind: 'Name', value: 'PartnerFreshness' } }],
            },
          },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'balances' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'type' } },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'amount' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'amount' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'currency' } },
                    ],
                  },
                },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'freshness' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [{ kind: 'FragmentSpread', name: { kind: 'Name', value: 'PartnerFreshness' } }],
                  },
                },
              ],
            },
          },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'transactions' },
            arguments: [
              { kind: 'Argument', name: { kind: 'Name', value: 'first' }, value: { kind: 'IntValue', value: '500' } },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [{ kind: 'FragmentSpread', name: { kind: 'Name', value: 'PartnerTransactions' } }],
            },
          },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'quota' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [{ kind: 'FragmentSpread', name: { kind: 'Name', value: 'PartnerQuota' } }],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<PartnerSyncCachedQuery, PartnerSyncCachedQueryVariables>
export const PartnerTransactionsPageDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'PartnerTransactionsPage' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'accountId' } },
          type: { kind: 'NonNullType', type: { kind: 'NamedType', name: { kind: 'Name', value: 'ID' } } },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'after' } },
          type: { kind: 'NonNullType', type: { kind: 'NamedType', name: { kind: 'Name', value: 'String' } } },
        },
      ],
      directives: [{ kind: 'Directive', name: { kind: 'Name', value: 'cacheOnly' } }],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'account' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'id' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'accountId' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'transactions' },
                  arguments: [
                    {
                      kind: 'Argument',
                      name: { kind: 'Name', value: 'first' },
                      value: { kind: 'IntValue', value: '500' },
                    },
                    {
                      kind: 'Argument',
                      name: { kind: 'Name', value: 'after' },
                      value: { kind: 'Variable', name: { kind: 'Name', value: 'after' } },
                    },
                  ],
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [{ kind: 'FragmentSpread', name: { kind: 'Name', value: 'PartnerTransactions' } }],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'PartnerFreshness' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'Freshness' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'fetchedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'source' } },
          { kind: 'Field', name: { kind: 'Name', value: 'psuPresent' } },
          { kind: 'Field', name: { kind: 'Name', value: 'stale' } },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'PartnerTransactions' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'TransactionConnection' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'totalCount' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'pageInfo' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'hasNextPage' } },
                { kind: 'Field', name: { kind: 'Name', value: 'endCursor' } },
              ],
            },
          },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'edges' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'node' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'entryReference' } },
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'amount' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [
                            { kind: 'Field', name: { kind: 'Name', value: 'amount' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'currency' } },
                          ],
                        },
                      },
                      { kind: 'Field', name: { kind: 'Name', value: 'creditDebitIndicator' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'status' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'statusCode' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'bookingDate' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'valueDate' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'remittanceInformation' } },
                    ],
                  },
                },
              ],
            },
          },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'freshness' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [{ kind: 'FragmentSpread', name: { kind: 'Name', value: 'PartnerFreshness' } }],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<PartnerTransactionsPageQuery, PartnerTransactionsPageQueryVariables>
