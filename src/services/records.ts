/** What services hand to the GraphQL layer: each STET DTO mapped once (STYLE.md B2). */

/** An exact decimal as the bank sent it: never a float. */
export interface MoneyRecord {
  readonly amount: string
  readonly currency: string
}

export interface BalanceRecord {
  readonly type: string
  readonly name: string
  readonly amount: MoneyRecord
  readonly referenceDate: string | undefined
  readonly lastChangeDateTime: string | undefined
}

export interface AccountRecord {
  readonly bank: string
  readonly iban: string
  /** Present only once the PSU's consent was forwarded (mixed model). */
  readonly resourceId: string | undefined
  readonly name: string
  readonly currency: string
  readonly cashAccountType: string
  readonly usage: string | undefined
  readonly psuStatus: string | undefined
  readonly product: string | undefined
  /** What the consent in force grants, read from the account's `_links`. */
  readonly grants: { readonly balances: boolean; readonly transactions: boolean; readonly overdrafts: boolean }
  /** The accounting balance `GET /accounts` embeds for accounts consented for balances. */
  readonly embeddedBalances: readonly BalanceRecord[]
}

export interface BankTransactionCodeRecord {
  readonly domain: string
  readonly family: string
  readonly subFamily: string
  readonly code: string | undefined
  readonly issuer: string | undefined
}

export interface TransactionRecord {
  /** The bank's resourceId, else its entryReference, else a digest of the entry (stable across reads). */
  readonly id: string
  readonly resourceId: string | undefined
  readonly entryReference: string | undefined
  readonly amount: MoneyRecord
  /** STET CRDT or DBIT, or whatever other code the bank sent (mapped at the GraphQL edge). */
  readonly creditDebitIndicator: string
  readonly status: string
  readonly bookingDate: string | undefined
  readonly valueDate: string | undefined
  readonly transactionDate: string | undefined
  readonly remittanceInformation: readonly string[]
  readonly bankTransactionCode: BankTransactionCodeRecord | undefined
  readonly hasDetails: boolean
  /** Epoch ms of the date the STET date filters apply to (booking, else transaction/value date). */
  readonly sortTime: number
}

export interface OverdraftRecord {
  readonly allowedAmount: MoneyRecord
}

export interface IdentityRecord {
  readonly fullName: string
  readonly namePrefix: string | undefined
  readonly firstName: string | undefined
  readonly lastName: string | undefined
}
