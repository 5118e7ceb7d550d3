import { Field, GraphQLISODateTime, ObjectType, registerEnumType } from 'type-graphql'

export enum FreshnessSource {
  BANK = 'BANK',
  CACHE = 'CACHE',
}
registerEnumType(FreshnessSource, {
  name: 'FreshnessSource',
  description: 'Where this operation got the value: from the bank now, or from the gateway cache.',
})

@ObjectType({ description: 'How fresh a bank-backed value is.' })
export class Freshness {
  @Field(() => GraphQLISODateTime, { description: 'When the bank produced the value.' })
  fetchedAt!: Date

  @Field(() => FreshnessSource)
  source!: FreshnessSource

  @Field(() => Boolean, { description: 'Whether the PSU was present (no daily limit) when the value was fetched.' })
  psuPresent!: boolean

  @Field(() => Boolean, {
    description: 'Served because the bank failed, the unattended quota is spent or the store is down: may be outdated.',
  })
  stale!: boolean
}
