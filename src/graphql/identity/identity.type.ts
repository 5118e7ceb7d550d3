import { Field, ObjectType } from 'type-graphql'
import { Freshness } from '../common/freshness.type.js'
import { NamePrefix } from './name-prefix.enum.js'

@ObjectType({ description: 'The connected PSU as the bank knows them (needs the psuIdentity consent).' })
export class Identity {
  @Field(() => String, { description: 'Last name and first name, as the bank writes them.' })
  fullName!: string

  @Field(() => NamePrefix, {
    nullable: true,
    description: 'How the PSU is addressed; null when the bank does not say, UNKNOWN for a code outside STET’s.',
  })
  namePrefix?: NamePrefix

  @Field(() => String, { nullable: true, description: 'The name prefix exactly as the bank sent it (e.g. "MIST").' })
  namePrefixCode?: string

  @Field(() => String, { nullable: true, description: 'First name.' })
  firstName?: string

  @Field(() => String, { nullable: true, description: 'Last name.' })
  lastName?: string

  @Field(() => Freshness, { description: 'How fresh this identity is.' })
  freshness!: Freshness
}
