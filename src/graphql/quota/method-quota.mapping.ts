import type { QuotaStatus } from '../../quota/quota-ledger.js'
import type { MethodQuota } from './method-quota.type.js'

export function toMethodQuota(method: string, s: QuotaStatus): MethodQuota {
  return {
    method,
    limit: s.limit,
    used: s.used,
    remaining: s.remaining,
    windows: s.windows,
    nextReset: new Date(s.calendarDay.resetsAt),
    ...(s.nextAllowedAt === null ? {} : { nextAllowedAt: new Date(s.nextAllowedAt) }),
    ...(s.exhaustedUntil === null ? {} : { exhaustedUntil: new Date(s.exhaustedUntil) }),
  }
}
