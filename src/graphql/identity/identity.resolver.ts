import { Arg, Ctx, Query, Resolver } from 'type-graphql'
import type { GatewayContext } from '../context.js'
import { toFreshness } from '../common/freshness.mapping.js'
import { MethodQuota } from '../quota/method-quota.type.js'
import { toMethodQuota } from '../quota/method-quota.mapping.js'
import { Identity } from './identity.type.js'

@Resolver(() => Identity)
export class IdentityResolver {
  @Query(() => Identity, { nullable: true, description: 'The connected PSU (needs the psuIdentity consent).' })
  async identity(
    @Arg('bank', () => String, { nullable: true }) bank: string | undefined,
    @Ctx() ctx: GatewayContext,
  ): Promise<Identity> {
    const fresh = await ctx.loaders.identity.load(ctx.services.accounts.bankFor(ctx.caller, bank))
    return { ...fresh.value, freshness: toFreshness(fresh.freshness) } as Identity
  }

  @Query(() => [MethodQuota], {
    nullable: true,
    description: 'The unattended budget of the PSU-level methods (accounts, identity).',
  })
  async quota(
    @Arg('bank', () => String, { nullable: true }) bank: string | undefined,
    @Ctx() ctx: GatewayContext,
  ): Promise<MethodQuota[]> {
    const chosen = ctx.services.accounts.bankFor(ctx.caller, bank)
    return Promise.all(
      (['accounts', 'identity'] as const).map(async (method) =>
        toMethodQuota(method, await ctx.services.reader.quotaStatus(ctx.caller, { bank: chosen, method })),
      ),
    )
  }
}
