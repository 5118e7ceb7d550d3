/**
 * The shared trail: one Redis stream per Paris day (`<prefix>audit:unattended:YYYY-MM-DD`), appended with XADD by
 * every replica, read with XRANGE in pages, and deleted whole when its day leaves the retention period. Every command
 * names one key, so it runs unchanged on Redis Cluster (a day's stream lives on one node; a day holds at most four
 * calls per key). A sorted set of the days written lets pruning find old days without SCAN (which a cluster would
 * have to run on every node).
 *
 * `appendCall` resolves once Redis acknowledged the XADD, as the ledger's script does before it answers (DESIGN inv.
 * 3), and with STORE_WAIT_REPLICAS once that many replicas hold it (WAIT), as the ledger's grant; a Redis that keeps nothing on disk loses the trail with its counts, which is why production runs it with AOF.
 */
import type { RedisClientType } from 'redis'
import { sendCommandFor } from '../redis/redis-connection.js'
import { parisDayLabel, parisDaysBetween, parisDayStartOf } from './audit-days.js'
import type { AuditCallRecord, AuditLog, AuditOutcomeRecord, AuditRange, AuditRecord } from './audit-log.js'
import { AuditStoreUnavailableError } from './audit-log.js'
import { decodeAuditRecord, encodeAuditRecord } from './audit-record-codec.js'

const PAGE = 500

export class RedisAuditLog implements AuditLog {
  readonly #client: RedisClientType
  readonly #prefix: string
  /** Days already in the index, so a call costs one round trip (XADD), not two. */
  readonly #indexed = new Set<string>()
  readonly #waitReplicas: number

  /** `client` may be a cluster client: only single-key commands are sent. */
  constructor(client: RedisClientType, options: { prefix: string; waitReplicas?: number }) {
    this.#client = client
    this.#prefix = `${options.prefix}audit:`
    this.#waitReplicas = options.waitReplicas ?? 0
  }

  async appendCall(record: AuditCallRecord): Promise<void> {
    const day = parisDayLabel(record.at)
    await this.#append(day, record)
    if (this.#waitReplicas === 0) return
    const key = this.#streamKey(day)
    const acked = await this.#run(() => sendCommandFor(this.#client, key, ['WAIT', String(this.#waitReplicas), '1000']))
    if (typeof acked !== 'number' || acked < this.#waitReplicas)
      throw new AuditStoreUnavailableError(new Error(`the call record reached ${String(acked)} replicas`))
  }

  async appendOutcome(record: AuditOutcomeRecord): Promise<void> {
    await this.#append(parisDayLabel(record.callAt), record)
  }

  async *records(range: AuditRange): AsyncGenerator<AuditRecord> {
    for (const day of parisDaysBetween(range.from, range.to)) {
      let start = '-'
      for (;;) {
        const page = await this.#run(() => this.#client.xRange(this.#streamKey(day), start, '+', { COUNT: PAGE }))
        for (const entry of page) {
          const text = entry.message.e
          const record = typeof text === 'string' ? decodeAuditRecord(text) : undefined
          if (record !== undefined) yield record
        }
        const last = page.at(-1)
        if (last === undefined || page.length < PAGE) break
        start = `(${last.id}`
      }
    }
  }

  async pruneBefore(before: number): Promise<number> {
    const cutoff = parisDayStartOf(parisDayLabel(before))
    const days = await this.#run(() => this.#client.zRangeByScore(this.#daysKey(), '-inf', `(${cutoff}`))
    for (const day of days) {
      await this.#run(() => this.#client.del(this.#streamKey(day)))
      await this.#run(() => this.#client.zRem(this.#daysKey(), day))
      this.#indexed.delete(day)
    }
    return days.length
  }

  async close(): Promise<void> {
    // The connection belongs to the stores that opened it.
  }

  async #append(day: string, record: AuditRecord): Promise<void> {
    // Indexed first: a stream is never written that pruning could not find.
    if (!this.#indexed.has(day)) {
      await this.#run(() => this.#client.zAdd(this.#daysKey(), { score: parisDayStartOf(day), value: day }))
      this.#indexed.add(day)
    }
    await this.#run(() => this.#client.xAdd(this.#streamKey(day), '*', { e: encodeAuditRecord(record) }))
  }

  #streamKey(day: string): string {
    return `${this.#prefix}unattended:${day}`
  }

  #daysKey(): string {
    return `${this.#prefix}days`
  }

  async #run<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (error) {
      throw new AuditStoreUnavailableError(error)
    }
  }
}
