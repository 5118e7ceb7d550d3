import { GraphQLDate } from 'graphql-scalars'
import { ArgsType, Field, Int } from 'type-graphql'

@ArgsType()
export class TransactionsArgs {
  @Field(() => GraphQLDate, {
    nullable: true,
    description: 'Paris calendar date, included (at most 61 days ago).',
  })
  from?: Date

  @Field(() => GraphQLDate, { nullable: true, description: 'Paris calendar date, excluded (as STET dateTo).' })
  to?: Date

  @Field(() => Int, { nullable: true, description: 'Page size, 1 to 500 (default 500).' })
  first?: number

  @Field(() => String, { nullable: true, description: 'The cursor after which the page starts (an `endCursor`).' })
  after?: string
}
