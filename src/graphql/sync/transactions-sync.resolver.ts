import { Args, Ctx, Query, Resolver } from 'type-graphql'
import type { GatewayContext } from '../context.js'
import { toTransactionNode } from '../transaction/transaction.mapping.js'
import type { TransactionParent } from '../transaction/transaction.type.js'
import { TransactionsSyncArgs } from './transactions-sync.args.js'
import { TransactionsSync } from './transactions-sync.type.js'

/** Declares the schema and delegates (DESIGN step 3). */
@Resolver(() => TransactionsSync)
export class TransactionsSyncResolver {
  @Query(() => TransactionsSync, {
    description:
      "An account's transaction changes since `cursor` (added, modified, removed), from the gateway's journal: no bank call unless `refresh: true`. The journal grows with every read of the account's transactions (present, batch or refresh).",
  })
  async transactionsSync(
    @Args(() => TransactionsSyncArgs) args: TransactionsSyncArgs,
    @Ctx() ctx: GatewayContext,
  ): Promise<
    Omit<TransactionsSync, 'added' | 'modified'> & { added: TransactionParent[]; modified: TransactionParent[] }
  > {
    const result = await ctx.services.sync.sync(
      ctx.caller,
      {
        accountId: args.accountId,
        ...(args.cursor === undefined || args.cursor === null ? {} : { cursor: args.cursor }),
        ...(typeof args.first === 'number' ? { first: args.first } : {}),
        ...(args.refresh === true ? { refresh: true } : {}),
      },
      ctx.budget,
      (bank) => ctx.loaders.accounts.load(bank),
    )
    return {
      added: result.added.map((tx) => toTransactionNode(tx, result.account)),
      modified: result.modified.map((tx) => toTransactionNode(tx, result.account)),
      removed: [...result.removed],
      nextCursor: result.nextCursor,
      hasMore: result.hasMore,
    }
  }
}
