import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql'
import { encodeAccountId } from '../../services/account-id.js'
import type { AisMethod } from '../../stet-api/wire.js'
import { pageTransactions, validatePageArgs } from '../../services/transaction-window.js'
import type { GatewayContext } from '../context.js'
import { Freshness } from '../common/freshness.type.js'
import { toFreshness } from '../common/freshness.mapping.js'
import { MethodQuota } from '../quota/method-quota.type.js'
import { toMethodQuota } from '../quota/method-quota.mapping.js'
import { TransactionConnection } from '../transaction/transaction-connection.type.js'
import { TransactionsArgs } from '../transaction/transactions.args.js'
import type { AccountParent } from './account.type.js'
import { Account, AccountGrants } from './account.type.js'
import { Balance } from './balance.type.js'
import { Overdraft } from './overdraft.type.js'

const ACCOUNT_METHODS: readonly AisMethod[] = ['balances', 'transactions', 'details', 'overdrafts']

/** Declares the schema and delegates: no bank, cache or quota logic here (DESIGN step 3). */
@Resolver(() => Account)
export class AccountResolver {
  @Query(() => [Account], { description: "The PSU's payment accounts at a bank (default: the caller's bank)." })
  async accounts(
    @Arg('bank', () => String, { nullable: true, description: '5-digit bank code, e.g. "17515".' })
    bank: string | undefined,
    @Ctx() ctx: GatewayContext,
  ): Promise<AccountParent[]> {
    const chosen = ctx.services.accounts.bankFor(ctx.caller, bank)
    const list = await ctx.loaders.accounts.load(chosen)
    return list.value.map((a) => ({ ...a, listFreshness: list.freshness }))
  }

  @Query(() => Account, { nullable: true, description: "One account by its id; NOT_FOUND when it is not the PSU's." })
  async account(@Arg('id', () => ID) id: string, @Ctx() ctx: GatewayContext): Promise<AccountParent> {
    const found = await ctx.services.accounts.byId(ctx.caller, id, (bank) => ctx.loaders.accounts.load(bank))
    return { ...found.value, listFreshness: found.freshness }
  }

  @FieldResolver(() => ID)
  id(@Root() account: AccountParent): string {
    return encodeAccountId(account.bank, account.iban)
  }

  @FieldResolver(() => AccountGrants, { description: 'What the consent in force grants on this account.' })
  grants(@Root() account: AccountParent): AccountGrants {
    return account.grants
  }

  @FieldResolver(() => Freshness, { description: 'Freshness of the account list this account came from.' })
  freshness(@Root() account: AccountParent): Freshness {
    return toFreshness(account.listFreshness)
  }

  @FieldResolver(() => [Balance], { nullable: true })
  async balances(@Root() account: AccountParent, @Ctx() ctx: GatewayContext): Promise<Balance[]> {
    const fresh = await ctx.loaders.balances.load(account)
    return fresh.value.map((b) => ({ ...b, freshness: toFreshness(fresh.freshness) }))
  }

  @FieldResolver(() => Overdraft, { nullable: true })
  async overdraft(@Root() account: AccountParent, @Ctx() ctx: GatewayContext): Promise<Overdraft> {
    const fresh = await ctx.loaders.overdrafts.load(account)
    return { ...fresh.value, freshness: toFreshness(fresh.freshness) }
  }

  @FieldResolver(() => TransactionConnection, { nullable: true })
  async transactions(
    @Root() account: AccountParent,
    @Args(() => TransactionsArgs) args: TransactionsArgs,
    @Ctx() ctx: GatewayContext,
  ): Promise<TransactionConnection> {
    validatePageArgs(args, ctx.services.reader.now())
    if (args.after != null) await ctx.services.data.checkCursor(ctx.caller, account, args.after)
    const fresh = await ctx.loaders.transactions.load(account)
    const page = pageTransactions(fresh.value, args)
    return {
      edges: page.nodes.map((node, i) => ({ cursor: page.cursors[i] ?? '', node: { ...node, account } })),
      pageInfo: {
        hasNextPage: page.hasNextPage,
        hasPreviousPage: page.hasPreviousPage,
        ...(page.cursors.length === 0 ? {} : { startCursor: page.cursors[0], endCursor: page.cursors.at(-1) }),
      },
      totalCount: page.totalCount,
      freshness: toFreshness(fresh.freshness),
    }
  }

  @FieldResolver(() => [MethodQuota], {
    nullable: true,
    description: 'The unattended budget of each per-account method.',
  })
  async quota(@Root() account: AccountParent, @Ctx() ctx: GatewayContext): Promise<MethodQuota[]> {
    return Promise.all(
      ACCOUNT_METHODS.map(async (method) =>
        toMethodQuota(
          method,
          await ctx.services.reader.quotaStatus(ctx.caller, { bank: account.bank, iban: account.iban, method }),
        ),
      ),
    )
  }
}
