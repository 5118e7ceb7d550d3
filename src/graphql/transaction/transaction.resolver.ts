import { GraphQLJSON } from 'graphql-scalars'
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql'
import type { GatewayContext } from '../context.js'
import { Money } from '../common/money.type.js'
import type { TransactionParent } from './transaction.type.js'
import { Transaction } from './transaction.type.js'

@Resolver(() => Transaction)
export class TransactionResolver {
  @FieldResolver(() => Money, { description: 'The amount with its sign: negative for a debit.' })
  signedAmount(@Root() tx: TransactionParent): Money {
    const { amount, currency } = tx.amount
    const negative = tx.creditDebitIndicator === 'DBIT' && !amount.startsWith('-')
    return { amount: negative ? `-${amount}` : amount, currency }
  }

  @FieldResolver(() => GraphQLJSON, {
    nullable: true,
    description:
      "The bank's details of this transaction, where it has some (STET 1.6 /details; shape not published, passed as JSON). One unattended call per account and method counts against the daily limit.",
  })
  async details(@Root() tx: TransactionParent, @Ctx() ctx: GatewayContext): Promise<unknown> {
    if (!tx.hasDetails || tx.resourceId === undefined) return null
    const fresh = await ctx.loaders.details.load({ account: tx.account, transactionId: tx.resourceId })
    return fresh.value
  }
}
