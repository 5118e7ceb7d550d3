import { Field, ID, ObjectType } from 'type-graphql'
import type { AccountRecord, TransactionRecord } from '../../services/records.js'
import { Money } from '../common/money.type.js'

/** What transaction resolvers receive: the record and the account it belongs to (for `details`). */
export type TransactionParent = TransactionRecord & { readonly account: AccountRecord }

@ObjectType({ description: 'ISO 20022 bank transaction code (sent for professional accounts).' })
export class BankTransactionCode {
  @Field(() => String)
  domain!: string

  @Field(() => String)
  family!: string

  @Field(() => String)
  subFamily!: string

  @Field(() => String, { nullable: true })
  code?: string

  @Field(() => String, { nullable: true })
  issuer?: string
}

@ObjectType({ description: 'One entry of an account statement.' })
export class Transaction {
  @Field(() => ID, { description: "The bank's resourceId, else its entryReference, else a stable digest." })
  id!: string

  @Field(() => String, { nullable: true, description: 'Unique and immutable, the same before and after booking.' })
  entryReference?: string

  @Field(() => Money, { description: 'Positive as the bank sends it; the sign is creditDebitIndicator.' })
  amount!: Money

  @Field(() => String, { description: 'CRDT or DBIT.' })
  creditDebitIndicator!: string

  @Field(() => String, { description: "BOOK or OTHR at Caisse d'Epargne (STET also defines PDNG, FUTR, INFO, RJCT)." })
  status!: string

  @Field(() => String, { nullable: true })
  bookingDate?: string

  @Field(() => String, { nullable: true })
  valueDate?: string

  @Field(() => String, { nullable: true })
  transactionDate?: string

  @Field(() => [String])
  remittanceInformation!: readonly string[]

  @Field(() => BankTransactionCode, { nullable: true })
  bankTransactionCode?: BankTransactionCode
}
