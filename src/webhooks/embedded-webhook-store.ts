/**
 * The webhook store in lmdb under DATA_DIR (embedded mode: one process owns the folder). Each change is one write
 * transaction, awaited until lmdb has synced it (`flushed`, as the embedded ledger does): an enqueued delivery survives
 * a SIGKILL the moment `enqueue` resolves.
 *
 * Keys: `hook:<id>`; `conn:<bank>|<psu>|<id>` (a connection's webhooks); `q:<id>:<seq>` (its queue, seq zero-padded so
 * lmdb's key order is the queue's order); `seq:<id>`; `due:<id>` (when its head is due); `dead:<id>:<seq>`;
 * `claim:<key>` (expiry, epoch ms).
 */
import type { RootDatabase } from 'lmdb'
import { open } from 'lmdb'
import type { Clock } from '../clock.js'
import { DEAD_LETTERS_KEPT, type Delivery, type WebhookRecord, type WebhookStore } from './webhook-store.js'

type Row = WebhookRecord | Delivery | number | string

const SEQ_WIDTH = 16

export class EmbeddedWebhookStore implements WebhookStore {
  readonly #db: RootDatabase<Row, string>
  readonly #clock: Clock

  constructor(options: { dir: string; clock: Clock }) {
    this.#db = open<Row, string>({ path: options.dir })
    this.#clock = options.clock
  }

  async register(record: WebhookRecord, maxPerConnection: number): Promise<boolean> {
    const connPrefix = `conn:${record.bank}|${record.psuId}|`
    const added = await this.#db.transaction(() => {
      if (this.#keys(connPrefix).length >= maxPerConnection) return false
      this.#db.putSync(`hook:${record.id}`, record)
      this.#db.putSync(`${connPrefix}${record.id}`, '')
      return true
    })
    await this.#db.flushed
    return added
  }

  async unregister(id: string): Promise<WebhookRecord | undefined> {
    const removed = await this.#db.transaction(() => {
      const record = this.#db.get(`hook:${id}`) as WebhookRecord | undefined
      if (record === undefined) return undefined
      this.#db.removeSync(`hook:${id}`)
      this.#db.removeSync(`conn:${record.bank}|${record.psuId}|${id}`)
      for (const key of [...this.#keys(`q:${id}:`), ...this.#keys(`dead:${id}:`)]) this.#db.removeSync(key)
      this.#db.removeSync(`seq:${id}`)
      this.#db.removeSync(`due:${id}`)
      return record
    })
    await this.#db.flushed
    return removed
  }

  async get(id: string): Promise<WebhookRecord | undefined> {
    return this.#db.get(`hook:${id}`) as WebhookRecord | undefined
  }

  async forConnection(bank: string, psuId: string): Promise<WebhookRecord[]> {
    const prefix = `conn:${bank}|${psuId}|`
    return this.#keys(prefix)
      .map((key) => this.#db.get(`hook:${key.slice(prefix.length)}`) as WebhookRecord | undefined)
      .filter((r): r is WebhookRecord => r !== undefined)
  }

  async enqueue(delivery: Delivery, now: number): Promise<void> {
    const id = delivery.webhookId
    await this.#db.transaction(() => {
      if (this.#db.get(`hook:${id}`) === undefined) return
      const seq = ((this.#db.get(`seq:${id}`) as number | undefined) ?? 0) + 1
      this.#db.putSync(`seq:${id}`, seq)
      this.#db.putSync(`q:${id}:${pad(seq)}`, delivery)
      if (this.#db.get(`due:${id}`) === undefined) this.#db.putSync(`due:${id}`, now)
    })
    await this.#db.flushed
  }

  async due(now: number, limit: number): Promise<string[]> {
    const due: { id: string; at: number }[] = []
    for (const { key, value } of this.#db.getRange({ start: 'due:', end: 'due;' })) {
      if (typeof value === 'number' && value <= now) due.push({ id: key.slice('due:'.length), at: value })
    }
    return due
      .sort((a, b) => a.at - b.at)
      .slice(0, limit)
      .map((d) => d.id)
  }

  async head(webhookId: string): Promise<Delivery | undefined> {
    const first = this.#first(`q:${webhookId}:`)
    return first?.value
  }

  async pending(webhookId: string): Promise<number> {
    return this.#keys(`q:${webhookId}:`).length
  }

  async delivered(webhookId: string, deliveryId: string, now: number): Promise<void> {
    await this.#popHead(webhookId, deliveryId, now, undefined)
  }

  async failed(webhookId: string, attempt: Delivery, retryAt: number): Promise<void> {
    await this.#db.transaction(() => {
      const first = this.#first(`q:${webhookId}:`)
      if (first?.value.id !== attempt.id) return
      this.#db.putSync(first.key, attempt)
      this.#db.putSync(`due:${webhookId}`, retryAt)
    })
    await this.#db.flushed
  }

  async dead(webhookId: string, attempt: Delivery, now: number): Promise<void> {
    await this.#popHead(webhookId, attempt.id, now, attempt)
  }

  async deadLetters(webhookId: string, limit: number): Promise<Delivery[]> {
    const prefix = `dead:${webhookId}:`
    const out: Delivery[] = []
    for (const { value } of this.#db.getRange({ start: `${prefix}~`, end: prefix, reverse: true })) {
      out.push(value as Delivery)
      if (out.length >= limit) break
    }
    return out
  }

  async claimOnce(key: string, ttlMs: number): Promise<boolean> {
    const claimed = await this.#db.transaction(() => {
      const expiresAt = this.#db.get(`claim:${key}`) as number | undefined
      const now = this.#clock()
      if (expiresAt !== undefined && expiresAt > now) return false
      this.#db.putSync(`claim:${key}`, now + ttlMs)
      return true
    })
    await this.#db.flushed
    return claimed
  }

  async close(): Promise<void> {
    await this.#db.close()
  }

  async #popHead(webhookId: string, deliveryId: string, now: number, deadLetter: Delivery | undefined): Promise<void> {
    await this.#db.transaction(() => {
      const first = this.#first(`q:${webhookId}:`)
      if (first?.value.id !== deliveryId) return
      this.#db.removeSync(first.key)
      if (deadLetter !== undefined) {
        this.#db.putSync(`dead:${webhookId}:${first.key.slice(`q:${webhookId}:`.length)}`, deadLetter)
        const dead = this.#keys(`dead:${webhookId}:`)
        for (const old of dead.slice(0, Math.max(0, dead.length - DEAD_LETTERS_KEPT))) this.#db.removeSync(old)
      }
      if (this.#first(`q:${webhookId}:`) === undefined) this.#db.removeSync(`due:${webhookId}`)
      else this.#db.putSync(`due:${webhookId}`, now)
    })
    await this.#db.flushed
  }

  #keys(prefix: string): string[] {
    return [...this.#db.getKeys({ start: prefix, end: `${prefix}\uffff` })]
  }

  #first(prefix: string): { key: string; value: Delivery } | undefined {
    for (const { key, value } of this.#db.getRange({ start: prefix, end: `${prefix}\uffff`, limit: 1 })) {
      return { key, value: value as Delivery }
    }
    return undefined
  }
}

function pad(seq: number): string {
  return String(seq).padStart(SEQ_WIDTH, '0')
}
