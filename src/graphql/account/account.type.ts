import { Field, ObjectType } from 'type-graphql'
import type { Freshness as FreshnessRecord } from '../../services/bank-reader.js'
import type { AccountRecord } from '../../services/records.js'

/** What account resolvers receive: the mapped record and the freshness of the list it came from. */
export type AccountParent = AccountRecord & { readonly listFreshness: FreshnessRecord }

@ObjectType({ description: "A PSU's payment account at one bank." })
export class Account {
  @Field(() => String, { description: 'The bank code (e.g. "17515").' })
  bank!: string

  @Field(() => String)
  iban!: string

  @Field(() => String, { description: 'The holder name the bank shows.' })
  name!: string

  @Field(() => String)
  currency!: string

  @Field(() => String, { description: 'STET cashAccountType: CACC (current account) or CARD.' })
  cashAccountType!: string

  @Field(() => String, { nullable: true, description: 'PRIV (private) or ORGA (professional).' })
  usage?: string

  @Field(() => String, { nullable: true, description: 'The PSU\'s role, e.g. "Account Holder".' })
  psuStatus?: string

  @Field(() => String, { nullable: true })
  product?: string
}

@ObjectType({ description: 'What the consent in force grants on an account.' })
export class AccountGrants {
  @Field(() => Boolean)
  balances!: boolean

  @Field(() => Boolean)
  transactions!: boolean

  @Field(() => Boolean)
  overdrafts!: boolean
}
