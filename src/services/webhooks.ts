/**
 * Partners' webhooks (issue 17): one registration per URL and PSU connection (the caller's PSU at one bank), the
 * events it wants, and the sink that turns each sync event into one signed delivery per subscribed webhook through
 * the durable outbox (webhooks/). The payload, the same for every event:
 *
 *   { "id": "<idempotency id>", "type": "BALANCES_UPDATED", "createdAt": "<RFC 3339>", "webhookId": "…",
 *     "bank": "17515", "psuId": "…", "data": { … the event's fields … } }
 *
 * `webhookId` binds a body to its subscription: replayed to another endpoint, it names the wrong one.
 */
import { randomUUID } from 'node:crypto'
import type { Caller } from '../auth/caller.js'
import type { Clock } from '../clock.js'
import type { Logger } from '../observability/logger.js'
import type { Delivery, WebhookRecord, WebhookStore } from '../webhooks/webhook-store.js'
import { checkUrl, WebhookUrlRefusedError, type Resolve, type WebhookUrlPolicy } from '../webhooks/webhook-url.js'
import type { AccountsService } from './accounts-service.js'
import { BadInputError } from './read-errors.js'
import type { SyncEvent, SyncEventSink, SyncEventType } from './sync-events.js'
import { GatewayError } from '../errors.js'

/** What the GraphQL layer maps (it does not reach webhooks/ itself). */
export type RegisteredWebhook = WebhookRecord
export type DeadLetter = Delivery

export const SYNC_EVENT_TYPES: readonly SyncEventType[] = [
  'TRANSACTIONS_UPDATED',
  'BALANCES_UPDATED',
  'CONSENT_EXPIRING',
  'REAUTHORIZATION_REQUIRED',
  'QUOTA_EXHAUSTED',
]

export interface WebhooksDeps {
  readonly store: WebhookStore
  readonly accounts: AccountsService
  readonly urls: WebhookUrlPolicy
  readonly clock: Clock
  /** Epoch ms for the outbox (retries are timed on it): the wall clock, whatever `clock` is. */
  readonly wallClock: Clock
  readonly maxPerConnection: number
  /** Starts a delivery pass in this process after an enqueue. */
  readonly onEnqueued: () => void
  readonly logger: Logger
  readonly resolve?: Resolve
}

export class WebhookNotFoundError extends GatewayError {
  readonly code = 'NOT_FOUND'
  constructor() {
    super('no such webhook for this PSU')
  }
}

export class Webhooks implements SyncEventSink {
  readonly #deps: WebhooksDeps

  constructor(deps: WebhooksDeps) {
    this.#deps = deps
  }

  async register(
    caller: Caller,
    bankArg: string | undefined,
    url: string,
    events: readonly SyncEventType[],
  ): Promise<WebhookRecord> {
    const bank = this.#deps.accounts.bankFor(caller, bankArg)
    if (events.length === 0) throw new BadInputError('events must name at least one event')
    let checked: URL
    try {
      checked = await checkUrl(url, this.#deps.urls, this.#deps.resolve)
    } catch (error) {
      if (error instanceof WebhookUrlRefusedError) throw new BadInputError(error.message)
      throw error
    }
    const record: WebhookRecord = {
      id: randomUUID(),
      bank,
      psuId: caller.psuId,
      url: checked.href,
      events: [...new Set(events)],
      createdAt: this.#deps.clock(),
    }
    if (!(await this.#deps.store.register(record, this.#deps.maxPerConnection))) {
      throw new BadInputError(`a connection has at most ${this.#deps.maxPerConnection} webhooks`)
    }
    return record
  }

  /** NOT_FOUND for an id that is not one of the caller's (whoever else's it is). */
  async unregister(caller: Caller, id: string): Promise<void> {
    await this.own(caller, id)
    await this.#deps.store.unregister(id)
  }

  async list(caller: Caller): Promise<WebhookRecord[]> {
    const lists = await Promise.all(
      [...new Set(caller.banks)].map((bank) => this.#deps.store.forConnection(bank, caller.psuId)),
    )
    return lists.flat()
  }

  async own(caller: Caller, id: string): Promise<WebhookRecord> {
    const record = await this.#deps.store.get(id)
    if (record === undefined || record.psuId !== caller.psuId || !caller.banks.includes(record.bank)) {
      throw new WebhookNotFoundError()
    }
    return record
  }

  pending(record: WebhookRecord): Promise<number> {
    return this.#deps.store.pending(record.id)
  }

  deadLetters(record: WebhookRecord, limit: number): Promise<Delivery[]> {
    return this.#deps.store.deadLetters(record.id, limit)
  }

  /** One delivery per subscribed webhook, each durable before this resolves. Never throws into the read. */
  async emit(event: SyncEvent): Promise<void> {
    try {
      const hooks = (await this.#deps.store.forConnection(event.bank, event.psuId)).filter((h) =>
        h.events.includes(event.type),
      )
      if (hooks.length === 0) return
      if (!(await this.#firstOfItsKind(event))) return
      const id = randomUUID()
      const { type, bank, psuId, at, ...data } = event
      const now = this.#deps.wallClock()
      for (const hook of hooks) {
        const body = JSON.stringify({
          id,
          type,
          createdAt: new Date(at).toISOString(),
          webhookId: hook.id,
          bank,
          psuId,
          data: toWire(data),
        })
        await this.#deps.store.enqueue(
          { id, webhookId: hook.id, eventType: type, body, createdAt: now, attempts: 0 },
          now,
        )
      }
      this.#deps.onEnqueued()
    } catch (error) {
      this.#deps.logger.warn({ err: String(error), event: event.type }, 'webhook event not recorded')
    }
  }

  /**
   * Events that would repeat for as long as their cause lasts are sent once: QUOTA_EXHAUSTED once per key and window
   * (every read of an exhausted key is refused), CONSENT_EXPIRING once per connection and expiry.
   */
  async #firstOfItsKind(event: SyncEvent): Promise<boolean> {
    const now = this.#deps.clock()
    if (event.type === 'QUOTA_EXHAUSTED') {
      const key = `quota|${event.bank}|${event.psuId}|${event.accountId ?? 'none'}|${event.method}|${event.nextAllowedAt}`
      return this.#deps.store.claimOnce(key, Math.max(0, event.nextAllowedAt - now) + DAY_MS)
    }
    if (event.type === 'CONSENT_EXPIRING') {
      const key = `expiring|${event.bank}|${event.psuId}|${event.refreshTokenExpiresAt}`
      return this.#deps.store.claimOnce(key, Math.max(0, event.refreshTokenExpiresAt - now) + DAY_MS)
    }
    return true
  }
}

const DAY_MS = 24 * 3600_000

/** Times as RFC 3339 (as the GraphQL API gives them), everything else as it is. */
function toWire(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(data)) {
    out[key] = typeof value === 'number' && key.endsWith('At') ? new Date(value).toISOString() : value
  }
  return out
}
