import { Field, ObjectType } from 'type-graphql'
import { Freshness } from '../common/freshness.type.js'
import { Money } from '../common/money.type.js'

@ObjectType({ description: "A balance of an account. Caisse d'Epargne sends the accounting balance (CLBD)." })
export class Balance {
  @Field(() => String, { description: 'STET balanceType: CLBD, XPCD, VALU or OTHR.' })
  type!: string

  @Field(() => String)
  name!: string

  @Field(() => Money)
  amount!: Money

  @Field(() => String, { nullable: true })
  referenceDate?: string

  @Field(() => Freshness)
  freshness!: Freshness
}
