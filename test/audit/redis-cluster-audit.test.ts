/**
 * The Redis trail on a real three-master Redis Cluster: every command names one key, so days whose streams live on
 * different nodes are written, exported in order and pruned through the ordinary cluster client.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { randomUUID } from 'node:crypto'
import type { RedisClientType } from 'redis'
import { joinAuditRecords } from '../../src/audit/audit-export.js'
import type { AuditEntry } from '../../src/audit/audit-log.js'
import { RedisAuditLog } from '../../src/audit/redis-audit-log.js'
import { createRedisConnection, type RedisConnection } from '../../src/redis/redis-connection.js'
import { startRedisCluster, type LocalRedisCluster } from '../support/redis-cluster.js'

let cluster: LocalRedisCluster
let client: RedisConnection
let prefix = `stetgw-test-${randomUUID()}:`

beforeAll(async () => {
  cluster = await startRedisCluster({ masters: 3 })
  client = createRedisConnection(
    { kind: 'cluster', nodes: cluster.nodes.map((n) => n.address) },
    { connectTimeoutMs: 2000 },
  )
  await client.connect()
}, 60_000)
afterAll(async () => {
  await cluster.deletePrefix(prefix)
  client.destroy()
  await cluster.stop()
})

const DAYS = ['2026-11-28', '2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02']

describe('the Redis trail on a cluster', () => {
  it('writes, exports in call order and prunes days held by different masters', async () => {
    // A prefix whose days' streams are held by more than one master (else this test proves nothing about the cluster).
    const ownersOf = async (p: string) =>
      new Set(await Promise.all(DAYS.map(async (d) => (await cluster.masterOf(`${p}audit:unattended:${d}`)).address)))
    while ((await ownersOf(prefix)).size < 2) prefix = `stetgw-test-${randomUUID()}:`

    const log = new RedisAuditLog(client as RedisClientType, { prefix })
    for (const [i, day] of DAYS.entries()) {
      const at = Date.parse(`${day}T09:00:00Z`)
      await log.appendCall({
        t: 'call',
        id: `c${i}`,
        at,
        tpp: 'T',
        bank: '17515',
        psu: '9999999901',
        iban: null,
        method: 'accounts',
        reason: 'PARTNER_QUERY',
        reservation: `g${i}`,
      })
      await log.appendOutcome({ t: 'outcome', id: `c${i}`, callAt: at, at: at + 100, outcome: 'OK', status: 200 })
    }
    const read = async (): Promise<AuditEntry[]> => {
      const range = { from: Date.parse('2026-11-01T00:00:00Z'), to: Date.parse('2026-12-31T00:00:00Z') }
      const out: AuditEntry[] = []
      for await (const e of joinAuditRecords(log.records(range), range)) out.push(e)
      return out
    }
    expect((await read()).map((e) => [e.id, e.day, e.outcome])).toEqual(DAYS.map((day, i) => [`c${i}`, day, 'OK']))
    expect(await log.pruneBefore(Date.parse('2026-11-30T12:00:00Z'))).toBe(2)
    expect((await read()).map((e) => e.id)).toEqual(['c2', 'c3', 'c4'])
  })
})
