import { GraphQLDate, GraphQLDateTime } from 'graphql-scalars'
import { Field, ObjectType } from 'type-graphql'
import { Freshness } from '../common/freshness.type.js'
import { Money } from '../common/money.type.js'
import { BalanceType } from './balance-type.enum.js'

@ObjectType({ description: "A balance of an account. Caisse d'Epargne sends the accounting balance (CLBD)." })
export class Balance {
  @Field(() => BalanceType, { description: 'The kind of balance; UNKNOWN when the bank sent a code outside STET’s.' })
  type!: BalanceType

  @Field(() => String, { description: 'The balance type exactly as the bank sent it (e.g. "CLBD").' })
  typeCode!: string

  @Field(() => String, { description: 'The bank’s label, e.g. "Solde comptable au 28/09/2018".' })
  name!: string

  @Field(() => Money, { description: 'The balance, signed: negative when the account is overdrawn.' })
  amount!: Money

  @Field(() => GraphQLDate, {
    nullable: true,
    description: 'The Paris calendar day the balance refers to, when the bank says (Caisse d’Epargne does not).',
  })
  referenceDate?: string

  @Field(() => GraphQLDateTime, {
    nullable: true,
    description: 'When the balance last changed, when the bank says (STET lastChangeDateTime), in UTC.',
  })
  lastChangeDateTime?: Date

  @Field(() => Freshness, { description: 'How fresh this balance is.' })
  freshness!: Freshness
}
