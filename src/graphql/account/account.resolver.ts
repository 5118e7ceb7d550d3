import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql'
import { encodeAccountId } from '../../services/account-id.js'
import { pageTransactions, validatePageArgs } from '../../services/transaction-window.js'
import type { GatewayContext } from '../context.js'
import { Freshness } from '../common/freshness.type.js'
import { toFreshness } from '../common/freshness.mapping.js'
import { MethodQuota } from '../quota/method-quota.type.js'
import { QuotaMethod } from '../quota/quota-codes.enum.js'
import { readQuotas } from '../quota/read-quotas.js'
import { TransactionConnection } from '../transaction/transaction-connection.type.js'
import { toTransactionNode } from '../transaction/transaction.mapping.js'
import { toPageArgs } from '../transaction/transaction-page-args.js'
import { TransactionsArgs } from '../transaction/transactions.args.js'
import { AccountUsage, CashAccountType } from './account-codes.enum.js'
import { toAccountUsage, toCashAccountType } from './account.mapping.js'
import type { AccountParent } from './account.type.js'
import { Account, AccountGrants } from './account.type.js'
import { toBalance } from './balance.mapping.js'
import { Balance } from './balance.type.js'
import { Overdraft } from './overdraft.type.js'

const ACCOUNT_METHODS: readonly QuotaMethod[] = [
  QuotaMethod.BALANCES,
  QuotaMethod.TRANSACTIONS,
  QuotaMethod.DETAILS,
  QuotaMethod.OVERDRAFTS,
]

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
  async account(
    @Arg('id', () => ID, { description: 'An `Account.id` from `accounts`.' }) id: string,
    @Ctx() ctx: GatewayContext,
  ): Promise<AccountParent> {
    const found = await ctx.services.accounts.byId(ctx.caller, id, (bank) => ctx.loaders.accounts.load(bank))
    return { ...found.value, listFreshness: found.freshness }
  }

  @FieldResolver(() => ID, { description: 'Stable opaque id of the account (bank and IBAN), for `account(id:)`.' })
  id(@Root() account: AccountParent): string {
    return encodeAccountId(account.bank, account.iban)
  }

  @FieldResolver(() => CashAccountType, { description: 'The kind of account; UNKNOWN for a code outside STET’s.' })
  cashAccountType(@Root() account: AccountParent): CashAccountType {
    return toCashAccountType(account.cashAccountType)
  }

  @FieldResolver(() => String, { description: 'The cash account type exactly as the bank sent it (e.g. "CACC").' })
  cashAccountTypeCode(@Root() account: AccountParent): string {
    return account.cashAccountType
  }

  @FieldResolver(() => AccountUsage, {
    nullable: true,
    description: 'Private or professional; null when the bank does not say, UNKNOWN for a code outside STET’s.',
  })
  usage(@Root() account: AccountParent): AccountUsage | null {
    return toAccountUsage(account.usage)
  }

  @FieldResolver(() => String, { nullable: true, description: 'The usage exactly as the bank sent it (e.g. "PRIV").' })
  usageCode(@Root() account: AccountParent): string | null {
    return account.usage ?? null
  }

  @FieldResolver(() => AccountGrants, { description: 'What the consent in force grants on this account.' })
  grants(@Root() account: AccountParent): AccountGrants {
    return account.grants
  }

  @FieldResolver(() => Freshness, { description: 'Freshness of the account list this account came from.' })
  freshness(@Root() account: AccountParent): Freshness {
    return toFreshness(account.listFreshness)
  }

  @FieldResolver(() => [Balance], {
    nullable: true,
    description: 'The account’s balances (one BALANCES call, or the cache; CONSENT_REQUIRED when not granted).',
  })
  async balances(@Root() account: AccountParent, @Ctx() ctx: GatewayContext): Promise<Balance[]> {
    const fresh = await ctx.loaders.balances.load(account)
    const freshness = toFreshness(fresh.freshness)
    return fresh.value.map((b) => toBalance(b, freshness))
  }

  @FieldResolver(() => Overdraft, {
    nullable: true,
    description: 'The authorised overdraft (one OVERDRAFTS call, or the cache; CONSENT_REQUIRED when not granted).',
  })
  async overdraft(@Root() account: AccountParent, @Ctx() ctx: GatewayContext): Promise<Overdraft> {
    const fresh = await ctx.loaders.overdrafts.load(account)
    return { ...fresh.value, freshness: toFreshness(fresh.freshness) }
  }

  @FieldResolver(() => TransactionConnection, {
    nullable: true,
    description:
      'The account’s transactions, newest first, filtered and paged by the gateway: any number of these fields costs one TRANSACTIONS call per operation (or the cache).',
  })
  async transactions(
    @Root() account: AccountParent,
    @Args(() => TransactionsArgs) args: TransactionsArgs,
    @Ctx() ctx: GatewayContext,
  ): Promise<TransactionConnection> {
    const pageArgs = toPageArgs(args)
    validatePageArgs(pageArgs, ctx.services.reader.now())
    if (pageArgs.after !== undefined) await ctx.services.data.checkCursor(ctx.caller, account, pageArgs.after)
    const fresh = await ctx.loaders.transactions.load(account)
    const page = pageTransactions(fresh.value, pageArgs)
    return {
      edges: page.nodes.map((node, i) => ({ cursor: page.cursors[i] ?? '', node: toTransactionNode(node, account) })),
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
    description:
      'The unattended budget of each per-account method, read after this operation’s own bank calls (they are counted).',
  })
  quota(@Root() account: AccountParent, @Ctx() ctx: GatewayContext): Promise<MethodQuota[]> {
    return readQuotas(ctx, account, ACCOUNT_METHODS)
  }
}
