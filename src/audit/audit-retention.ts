/**
 * Keeps the trail within AUDIT_RETENTION_DAYS: whole days are dropped once they ended more than that long ago, at
 * start and then hourly (a day ends once a day; an hour's lag on a 400-day period is nothing). On the injected clock,
 * so that a test can move past the period.
 */
import type { Clock } from '../clock.js'
import type { AuditLog } from './audit-log.js'

const DAY_MS = 86_400_000
const EVERY_MS = 3_600_000

export async function startAuditRetention(
  log: AuditLog,
  options: { retentionDays: number; clock: Clock; onError: (error: unknown) => void },
): Promise<() => void> {
  const prune = (): Promise<number> => log.pruneBefore(options.clock() - options.retentionDays * DAY_MS)
  await prune().catch(options.onError)
  const timer = setInterval(() => void prune().catch(options.onError), EVERY_MS)
  timer.unref()
  return () => clearInterval(timer)
}
