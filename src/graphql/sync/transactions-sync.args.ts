import { ArgsType, Field, ID, Int } from 'type-graphql'

@ArgsType()
export class TransactionsSyncArgs {
  @Field(() => ID, { description: 'An `Account.id` from `accounts`.' })
  accountId!: string

  @Field(() => String, {
    nullable: true,
    description: 'A `nextCursor` from an earlier answer; absent: from the start of the journal.',
  })
  cursor?: string

  @Field(() => Int, { nullable: true, description: 'How many changes at most, 1 to 500 (default 100).' })
  first?: number

  @Field(() => Boolean, {
    nullable: true,
    description:
      'Read the bank first (COST: without the PSU, ONE unattended TRANSACTIONS call, reported in `extensions.unattendedBankCalls`). Default false: the journal only, no bank call.',
  })
  refresh?: boolean
}
