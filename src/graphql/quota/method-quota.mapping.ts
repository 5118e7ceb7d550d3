import type { QuotaStatus } from '../../quota/quota-ledger.js'
import type { MethodQuota } from './method-quota.type.js'
import type { QuotaMethod } from './quota-codes.enum.js'
import { QUOTA_WINDOWS } from './quota-codes.enum.js'

export function toMethodQuota(method: QuotaMethod, s: QuotaStatus): MethodQuota {
  return {
    method,
    limit: s.limit,
    used: s.used,
    remaining: s.remaining,
    windows: QUOTA_WINDOWS[s.windows],
    nextReset: new Date(s.calendarDay.resetsAt),
    ...(s.nextAllowedAt === null ? {} : { nextAllowedAt: new Date(s.nextAllowedAt) }),
    ...(s.exhaustedUntil === null ? {} : { exhaustedUntil: new Date(s.exhaustedUntil) }),
  }
}
