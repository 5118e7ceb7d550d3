import type { GatewayContext } from '../context.js'
import { toMethodQuota } from './method-quota.mapping.js'
import type { MethodQuota } from './method-quota.type.js'
import type { QuotaMethod } from './quota-codes.enum.js'
import { QUOTA_METHODS } from './quota-codes.enum.js'

/**
 * The ledger's view of some methods of one account (or of the PSU when `iban` is absent), read once the operation's
 * own bank calls are done: a sibling field's reservation is counted (operation-activity.ts).
 */
export async function readQuotas(
  ctx: GatewayContext,
  target: { readonly bank: string; readonly iban?: string },
  methods: readonly QuotaMethod[],
): Promise<MethodQuota[]> {
  await ctx.loaders.activity.settled()
  return Promise.all(
    methods.map(async (method) =>
      toMethodQuota(
        method,
        await ctx.services.reader.quotaStatus(ctx.caller, {
          bank: target.bank,
          iban: target.iban,
          method: QUOTA_METHODS[method],
        }),
      ),
    ),
  )
}
