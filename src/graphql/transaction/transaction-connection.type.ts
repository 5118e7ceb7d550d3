import { Field, Int, ObjectType } from 'type-graphql'
import { Freshness } from '../common/freshness.type.js'
import { Transaction } from './transaction.type.js'

@ObjectType()
export class TransactionEdge {
  @Field(() => String)
  cursor!: string

  @Field(() => Transaction)
  node!: Transaction
}

@ObjectType()
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean

  @Field(() => Boolean)
  hasPreviousPage!: boolean

  @Field(() => String, { nullable: true })
  startCursor?: string

  @Field(() => String, { nullable: true })
  endCursor?: string
}

@ObjectType({
  description:
    "A page of an account's transactions, newest first. The gateway reads the account's whole window from the bank once per operation and pages it itself.",
})
export class TransactionConnection {
  @Field(() => [TransactionEdge])
  edges!: TransactionEdge[]

  @Field(() => PageInfo)
  pageInfo!: PageInfo

  @Field(() => Int, { description: 'Transactions matching from/to, all pages together.' })
  totalCount!: number

  @Field(() => Freshness)
  freshness!: Freshness
}
