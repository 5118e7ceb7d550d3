/**
 * The webhook store in the shared Redis: every replica sees the same webhooks and the same outbox. Each change is one
 * Lua script, so a replica that dies between two commands cannot leave a queue half popped. Every key carries the
 * `{webhooks}` hash tag: on Redis Cluster they share one slot, so the scripts may touch several (webhook traffic is
 * small next to the reads; the ledger's keys stay spread by PSU).
 *
 * Keys (under the store prefix): `hook:<id>` (JSON), `conn:<bank>|<psu>` (set of ids), `q:<id>` (list of delivery ids),
 * `d:<id>:<deliveryId>` (JSON), `due` (sorted set: webhook id → when its head is due), `dead:<id>` (list of JSON,
 * newest first), `claim:<key>`.
 */
import type { RedisConnection } from '../redis/redis-connection.js'
import { DEAD_LETTERS_KEPT, type Delivery, type WebhookRecord, type WebhookStore } from './webhook-store.js'

// KEYS: hook, conn. ARGV: id, record JSON, max.
const REGISTER = `
if redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[3]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[1])
return 1`

// KEYS: hook, queue, due, dead. ARGV: id, delivery key prefix. Returns the record it removed.
const UNREGISTER = `
local record = redis.call('GET', KEYS[1])
if not record then return false end
local conn = cjson.decode(record)
redis.call('SREM', ARGV[3] .. conn.bank .. '|' .. conn.psuId, ARGV[1])
for _, d in ipairs(redis.call('LRANGE', KEYS[2], 0, -1)) do redis.call('DEL', ARGV[2] .. d) end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[4])
redis.call('ZREM', KEYS[3], ARGV[1])
return record`

// KEYS: hook, queue, delivery, due. ARGV: webhook id, delivery id, JSON, now.
const ENQUEUE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('SET', KEYS[3], ARGV[3])
redis.call('RPUSH', KEYS[2], ARGV[2])
redis.call('ZADD', KEYS[4], 'NX', ARGV[4], ARGV[1])
return 1`

// KEYS: queue, due, dead. ARGV: webhook id, delivery id, now, delivery key prefix, dead letter JSON or '', kept.
const POP_HEAD = `
if redis.call('LINDEX', KEYS[1], 0) ~= ARGV[2] then return 0 end
redis.call('LPOP', KEYS[1])
redis.call('DEL', ARGV[4] .. ARGV[2])
if ARGV[5] ~= '' then
  redis.call('LPUSH', KEYS[3], ARGV[5])
  redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[6]) - 1)
end
if redis.call('LLEN', KEYS[1]) == 0 then redis.call('ZREM', KEYS[2], ARGV[1])
else redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1]) end
return 1`

// KEYS: queue, delivery, due. ARGV: webhook id, delivery id, JSON, retryAt.
const FAILED = `
if redis.call('LINDEX', KEYS[1], 0) ~= ARGV[2] then return 0 end
redis.call('SET', KEYS[2], ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
return 1`

export class RedisWebhookStore implements WebhookStore {
  readonly #client: RedisConnection
  readonly #p: string

  constructor(client: RedisConnection, options: { prefix: string }) {
    this.#client = client
    this.#p = `${options.prefix}webhooks:{webhooks}:`
  }

  async register(record: WebhookRecord, maxPerConnection: number): Promise<boolean> {
    const added = await this.#eval(
      REGISTER,
      [this.#hook(record.id), this.#conn(record.bank, record.psuId)],
      [record.id, JSON.stringify(record), String(maxPerConnection)],
    )
    return added === 1
  }

  async unregister(id: string): Promise<WebhookRecord | undefined> {
    const removed = await this.#eval(
      UNREGISTER,
      [this.#hook(id), this.#queue(id), `${this.#p}due`, `${this.#p}dead:${id}`],
      [id, `${this.#p}d:${id}:`, `${this.#p}conn:`],
    )
    return typeof removed === 'string' ? (JSON.parse(removed) as WebhookRecord) : undefined
  }

  async get(id: string): Promise<WebhookRecord | undefined> {
    const raw = await this.#client.get(this.#hook(id))
    return raw === null ? undefined : (JSON.parse(raw) as WebhookRecord)
  }

  async forConnection(bank: string, psuId: string): Promise<WebhookRecord[]> {
    const ids = await this.#client.sMembers(this.#conn(bank, psuId))
    const records = await Promise.all(ids.map((id) => this.get(id)))
    return records.filter((r): r is WebhookRecord => r !== undefined).sort((a, b) => a.createdAt - b.createdAt)
  }

  async enqueue(delivery: Delivery, now: number): Promise<void> {
    const id = delivery.webhookId
    await this.#eval(
      ENQUEUE,
      [this.#hook(id), this.#queue(id), this.#delivery(id, delivery.id), `${this.#p}due`],
      [id, delivery.id, JSON.stringify(delivery), String(now)],
    )
  }

  async due(now: number, limit: number): Promise<string[]> {
    return this.#client.zRangeByScore(`${this.#p}due`, '-inf', now, { LIMIT: { offset: 0, count: limit } })
  }

  async head(webhookId: string): Promise<Delivery | undefined> {
    const first = await this.#client.lIndex(this.#queue(webhookId), 0)
    if (first === null) return undefined
    const raw = await this.#client.get(this.#delivery(webhookId, first))
    return raw === null ? undefined : (JSON.parse(raw) as Delivery)
  }

  async pending(webhookId: string): Promise<number> {
    return this.#client.lLen(this.#queue(webhookId))
  }

  async delivered(webhookId: string, deliveryId: string, now: number): Promise<void> {
    await this.#popHead(webhookId, deliveryId, now, '')
  }

  async failed(webhookId: string, attempt: Delivery, retryAt: number): Promise<void> {
    await this.#eval(
      FAILED,
      [this.#queue(webhookId), this.#delivery(webhookId, attempt.id), `${this.#p}due`],
      [webhookId, attempt.id, JSON.stringify(attempt), String(retryAt)],
    )
  }

  async dead(webhookId: string, attempt: Delivery, now: number): Promise<void> {
    await this.#popHead(webhookId, attempt.id, now, JSON.stringify(attempt))
  }

  async deadLetters(webhookId: string, limit: number): Promise<Delivery[]> {
    const raw = await this.#client.lRange(`${this.#p}dead:${webhookId}`, 0, limit - 1)
    return raw.map((r) => JSON.parse(r) as Delivery)
  }

  async claimOnce(key: string, ttlMs: number): Promise<boolean> {
    const ok = await this.#client.set(`${this.#p}claim:${key}`, '1', { NX: true, PX: Math.max(1, Math.ceil(ttlMs)) })
    return ok === 'OK'
  }

  async close(): Promise<void> {
    // The connection belongs to the state stores, which close it.
  }

  async #popHead(webhookId: string, deliveryId: string, now: number, deadLetter: string): Promise<void> {
    await this.#eval(
      POP_HEAD,
      [this.#queue(webhookId), `${this.#p}due`, `${this.#p}dead:${webhookId}`],
      [webhookId, deliveryId, String(now), `${this.#p}d:${webhookId}:`, deadLetter, String(DEAD_LETTERS_KEPT)],
    )
  }

  #eval(script: string, keys: string[], args: string[]): Promise<unknown> {
    return this.#client.eval(script, { keys, arguments: args })
  }

  #hook(id: string): string {
    return `${this.#p}hook:${id}`
  }

  #conn(bank: string, psuId: string): string {
    return `${this.#p}conn:${bank}|${psuId}`
  }

  #queue(id: string): string {
    return `${this.#p}q:${id}`
  }

  #delivery(webhookId: string, deliveryId: string): string {
    return `${this.#p}d:${webhookId}:${deliveryId}`
  }
}
