import { GraphQLDateTime } from 'graphql-scalars'
import { Field, Int, ObjectType } from 'type-graphql'
import { QuotaMethod, QuotaWindows } from './quota-codes.enum.js'

@ObjectType({
  description:
    'The unattended (PSU not present) budget of one STET method on one account or PSU: at most 4 calls per Paris calendar day and per rolling 24 hours. Read after the operation’s own bank calls: what this response spent is already counted.',
})
export class MethodQuota {
  @Field(() => QuotaMethod, { description: 'The STET method this budget is for.' })
  method!: QuotaMethod

  @Field(() => Int, { description: 'Unattended calls allowed per window (4 at Caisse d’Epargne; QUOTA_LIMITS).' })
  limit!: number

  @Field(() => Int, { description: 'Unattended calls spent in the tightest window, this operation’s included.' })
  used!: number

  @Field(() => Int, { description: 'Unattended calls left now (0 when exhausted).' })
  remaining!: number

  @Field(() => QuotaWindows, { description: 'The windows the limit is enforced over.' })
  windows!: QuotaWindows

  @Field(() => GraphQLDateTime, { description: 'Next Paris midnight: the calendar-day count resets (UTC).' })
  nextReset!: Date

  @Field(() => GraphQLDateTime, {
    nullable: true,
    description: 'When the next unattended call is allowed (UTC); null if now.',
  })
  nextAllowedAt?: Date

  @Field(() => GraphQLDateTime, {
    nullable: true,
    description: 'Set when the bank answered 429 or the store lost its counts: no call before then (UTC).',
  })
  exhaustedUntil?: Date
}
