import { GraphQLJSON } from 'graphql-scalars'
import { Field, ObjectType } from 'type-graphql'
import { Freshness } from '../common/freshness.type.js'
import { MethodQuota } from '../quota/method-quota.type.js'

@ObjectType({
  description:
    'The bank’s details of one transaction (STET 1.6 /details), with what reading them cost. Unattended, each transaction’s details take one call of the account’s DETAILS budget: 4 per Paris day for ALL the account’s transactions together, then they are served from the cache.',
})
export class TransactionDetails {
  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'The details as the bank sent them, links removed (no published schema: passed as JSON).',
  })
  content!: unknown

  @Field(() => Freshness, {
    description: 'Where the details came from: source BANK with psuPresent false means this read spent one call.',
  })
  freshness!: Freshness

  @Field(() => MethodQuota, {
    description:
      'The account’s DETAILS budget after this operation’s calls: what the next transaction’s details can use.',
  })
  quota!: MethodQuota
}
