import { Field, ObjectType } from 'type-graphql'
import { Freshness } from '../common/freshness.type.js'
import { Money } from '../common/money.type.js'

@ObjectType({ description: 'The authorised overdraft of an account.' })
export class Overdraft {
  @Field(() => Money)
  allowedAmount!: Money

  @Field(() => Freshness)
  freshness!: Freshness
}
