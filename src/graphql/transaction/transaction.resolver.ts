import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql'
import type { GatewayContext } from '../context.js'
import { toFreshness } from '../common/freshness.mapping.js'
import { Money } from '../common/money.type.js'
import { QuotaMethod } from '../quota/quota-codes.enum.js'
import { readQuotas } from '../quota/read-quotas.js'
import { CreditDebitIndicator } from './transaction-codes.enum.js'
import { TransactionDetails } from './transaction-details.type.js'
import type { TransactionParent } from './transaction.type.js'
import { Transaction } from './transaction.type.js'

@Resolver(() => Transaction)
export class TransactionResolver {
  @FieldResolver(() => Money, {
    nullable: true,
    description: 'The amount with its sign: negative for a debit; null when the indicator is UNKNOWN.',
  })
  signedAmount(@Root() tx: TransactionParent): Money | null {
    const { amount, currency } = tx.amount
    if (tx.creditDebitIndicator === CreditDebitIndicator.UNKNOWN) return null
    const negative = tx.creditDebitIndicator === CreditDebitIndicator.DBIT && !amount.startsWith('-')
    return { amount: negative ? `-${amount}` : amount, currency }
  }

  @FieldResolver(() => TransactionDetails, {
    nullable: true,
    description:
      'The bank’s details of this transaction; null when it has none (`hasDetails` false: no cost). COST: read without the PSU, each transaction’s details take ONE unattended call from the account’s DETAILS budget, 4 per Paris day shared by all its transactions (then cached). Ask for one transaction at a time, not for a page; the result’s `quota` says what is left, and past it the field fails with QUOTA_EXHAUSTED.',
  })
  async details(@Root() tx: TransactionParent, @Ctx() ctx: GatewayContext): Promise<TransactionDetails | null> {
    if (!tx.hasDetails || tx.resourceId === undefined) return null
    const fresh = await ctx.loaders.details.load({ account: tx.account, transactionId: tx.resourceId })
    const [quota] = await readQuotas(ctx, tx.account, [QuotaMethod.DETAILS])
    if (quota === undefined) throw new Error('readQuotas returns one status per method asked')
    return { content: fresh.value, freshness: toFreshness(fresh.freshness), quota }
  }
}
