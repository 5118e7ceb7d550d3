/**
 * One place that turns what a store holds for a key (grant times, exhaustion, loss) into the numbers both ledgers
 * report, so that the embedded and the Redis ledger cannot drift apart in what they tell the services.
 */
import type { QuotaStatus, QuotaWindows, ReserveOutcome } from './quota-ledger.js'
import { evaluateWindows } from './windows.js'

export interface KeySnapshot {
  key: string
  limit: number
  windows: QuotaWindows
  /** Grant times held for the key after the decision. */
  grants: readonly number[]
  now: number
  exhaustedUntil: number | null
  lostUntil: number | null
}

export function describeQuota(snapshot: KeySnapshot): QuotaStatus {
  const { now } = snapshot
  const state = evaluateWindows(snapshot.grants, now, snapshot.limit, snapshot.windows)
  const blocks = [snapshot.exhaustedUntil, snapshot.lostUntil].filter((at): at is number => at !== null && at > now)
  const exhaustedUntil = blocks.length > 0 ? Math.max(...blocks) : null
  const nextAllowedAt = Math.max(state.freeAt, exhaustedUntil ?? now)
  return {
    key: snapshot.key,
    limit: snapshot.limit,
    used: state.used,
    remaining: exhaustedUntil === null ? state.remaining : 0,
    windows: snapshot.windows,
    calendarDay: { used: state.calendarUsed, resetsAt: state.calendarResetsAt },
    rolling24h: { used: state.rollingUsed, nextFreeAt: state.rollingNextFreeAt },
    exhaustedUntil,
    nextAllowedAt: nextAllowedAt > now ? nextAllowedAt : null,
  }
}

export type RefusalReason = Extract<ReserveOutcome, { kind: 'refused' }>['reason']

/** A refusal as the services see it; `nextAllowedAt` is never in the past. */
export function describeRefusal(snapshot: KeySnapshot, reason: RefusalReason): ReserveOutcome {
  const status = describeQuota(snapshot)
  return { kind: 'refused', reason, used: status.used, nextAllowedAt: status.nextAllowedAt ?? snapshot.now }
}
