/**
 * Delivers the outbox (issue 17): for each webhook whose head delivery is due, under a lease on that webhook (one
 * replica at a time), POST the head, then act on the answer: a 2xx pops it and the next one goes at once; anything
 * else (another status, a timeout, a reset, a refused address) schedules a retry with exponential backoff and full
 * jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"), until `maxAttempts`, when it is dead-lettered
 * and the next one goes. At-least-once: a crash after the receiver got a delivery and before it was popped delivers
 * it again after the restart, with the same `Webhook-Id`. In order: nothing is attempted but a queue's head.
 *
 * Retries are timed on the wall clock, not the business clock: a test clock that stands still must not freeze them,
 * and they are persisted as epoch ms (a restart keeps its schedule).
 */
import { Agent, request } from 'undici'
import type { DistributedLock } from '../cache/single-flight.js'
import type { Clock } from '../clock.js'
import type { Logger } from '../observability/logger.js'
import type { WebhookSigner } from './webhook-signer.js'
import type { Delivery, WebhookStore } from './webhook-store.js'
import { checkedLookup, checkUrlForm, type Resolve, type WebhookUrlPolicy } from './webhook-url.js'

export interface DeliveryOptions {
  /** How often a pass looks for due deliveries (an enqueue in this process also starts one at once). */
  readonly pollMs: number
  readonly timeoutMs: number
  readonly maxAttempts: number
  /** The first retry waits up to this long (full jitter), each next up to twice the previous, capped at `retryMaxMs`. */
  readonly retryBaseMs: number
  readonly retryMaxMs: number
  /** Webhooks delivered at once by one pass. */
  readonly concurrency: number
}

export interface DeliveryWorkerDeps {
  readonly store: WebhookStore
  readonly lock: DistributedLock
  readonly signer: WebhookSigner
  readonly urls: WebhookUrlPolicy
  readonly wallClock: Clock
  readonly logger: Logger
  readonly resolve?: Resolve
  /** Default Math.random: tests may pin the jitter. */
  readonly random?: () => number
}

type Phase = 'idle' | 'running' | 'stopped'

/** How many deliveries one lease drains before it lets other webhooks have a turn. */
const MAX_PER_LEASE = 50

export class DeliveryWorker {
  readonly #deps: DeliveryWorkerDeps
  readonly #options: DeliveryOptions
  readonly #agent: Agent
  readonly #busy = new Set<string>()
  #phase: Phase = 'idle'
  #timer: NodeJS.Timeout | undefined
  #pass: Promise<void> | undefined
  #again = false

  constructor(deps: DeliveryWorkerDeps, options: DeliveryOptions) {
    this.#deps = deps
    this.#options = options
    // The name is resolved and checked by the socket's own lookup: the address checked is the one connected to.
    this.#agent = new Agent({
      connect: { timeout: options.timeoutMs, lookup: checkedLookup(deps.urls, deps.resolve) },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connections: 8,
    })
  }

  start(): void {
    if (this.#phase !== 'idle') return
    this.#phase = 'running'
    this.#timer = setInterval(() => this.kick(), this.#options.pollMs)
    this.#timer.unref()
    this.kick()
  }

  /** Look for due deliveries now (after an enqueue); a pass already running looks again when it ends. */
  kick(): void {
    if (this.#phase !== 'running') return
    if (this.#pass !== undefined) {
      this.#again = true
      return
    }
    this.#pass = this.runOnce()
      .then(() => undefined)
      .catch((error: unknown) => this.#deps.logger.warn({ err: String(error) }, 'webhook delivery pass failed'))
      .finally(() => {
        this.#pass = undefined
        if (this.#again) {
          this.#again = false
          this.kick()
        }
      })
  }

  /** One pass over the due webhooks; resolves when their attempts are done. Returns how many attempts it made. */
  async runOnce(): Promise<number> {
    const due = await this.#deps.store.due(this.#deps.wallClock(), this.#options.concurrency * 4)
    const free = due.filter((id) => !this.#busy.has(id)).slice(0, this.#options.concurrency)
    const counts = await Promise.all(free.map((id) => this.#drain(id)))
    return counts.reduce((a, b) => a + b, 0)
  }

  /**
   * Stops at once: an attempt in flight is cut (its delivery stays the head and goes again after the restart, with
   * the same id), so a slow receiver never holds up a shutdown.
   */
  async close(): Promise<void> {
    this.#phase = 'stopped'
    if (this.#timer !== undefined) clearInterval(this.#timer)
    await this.#agent.destroy().catch(() => undefined)
    await this.#pass
  }

  async #drain(webhookId: string): Promise<number> {
    this.#busy.add(webhookId)
    let release: (() => Promise<void>) | undefined
    let attempts = 0
    try {
      // Longer than one attempt can last: the lease is renewed while held (RedisLock), never lost mid-POST.
      release = await this.#deps.lock.acquire(`webhook|${webhookId}`, this.#options.timeoutMs * 3 + 5000)
      if (release === undefined) return 0
      for (let i = 0; i < MAX_PER_LEASE && this.#phase !== 'stopped'; i++) {
        const [head, hook] = await Promise.all([this.#deps.store.head(webhookId), this.#deps.store.get(webhookId)])
        if (head === undefined || hook === undefined) break
        attempts++
        const outcome = await this.#attempt(hook.url, head)
        // Cut by close(): not the receiver's failure, and not one of its attempts.
        if (this.#isStopped()) break
        const now = this.#deps.wallClock()
        if (outcome.ok) {
          await this.#deps.store.delivered(webhookId, head.id, now)
          continue
        }
        const attempt: Delivery = { ...head, attempts: head.attempts + 1, lastAttemptAt: now, lastError: outcome.error }
        if (attempt.attempts >= this.#options.maxAttempts) {
          this.#deps.logger.warn(
            { webhook: webhookId, delivery: head.id, error: outcome.error },
            'webhook dead-lettered',
          )
          await this.#deps.store.dead(webhookId, { ...attempt, deadAt: now }, now)
          continue
        }
        await this.#deps.store.failed(webhookId, attempt, now + this.#backoff(attempt.attempts))
        break
      }
      return attempts
    } finally {
      this.#busy.delete(webhookId)
      await release?.().catch(() => undefined)
    }
  }

  async #attempt(url: string, delivery: Delivery): Promise<{ ok: true } | { ok: false; error: string }> {
    try {
      // Checked again at each delivery: the policy may have tightened since the registration.
      checkUrlForm(url, this.#deps.urls)
      const res = await request(url, {
        method: 'POST',
        dispatcher: this.#agent,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'stet-gateway-webhooks',
          'webhook-id': delivery.id,
          'webhook-signature': await this.#deps.signer.sign(delivery.body),
          'webhook-attempt': String(delivery.attempts + 1),
        },
        body: delivery.body,
        headersTimeout: this.#options.timeoutMs,
        bodyTimeout: this.#options.timeoutMs,
      })
      // The receiver's body is never read into the gateway (nor logged): only its status counts.
      await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined)
      if (res.statusCode >= 200 && res.statusCode < 300) return { ok: true }
      return { ok: false, error: `HTTP ${res.statusCode}` }
    } catch (error) {
      return { ok: false, error: describe(error) }
    }
  }

  #isStopped(): boolean {
    return this.#phase === 'stopped'
  }

  /** Full jitter: uniform in [0, min(max, base × 2^(n−1))], at least 1 ms. */
  #backoff(attempts: number): number {
    const ceiling = Math.min(this.#options.retryMaxMs, this.#options.retryBaseMs * 2 ** (attempts - 1))
    return Math.max(1, Math.floor((this.#deps.random ?? Math.random)() * ceiling))
  }
}

/** A short, safe description: the error's class and code, never a body or a header. */
function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code
    const text = typeof code === 'string' ? `${error.name} ${code}` : error.name
    return error.name === 'WebhookUrlRefusedError' ? `refused: ${error.message}` : text
  }
  return 'unknown error'
}
