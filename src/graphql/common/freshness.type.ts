import { GraphQLDateTime } from 'graphql-scalars'
import { Field, ObjectType, registerEnumType } from 'type-graphql'

export enum FreshnessSource {
  BANK = 'BANK',
  CACHE = 'CACHE',
}
registerEnumType(FreshnessSource, {
  name: 'FreshnessSource',
  description: 'Where this operation got the value: from the bank now, or from the gateway cache.',
  valuesConfig: {
    BANK: { description: 'Read from the bank during this operation.' },
    CACHE: { description: 'Served from the gateway cache: no bank call, no quota spent.' },
  },
})

@ObjectType({ description: 'How fresh a bank-backed value is.' })
export class Freshness {
  @Field(() => GraphQLDateTime, { description: 'When the bank produced the value (UTC).' })
  fetchedAt!: Date

  @Field(() => FreshnessSource, { description: 'Whether the value came from the bank now or from the cache.' })
  source!: FreshnessSource

  @Field(() => Boolean, { description: 'Whether the PSU was present (no daily limit) when the value was fetched.' })
  psuPresent!: boolean

  @Field(() => Boolean, {
    description: 'Served because the bank failed, the unattended quota is spent or the store is down: may be outdated.',
  })
  stale!: boolean
}
