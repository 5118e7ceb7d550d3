/**
 * V1's schema: what a user would write first with Apollo + type-graphql. The same field names as the gateway (the
 * same query text runs on both) but every field resolver calls the bank itself: no DataLoader, no cache, no quota.
 * Aliases and repeated fields therefore repeat bank calls; that is the point of this baseline.
 */
import 'reflect-metadata'
import {
  Arg,
  Args,
  ArgsType,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Int,
  ObjectType,
  Query,
  Resolver,
  Root,
  buildSchema,
} from 'type-graphql'
import type { GraphQLSchema } from 'graphql'
import type {
  AccountResource,
  BalanceResource,
  HalEndUserIdentity,
  HalOverdrafts,
  TransactionResource,
} from '../src/stet-api/wire.js'
import { decodeAccountId, encodeAccountId } from '../src/services/account-id.js'
import { toStetDateParam, transactionWindowStart } from '../src/services/transaction-window.js'
import type { BankReads } from './bank-client.js'
import { ok } from './bank-client.js'

export interface V1Context {
  readonly bank: BankReads
  readonly psu: string
  readonly ip: string | undefined
}

@ObjectType('Money')
class MoneyV1 {
  @Field(() => String) amount!: string
  @Field(() => String) currency!: string
}

@ObjectType('Balance')
class BalanceV1 {
  @Field(() => String) type!: string
  @Field(() => String) name!: string
  @Field(() => MoneyV1) amount!: MoneyV1
}

@ObjectType('Overdraft')
class OverdraftV1 {
  @Field(() => MoneyV1) allowedAmount!: MoneyV1
}

@ObjectType('Transaction')
class TransactionV1 {
  @Field(() => ID) id!: string
  @Field(() => MoneyV1) amount!: MoneyV1
  @Field(() => String) creditDebitIndicator!: string
}

@ObjectType('TransactionEdge')
class TransactionEdgeV1 {
  @Field(() => TransactionV1) node!: TransactionV1
}

@ObjectType('TransactionConnection')
class TransactionConnectionV1 {
  @Field(() => Int) totalCount!: number
  @Field(() => [TransactionEdgeV1]) edges!: TransactionEdgeV1[]
}

@ObjectType('Identity')
class IdentityV1 {
  @Field(() => String) fullName!: string
}

@ObjectType('Account')
class AccountV1 {
  @Field(() => String) iban!: string
  @Field(() => String) name!: string
  resourceId!: string
  bank!: string
}

@ArgsType()
class TransactionsArgsV1 {
  @Field(() => Int, { nullable: true }) first?: number
}

const money = (a: { amount: string | number; currency: string }): MoneyV1 => ({
  amount: String(a.amount),
  currency: a.currency,
})

async function listAccounts(ctx: V1Context): Promise<AccountV1[]> {
  const body = ok(await ctx.bank.get(ctx.psu, '/accounts', ctx.ip), 'accounts') as { accounts: AccountResource[] }
  return body.accounts.map((a) => ({
    iban: a.accountId?.iban ?? '',
    name: a.name,
    resourceId: a.resourceId ?? '',
    bank: '17515',
  }))
}

@Resolver(() => AccountV1)
export class AccountResolverV1 {
  @Query(() => [AccountV1])
  accounts(@Ctx() ctx: V1Context): Promise<AccountV1[]> {
    return listAccounts(ctx)
  }

  @Query(() => AccountV1, { nullable: true })
  async account(@Arg('id', () => ID) id: string, @Ctx() ctx: V1Context): Promise<AccountV1 | undefined> {
    const iban = decodeAccountId(id)?.iban
    return (await listAccounts(ctx)).find((a) => a.iban === iban)
  }

  @Query(() => IdentityV1, { nullable: true })
  async identity(@Ctx() ctx: V1Context): Promise<IdentityV1> {
    const body = ok(await ctx.bank.get(ctx.psu, '/end-user-identity', ctx.ip), 'identity') as HalEndUserIdentity
    return { fullName: body.identity.fullName }
  }

  @FieldResolver(() => ID)
  id(@Root() account: AccountV1): string {
    return encodeAccountId(account.bank, account.iban)
  }

  @FieldResolver(() => [BalanceV1], { nullable: true })
  async balances(@Root() account: AccountV1, @Ctx() ctx: V1Context): Promise<BalanceV1[]> {
    const body = ok(await ctx.bank.get(ctx.psu, `/accounts/${account.resourceId}/balances`, ctx.ip), 'balances') as {
      balances: BalanceResource[]
    }
    return body.balances.map((b) => ({ type: b.balanceType, name: b.name, amount: money(b.balanceAmount) }))
  }

  @FieldResolver(() => OverdraftV1, { nullable: true })
  async overdraft(@Root() account: AccountV1, @Ctx() ctx: V1Context): Promise<OverdraftV1> {
    const body = ok(
      await ctx.bank.get(ctx.psu, `/accounts/${account.resourceId}/overdrafts`, ctx.ip),
      'overdrafts',
    ) as HalOverdrafts
    return { allowedAmount: money(body.overdrafts.allowedAmount) }
  }

  @FieldResolver(() => TransactionConnectionV1, { nullable: true })
  async transactions(
    @Root() account: AccountV1,
    @Args(() => TransactionsArgsV1) args: TransactionsArgsV1,
    @Ctx() ctx: V1Context,
  ): Promise<TransactionConnectionV1> {
    const dateFrom = encodeURIComponent(toStetDateParam(transactionWindowStart(Date.now()))).replace(/%3A/gi, ':')
    const answer = await ctx.bank.get(
      ctx.psu,
      `/accounts/${account.resourceId}/transactions?dateFrom=${dateFrom}`,
      ctx.ip,
    )
    const all =
      answer.status === 204 ? [] : (ok(answer, 'transactions') as { transactions: TransactionResource[] }).transactions
    return {
      totalCount: all.length,
      edges: all.slice(0, args.first ?? 500).map((t) => ({
        node: {
          id: t.resourceId ?? t.entryReference ?? '',
          amount: money(t.transactionAmount),
          creditDebitIndicator: t.creditDebitIndicator,
        },
      })),
    }
  }
}

export function buildV1Schema(): Promise<GraphQLSchema> {
  return buildSchema({ resolvers: [AccountResolverV1], validate: false })
}
