import { ArgsType, Field, Int } from 'type-graphql'

@ArgsType()
export class TransactionsArgs {
  @Field(() => String, {
    nullable: true,
    description: 'Paris calendar date YYYY-MM-DD, included (at most 61 days ago).',
  })
  from?: string

  @Field(() => String, { nullable: true, description: 'Paris calendar date YYYY-MM-DD, excluded (as STET dateTo).' })
  to?: string

  @Field(() => Int, { nullable: true, description: 'Page size, 1 to 500 (default 500).' })
  first?: number

  @Field(() => String, { nullable: true, description: 'The cursor after which the page starts.' })
  after?: string
}
