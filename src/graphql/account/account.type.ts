import { Field, ObjectType } from 'type-graphql'
import type { Freshness as FreshnessRecord } from '../../services/bank-reader.js'
import type { AccountRecord } from '../../services/records.js'

/** What account resolvers receive: the mapped record and the freshness of the list it came from. */
export type AccountParent = AccountRecord & { readonly listFreshness: FreshnessRecord }

/** The plain fields; the enums, codes and bank-backed fields are the resolver's (account.resolver.ts). */
@ObjectType({ description: "A PSU's payment account at one bank." })
export class Account {
  @Field(() => String, { description: 'The bank code (e.g. "17515" for Caisse d’Epargne Ile-de-France).' })
  bank!: string

  @Field(() => String, { description: 'The account’s IBAN (BPCE lists payment accounts by IBAN only).' })
  iban!: string

  @Field(() => String, { description: 'The account name the bank shows (STET name, at most 70 characters).' })
  name!: string

  @Field(() => String, { description: 'ISO 4217 currency code of the account (EUR at Caisse d’Epargne).' })
  currency!: string

  @Field(() => String, {
    nullable: true,
    description: 'The PSU’s role on the account as the bank words it, e.g. "Account Holder" (free text in STET).',
  })
  psuStatus?: string

  @Field(() => String, { nullable: true, description: 'The bank’s product name for the account, when it sends one.' })
  product?: string
}

@ObjectType({ description: 'What the consent in force grants on an account (read from the bank’s account links).' })
export class AccountGrants {
  @Field(() => Boolean, { description: 'Balances may be read.' })
  balances!: boolean

  @Field(() => Boolean, { description: 'Transactions (and their details) may be read.' })
  transactions!: boolean

  @Field(() => Boolean, { description: 'The overdraft may be read.' })
  overdrafts!: boolean
}
