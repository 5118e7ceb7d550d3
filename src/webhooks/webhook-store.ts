/**
 * Where webhooks and their deliveries live (issue 17): the registrations, one durable outbox queue per webhook, the
 * dead letters, and one-time claims. Embedded (lmdb under DATA_DIR) or shared (Redis), like the quota ledger.
 *
 * The outbox contract, which both stores keep:
 *  - `enqueue` is durable when it resolves (a restart, even a SIGKILL, finds the delivery again);
 *  - a webhook's deliveries are handed out in the order they were enqueued, one at a time: only the head of its queue
 *    is ever attempted, and the next waits until the head is delivered or dead (ordering per connection: a webhook
 *    belongs to one PSU connection);
 *  - `delivered`, `failed` and `dead` act only when the delivery named is still the head, so a worker whose lease ran
 *    out cannot pop someone else's delivery (at-least-once, never skipped).
 */

export interface WebhookRecord {
  readonly id: string
  /** The PSU connection it belongs to: the bank's code and the PSU as the bank knows it. */
  readonly bank: string
  readonly psuId: string
  readonly url: string
  readonly events: readonly string[]
  /** Epoch ms. */
  readonly createdAt: number
}

export interface Delivery {
  /** The event's idempotency id (also in the body and the `Webhook-Id` header). */
  readonly id: string
  readonly webhookId: string
  readonly eventType: string
  /** The exact JSON text posted (and signed). */
  readonly body: string
  /** Epoch ms (wall clock) when it was enqueued. */
  readonly createdAt: number
  readonly attempts: number
  readonly lastAttemptAt?: number
  /** What the last attempt met (an HTTP status, a timeout, a refused address): never a response body. */
  readonly lastError?: string
  /** Set when it was dead-lettered. */
  readonly deadAt?: number
}

export interface WebhookStore {
  /** Adds the webhook unless its connection already has `maxPerConnection`: then false, nothing written. */
  register(record: WebhookRecord, maxPerConnection: number): Promise<boolean>
  /** Removes the webhook with its queue and dead letters; the record it removed, if any. */
  unregister(id: string): Promise<WebhookRecord | undefined>
  get(id: string): Promise<WebhookRecord | undefined>
  forConnection(bank: string, psuId: string): Promise<WebhookRecord[]>
  /** Appends to the webhook's queue (due at `now` when it becomes the head); ignored if the webhook is gone. */
  enqueue(delivery: Delivery, now: number): Promise<void>
  /** Webhooks whose head delivery is due at `now`, soonest first, at most `limit`. */
  due(now: number, limit: number): Promise<string[]>
  head(webhookId: string): Promise<Delivery | undefined>
  /** How many deliveries wait in the webhook's queue (the head included). */
  pending(webhookId: string): Promise<number>
  /** The head was delivered: it leaves the queue, and the next one is due at `now`. */
  delivered(webhookId: string, deliveryId: string, now: number): Promise<void>
  /** The head failed: `attempt` (its attempts, last error) replaces it, and it is due again at `retryAt`. */
  failed(webhookId: string, attempt: Delivery, retryAt: number): Promise<void>
  /** The head failed for the last time: it moves to the dead letters (the latest kept), the next is due at `now`. */
  dead(webhookId: string, attempt: Delivery, now: number): Promise<void>
  /** Newest first. */
  deadLetters(webhookId: string, limit: number): Promise<Delivery[]>
  /**
   * True for the first caller of a key until `ttlMs` passes, false for every other (any replica): once per slot, once
   * per consent expiry, once per exhausted window.
   */
  claimOnce(key: string, ttlMs: number): Promise<boolean>
  close(): Promise<void>
}

/** How many dead letters a webhook keeps (the newest). */
export const DEAD_LETTERS_KEPT = 100
