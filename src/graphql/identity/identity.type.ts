import { Field, ObjectType } from 'type-graphql'
import { Freshness } from '../common/freshness.type.js'

@ObjectType({ description: 'The connected PSU as the bank knows them (needs the psuIdentity consent).' })
export class Identity {
  @Field(() => String)
  fullName!: string

  @Field(() => String, { nullable: true, description: 'DOCT, MADM, MISS or MIST.' })
  namePrefix?: string

  @Field(() => String, { nullable: true })
  firstName?: string

  @Field(() => String, { nullable: true })
  lastName?: string

  @Field(() => Freshness)
  freshness!: Freshness
}
