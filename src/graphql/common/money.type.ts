import { Field, ObjectType } from 'type-graphql'
import type { MoneyRecord } from '../../services/records.js'

@ObjectType({
  description: 'An amount of money. `amount` is an exact decimal string as the bank sent it, never a float.',
})
export class Money implements MoneyRecord {
  @Field(() => String, { description: 'Exact decimal, e.g. "-150.00".' })
  amount!: string

  @Field(() => String, { description: 'ISO 4217 currency code, e.g. "EUR".' })
  currency!: string
}
