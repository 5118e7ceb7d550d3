/**
 * The partner-sync settings (issue 17): the refresh scheduler and the webhooks. Read with the rest of the config
 * (config.ts), every problem reported with the others.
 */
import { envReaders, type Env } from './env-readers.js'

export interface SyncConfig {
  readonly refresh: {
    /** Paris times of day (`HH:MM`, sorted); empty = the scheduler is off. */
    readonly schedule: readonly string[]
    /** Unattended calls per quota key and day the scheduler leaves for on-demand reads. */
    readonly reserve: number
    /** A value a present PSU's read fetched less than this long ago is not refreshed. */
    readonly presentRecentMs: number
    /** How long after its time a slot may still run (a replica that was starting, a tick that came late). */
    readonly slotGraceMs: number
    /** How often the scheduler looks at the clock. */
    readonly tickMs: number
  }
  readonly webhooks: {
    /** Sandbox default: http and private/loopback/link-local receivers allowed. Never live. */
    readonly allowInsecureUrls: boolean
    readonly signingKeyFile: string | undefined
    readonly timeoutMs: number
    readonly maxAttempts: number
    readonly retryBaseMs: number
    readonly retryMaxMs: number
    readonly pollMs: number
    readonly maxPerConnection: number
  }
}

/** Four refreshes a day with one call kept: 06:00, 11:00, 16:00 and 21:00 in Paris (sandbox mode's default). */
export const DEFAULT_SANDBOX_SCHEDULE = ['06:00', '11:00', '16:00', '21:00']

export function loadSyncConfig(env: Env, environment: 'sandbox' | 'live', problems: string[]): SyncConfig {
  const { opt, int, bool } = envReaders(env, problems)
  const rawSchedule = opt('REFRESH_SCHEDULE')
  let schedule: string[] = environment === 'sandbox' ? DEFAULT_SANDBOX_SCHEDULE : []
  if (rawSchedule !== undefined) {
    const parts = rawSchedule
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
    if (parts.length === 1 && parts[0] === 'off') schedule = []
    else if (parts.every((p) => /^([01]\d|2[0-3]):[0-5]\d$/.test(p))) schedule = [...new Set(parts)].sort()
    else
      problems.push(
        `REFRESH_SCHEDULE must be Paris times like "06:00,11:00,16:00,21:00", or off (got "${rawSchedule}")`,
      )
  }
  const allowInsecureUrls = bool('WEBHOOK_ALLOW_INSECURE_URLS', environment === 'sandbox')
  if (allowInsecureUrls && environment === 'live') {
    problems.push(
      'WEBHOOK_ALLOW_INSECURE_URLS cannot be true when STET_ENVIRONMENT=live (https to public addresses only)',
    )
  }
  return {
    refresh: {
      schedule,
      reserve: int('REFRESH_RESERVE', 1, 0, 4),
      presentRecentMs: int('REFRESH_PRESENT_RECENT_MS', 3600_000, 0),
      slotGraceMs: int('REFRESH_SLOT_GRACE_MS', 30 * 60_000, 1000),
      tickMs: int('REFRESH_TICK_MS', 30_000, 10),
    },
    webhooks: {
      allowInsecureUrls,
      signingKeyFile: opt('WEBHOOK_SIGNING_KEY_FILE'),
      timeoutMs: int('WEBHOOK_TIMEOUT_MS', 10_000, 10, 120_000),
      maxAttempts: int('WEBHOOK_MAX_ATTEMPTS', 12, 1, 100),
      retryBaseMs: int('WEBHOOK_RETRY_BASE_MS', 5_000, 1),
      retryMaxMs: int('WEBHOOK_RETRY_MAX_MS', 3600_000, 1),
      pollMs: int('WEBHOOK_POLL_MS', 1_000, 10),
      maxPerConnection: int('WEBHOOK_MAX_PER_CONNECTION', 10, 1, 100),
    },
  }
}
