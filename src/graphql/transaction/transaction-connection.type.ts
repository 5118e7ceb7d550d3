import { Field, Int, ObjectType } from 'type-graphql'
import { Freshness } from '../common/freshness.type.js'
import { Transaction } from './transaction.type.js'

@ObjectType({ description: 'One transaction of a page, with its cursor.' })
export class TransactionEdge {
  @Field(() => String, { description: 'Opaque; pass it as `after` to read the page that follows this edge.' })
  cursor!: string

  @Field(() => Transaction, { description: 'The transaction.' })
  node!: Transaction
}

@ObjectType({ description: 'Where a page sits in the whole list (Relay cursor connections).' })
export class PageInfo {
  @Field(() => Boolean, { description: 'More transactions follow: ask again with `after: endCursor`.' })
  hasNextPage!: boolean

  @Field(() => Boolean, { description: 'Transactions come before this page (it was asked with `after`).' })
  hasPreviousPage!: boolean

  @Field(() => String, { nullable: true, description: 'The cursor of the first edge; null on an empty page.' })
  startCursor?: string

  @Field(() => String, { nullable: true, description: 'The cursor of the last edge; null on an empty page.' })
  endCursor?: string
}

@ObjectType({
  description:
    "A page of an account's transactions, newest first. The gateway reads the account's whole window from the bank once per operation and pages it itself.",
})
export class TransactionConnection {
  @Field(() => [TransactionEdge], { description: 'The transactions of this page, newest first.' })
  edges!: TransactionEdge[]

  @Field(() => PageInfo, { description: 'Whether pages follow, and the cursors to ask for them.' })
  pageInfo!: PageInfo

  @Field(() => Int, { description: 'Transactions matching from/to, all pages together.' })
  totalCount!: number

  @Field(() => Freshness, { description: 'How fresh the account’s transactions are (one read for every page).' })
  freshness!: Freshness
}
