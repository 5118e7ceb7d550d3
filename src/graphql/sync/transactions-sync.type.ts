import { Field, ID, ObjectType } from 'type-graphql'
import { Transaction } from '../transaction/transaction.type.js'

@ObjectType({
  description:
    "An account's transaction changes since a cursor, from the gateway's journal of everything the bank answered (as Plaid's /transactions/sync). Apply `added`, `modified` and `removed`, keep `nextCursor`, and ask again while `hasMore`.",
})
export class TransactionsSync {
  @Field(() => [Transaction], {
    description: 'Entries new since the cursor, in their latest state (without a cursor: every entry).',
  })
  added!: Transaction[]

  @Field(() => [Transaction], {
    description: 'Entries seen before whose status, amount, dates or text changed (e.g. OTHR booked as BOOK).',
  })
  modified!: Transaction[]

  @Field(() => [ID], {
    description: 'Ids of pending entries the bank no longer lists (a payment that never settled).',
  })
  removed!: string[]

  @Field(() => String, {
    description:
      'Opaque; pass it as `cursor` next time. Valid for this account and PSU only, on any replica and after restarts.',
  })
  nextCursor!: string

  @Field(() => Boolean, { description: 'More changes follow: ask again with `nextCursor` at once.' })
  hasMore!: boolean
}
