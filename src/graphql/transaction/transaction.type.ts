import { GraphQLDate } from 'graphql-scalars'
import { Field, ID, ObjectType } from 'type-graphql'
import type { AccountRecord } from '../../services/records.js'
import { Money } from '../common/money.type.js'
import { CreditDebitIndicator, TransactionStatus } from './transaction-codes.enum.js'

@ObjectType({ description: 'ISO 20022 bank transaction code (sent for professional accounts).' })
export class BankTransactionCode {
  @Field(() => String, { description: 'ISO 20022 domain, e.g. "PMNT" (payments).' })
  domain!: string

  @Field(() => String, { description: 'ISO 20022 family, e.g. "RCDT" (received credit transfers).' })
  family!: string

  @Field(() => String, { description: 'ISO 20022 sub-family, e.g. "ESCT" (SEPA credit transfer).' })
  subFamily!: string

  @Field(() => String, { nullable: true, description: 'The bank’s own proprietary code, e.g. "05".' })
  code?: string

  @Field(() => String, { nullable: true, description: 'Who issued the proprietary code.' })
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

  @Field(() => CreditDebitIndicator, { description: 'Credit or debit; UNKNOWN when the bank sent another code.' })
  creditDebitIndicator!: CreditDebitIndicator

  @Field(() => String, { description: 'The credit/debit indicator exactly as the bank sent it (e.g. "DBIT").' })
  creditDebitIndicatorCode!: string

  @Field(() => TransactionStatus, { description: 'Where the entry stands; UNKNOWN when the bank sent another code.' })
  status!: TransactionStatus

  @Field(() => String, { description: 'The status exactly as the bank sent it (e.g. "BOOK").' })
  statusCode!: string

  @Field(() => GraphQLDate, {
    nullable: true,
    description: 'The Paris calendar day the entry was booked; null while it is not (status OTHR at the bank).',
  })
  bookingDate?: string

  @Field(() => GraphQLDate, { nullable: true, description: 'The Paris calendar day of the value date.' })
  valueDate?: string

  @Field(() => GraphQLDate, {
    nullable: true,
    description: 'The Paris calendar day the operation was made (e.g. the card payment).',
  })
  transactionDate?: string

  @Field(() => [String], { description: 'The free-text lines the bank gives (STET remittanceInformation).' })
  remittanceInformation!: readonly string[]

  @Field(() => BankTransactionCode, { nullable: true, description: 'The ISO 20022 code, for professional accounts.' })
  bankTransactionCode?: BankTransactionCode

  @Field(() => Boolean, {
    description:
      'Whether the bank has details for this entry. When false, `details` is null and costs nothing; when true, reading `details` unattended spends one call of the account’s DETAILS budget.',
  })
  hasDetails!: boolean
}

/** What transaction resolvers receive: the GraphQL fields plus what `details` needs to ask the bank. */
export interface TransactionParent extends Transaction {
  readonly resourceId: string | undefined
  readonly account: AccountRecord
}
