import { Field, GraphQLISODateTime, Int, ObjectType } from 'type-graphql'

@ObjectType({
  description:
    'The unattended (PSU not present) budget of one STET method on one account or PSU: at most 4 calls per Paris calendar day and per rolling 24 hours.',
})
export class MethodQuota {
  @Field(() => String, { description: 'accounts, balances, transactions, details, overdrafts or identity.' })
  method!: string

  @Field(() => Int)
  limit!: number

  @Field(() => Int)
  used!: number

  @Field(() => Int)
  remaining!: number

  @Field(() => String, { description: 'both, calendar-day or rolling-24h.' })
  windows!: string

  @Field(() => GraphQLISODateTime, { description: 'Next Paris midnight: the calendar-day count resets.' })
  nextReset!: Date

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'When the next unattended call is allowed; null if now.',
  })
  nextAllowedAt?: Date

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'Set when the bank answered 429 or the store lost its counts.',
  })
  exhaustedUntil?: Date
}
