import { Arg, Ctx, Query, Resolver } from 'type-graphql'
import type { GatewayContext } from '../context.js'
import { toFreshness } from '../common/freshness.mapping.js'
import { MethodQuota } from '../quota/method-quota.type.js'
import { QuotaMethod } from '../quota/quota-codes.enum.js'
import { readQuotas } from '../quota/read-quotas.js'
import { toIdentity } from './identity.mapping.js'
import { Identity } from './identity.type.js'

const BANK_ARG = { nullable: true, description: '5-digit bank code, e.g. "17515" (default: the caller’s bank).' }

@Resolver(() => Identity)
export class IdentityResolver {
  @Query(() => Identity, {
    nullable: true,
    description:
      'The connected PSU (needs the psuIdentity consent; one IDENTITY call, or the cache; CONSENT_REQUIRED otherwise).',
  })
  async identity(
    @Arg('bank', () => String, BANK_ARG) bank: string | undefined,
    @Ctx() ctx: GatewayContext,
  ): Promise<Identity> {
    const fresh = await ctx.loaders.identity.load(ctx.services.accounts.bankFor(ctx.caller, bank))
    return toIdentity(fresh.value, toFreshness(fresh.freshness))
  }

  @Query(() => [MethodQuota], {
    nullable: true,
    description:
      'The unattended budget of the PSU-level methods (accounts, identity), read after this operation’s own bank calls.',
  })
  quota(
    @Arg('bank', () => String, BANK_ARG) bank: string | undefined,
    @Ctx() ctx: GatewayContext,
  ): Promise<MethodQuota[]> {
    const chosen = ctx.services.accounts.bankFor(ctx.caller, bank)
    return readQuotas(ctx, { bank: chosen }, [QuotaMethod.ACCOUNTS, QuotaMethod.IDENTITY])
  }
}
