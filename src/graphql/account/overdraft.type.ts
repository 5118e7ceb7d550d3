import { Field, ObjectType } from 'type-graphql'
import { Freshness } from '../common/freshness.type.js'
import { Money } from '../common/money.type.js'

@ObjectType({ description: 'The authorised overdraft of an account.' })
export class Overdraft {
  @Field(() => Money, { description: 'How far below zero the account may go ("0" when no overdraft is allowed).' })
  allowedAmount!: Money

  @Field(() => Freshness, { description: 'How fresh this overdraft is.' })
  freshness!: Freshness
}
