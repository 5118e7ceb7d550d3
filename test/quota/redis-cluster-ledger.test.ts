/**
 * The Redis ledger on a real local Redis Cluster (three masters started here; one replica for the failover cases):
 * the whole ledger contract, store loss detected per shard (DESIGN.md invariant 6 on a cluster), a reservation that
 * survives a failover, and slots moving under load (MOVED, ASK, TRYAGAIN).
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { randomUUID } from 'node:crypto'
import type { QuotaKeyParts, QuotaLedger } from '../../src/quota/quota-ledger.js'
import { formatQuotaHashTag, StoreUnavailableError } from '../../src/quota/quota-ledger.js'
import { RedisLedger, type RedisLedgerOptions } from '../../src/quota/redis-ledger.js'
import { startRedisCluster, type ClusterNode, type LocalRedisCluster } from '../support/redis-cluster.js'
import type { LedgerHarness, LedgerOpenOptions } from './ledger-contract.js'
import { describeLedgerContract, grantedOf, HOUR, keyOf, paris, TestClock } from './ledger-contract.js'

// Starting a cluster and waiting out a failover take seconds.
jest.setTimeout(120_000)

class ClusterHarness implements LedgerHarness {
  prefix = ''
  readonly #open: QuotaLedger[] = []
  constructor(readonly cluster: () => LocalRedisCluster) {}

  async reset(): Promise<void> {
    this.prefix = `test:quota:${randomUUID()}:`
  }

  open(options: LedgerOpenOptions & Partial<RedisLedgerOptions>): RedisLedger {
    const ledger = new RedisLedger({
      target: { kind: 'cluster', nodes: this.cluster().nodeList.split(',') },
      prefix: this.prefix,
      ...options,
    })
    this.#open.push(ledger)
    return ledger
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.#open.splice(0).map((ledger) => ledger.close()))
    await this.cluster().deletePrefix(this.prefix)
  }
}

/** The grants key of `parts` under the harness prefix: its slot is the PSU's hash tag's. */
const grantsKeyOf = (prefix: string, parts: QuotaKeyParts): string => `${prefix}${formatQuotaHashTag(parts)}:x`

/** PSU ids whose hash tag lands on `node`, and ids that land elsewhere. */
async function psusBy(
  cluster: LocalRedisCluster,
  prefix: string,
  node: ClusterNode,
  count: number,
): Promise<{ on: string[]; off: string[] }> {
  const on: string[] = []
  const off: string[] = []
  for (let i = 0; on.length < count || off.length < count; i++) {
    const psu = `99999${String(i).padStart(5, '0')}`
    const master = await cluster.masterOf(grantsKeyOf(prefix, keyOf({ psu })))
    if (master === node) {
      if (on.length < count) on.push(psu)
    } else if (off.length < count) off.push(psu)
  }
  return { on, off }
}

describe('RedisLedger on a Redis Cluster (3 masters)', () => {
  let cluster: LocalRedisCluster | undefined
  const harness = new ClusterHarness(() => {
    if (cluster === undefined) throw new Error('no cluster')
    return cluster
  })
  beforeAll(async () => {
    cluster = await startRedisCluster({ masters: 3 })
  })
  afterAll(async () => {
    await harness.cleanup()
    await cluster?.stop()
  })

  describeLedgerContract('RedisLedger (cluster)', harness)

  it('puts a witness in every slot at first use, beside each PSU’s keys', async () => {
    const c = harness.cluster()
    await harness.reset()
    const ledger = harness.open({ clock: new TestClock(paris('2026-02-10T10:00')).read, trustEmptyStore: true })
    grantedOf(await ledger.reserve(keyOf()))
    let witnesses = 0
    for (const node of c.nodes) {
      const admin = await c.admin(node)
      for await (const keys of admin.scanIterator({ MATCH: `${harness.prefix}{*}:witness`, COUNT: 1000 }))
        witnesses += keys.length
    }
    expect(witnesses).toBe(16384)
    await harness.cleanup()
  })

  it('one master restarted empty mid-day: its PSUs fail closed until the lost windows pass, the others go on', async () => {
    const c = harness.cluster()
    await harness.reset()
    const clock = new TestClock(paris('2026-02-10T10:00'))
    const a = harness.open({ clock: clock.read, trustEmptyStore: true })
    const b = harness.open({ clock: clock.read, trustEmptyStore: true })
    // The shard to lose: not the one holding the store-wide record, so that record survives and cannot help.
    const epochNode = await c.masterOf(`${harness.prefix}epoch`)
    const lostNode = c.nodes.find((n) => n !== epochNode)
    if (lostNode === undefined) throw new Error('no node')
    const { on, off } = await psusBy(c, harness.prefix, lostNode, 2)
    const [lostPsu = '', newOnLost = ''] = on
    const [keptPsu = '', newOnKept = ''] = off
    for (let i = 0; i < 4; i++) grantedOf(await a.reserve(keyOf({ psu: lostPsu })))
    for (let i = 0; i < 2; i++) grantedOf(await b.reserve(keyOf({ psu: keptPsu })))

    await c.kill(lostNode)
    await c.restart(lostNode)
    await c.waitHealthy()
    const lostAt = paris('2026-02-10T12:00')
    clock.now = lostAt
    const until = lostAt + 24 * HOUR // both windows: max(next Paris midnight, lostAt + 24 h)

    // The lost shard's keys: refused, for the PSU that had spent its four and for one never seen, on every replica.
    expect(await a.reserve(keyOf({ psu: lostPsu }))).toMatchObject({ kind: 'refused', reason: 'store-lost' })
    expect(await b.reserve(keyOf({ psu: lostPsu }))).toMatchObject({
      kind: 'refused',
      reason: 'store-lost',
      nextAllowedAt: until,
    })
    expect(await b.reserve(keyOf({ psu: newOnLost }))).toMatchObject({ kind: 'refused', reason: 'store-lost' })
    // A replica starting now, trusting an empty store, still sees it: the other slots' witnesses are there.
    const fresh = harness.open({ clock: clock.read, trustEmptyStore: true })
    expect(await fresh.reserve(keyOf({ psu: lostPsu }))).toMatchObject({ kind: 'refused', reason: 'store-lost' })
    expect(await fresh.status(keyOf({ psu: lostPsu }))).toMatchObject({ used: 0, nextAllowedAt: until })

    // The surviving shards: counts intact, no refusal for loss.
    expect(grantedOf(await a.reserve(keyOf({ psu: keptPsu }))).used).toBe(3)
    expect(grantedOf(await fresh.reserve(keyOf({ psu: keptPsu }))).used).toBe(4)
    expect(await b.reserve(keyOf({ psu: keptPsu }))).toMatchObject({ kind: 'refused', reason: 'limit' })
    expect(grantedOf(await b.reserve(keyOf({ psu: newOnKept }))).used).toBe(1)

    clock.now = until - 1
    expect(await a.reserve(keyOf({ psu: lostPsu }))).toMatchObject({ kind: 'refused', reason: 'store-lost' })
    clock.now = until
    expect(grantedOf(await a.reserve(keyOf({ psu: lostPsu }))).used).toBe(1)
    await harness.cleanup()
  })

  it('the master holding the store-wide record restarted empty: its slots fail closed, the other slots go on', async () => {
    const c = harness.cluster()
    await harness.reset()
    const clock = new TestClock(paris('2026-02-10T10:00'))
    const a = harness.open({ clock: clock.read, trustEmptyStore: true })
    const epochNode = await c.masterOf(`${harness.prefix}epoch`)
    const { on, off } = await psusBy(c, harness.prefix, epochNode, 1)
    const [lostPsu = ''] = on
    const [keptPsu = ''] = off
    for (let i = 0; i < 4; i++) grantedOf(await a.reserve(keyOf({ psu: lostPsu })))
    for (let i = 0; i < 4; i++) grantedOf(await a.reserve(keyOf({ psu: keptPsu })))
    await c.kill(epochNode)
    await c.restart(epochNode)
    await c.waitHealthy()
    // A replica starting now finds no record at all, but witnesses elsewhere: not a new store.
    const fresh = harness.open({ clock: clock.read, trustEmptyStore: true })
    expect(await fresh.reserve(keyOf({ psu: lostPsu }))).toMatchObject({ kind: 'refused', reason: 'store-lost' })
    expect(await a.reserve(keyOf({ psu: lostPsu }))).toMatchObject({ kind: 'refused', reason: 'store-lost' })
    expect(await fresh.reserve(keyOf({ psu: keptPsu }))).toMatchObject({ kind: 'refused', reason: 'limit' })
    expect(await a.reserve(keyOf({ psu: keptPsu }))).toMatchObject({ kind: 'refused', reason: 'limit' })
    expect(grantedOf(await a.reserve(keyOf({ psu: keptPsu, method: 'transactions' }))).used).toBe(1)
    await harness.cleanup()
  })

  it('the whole cluster restarted empty: every key refused, also for a replica started after', async () => {
    const c = harness.cluster()
    await harness.reset()
    const clock = new TestClock(paris('2026-02-10T10:00'))
    const a = harness.open({ clock: clock.read, trustEmptyStore: true })
    grantedOf(await a.reserve(keyOf()))
    await c.deletePrefix(harness.prefix)
    expect(await a.reserve(keyOf())).toMatchObject({ kind: 'refused', reason: 'store-lost' })
    // Another PSU, another slot: the first replica knew the store; the loss is recorded there too.
    expect(await a.reserve(keyOf({ psu: 'another' }))).toMatchObject({ kind: 'refused', reason: 'store-lost' })
    const fresh = harness.open({ clock: clock.read, trustEmptyStore: true })
    expect(await fresh.reserve(keyOf())).toMatchObject({ kind: 'refused', reason: 'store-lost' })
    await harness.cleanup()
  })

  it('fails closed, without granting, while no node answers', async () => {
    const ledger = new RedisLedger({
      target: { kind: 'cluster', nodes: ['127.0.0.1:1'] },
      prefix: `test:quota:${randomUUID()}:`,
      trustEmptyStore: true,
      retryForMs: 200,
    })
    try {
      await expect(ledger.reserve(keyOf())).rejects.toBeInstanceOf(StoreUnavailableError)
      await expect(ledger.status(keyOf())).rejects.toBeInstanceOf(StoreUnavailableError)
    } finally {
      await ledger.close()
    }
  })
})

describe('RedisLedger on a Redis Cluster with a replica: failover and moving slots', () => {
  let cluster: LocalRedisCluster | undefined
  const harness = new ClusterHarness(() => {
    if (cluster === undefined) throw new Error('no cluster')
    return cluster
  })
  beforeAll(async () => {
    cluster = await startRedisCluster({ masters: 3, replicaOf: 0 })
  })
  afterAll(async () => {
    await harness.cleanup()
    await cluster?.stop()
  })

  it('CLUSTER FAILOVER under concurrent reserves: no reservation lost, none doubled, never more than 4', async () => {
    const c = harness.cluster()
    await harness.reset()
    const master = c.nodes[0]
    const replica = c.nodes[3]
    if (master === undefined || replica === undefined) throw new Error('no node')
    const { on } = await psusBy(c, harness.prefix, master, 6)
    const ledgers = [harness.open({ trustEmptyStore: true, waitReplicas: 1 }), harness.open({ trustEmptyStore: true })]
    const granted = new Map<string, number>()
    let stop = false
    const load = (async () => {
      for (let round = 0; !stop && round < 200; round++) {
        const outcomes = await Promise.allSettled(
          on.flatMap((psu) => ledgers.map(async (l) => ({ psu, outcome: await l.reserve(keyOf({ psu })) }))),
        )
        for (const o of outcomes)
          if (o.status === 'fulfilled' && o.value.outcome.kind === 'granted')
            granted.set(o.value.psu, (granted.get(o.value.psu) ?? 0) + 1)
      }
    })()
    await c.failover(replica)
    await c.waitHealthy()
    stop = true
    await load
    // The replica is the master of these slots now.
    expect(await c.masterOf(grantsKeyOf(harness.prefix, keyOf({ psu: on[0] ?? '' })))).toBe(replica)
    for (const psu of on) {
      const used = (await ledgers[1]?.status(keyOf({ psu })))?.used ?? -1
      expect({ psu, used }).toEqual({ psu, used: granted.get(psu) ?? 0 })
      expect(used).toBeLessThanOrEqual(4)
    }
    await harness.cleanup()
  })

  it('the master killed (SIGKILL) after grants: the promoted replica holds every grant (WAIT 1)', async () => {
    const c = harness.cluster()
    await harness.reset()
    const clock = new TestClock(paris('2026-02-10T10:00'))
    // After the previous test nodes[0] and nodes[3] have swapped roles: take whichever is the master now, once its
    // replica is in sync again.
    const pair = [c.nodes[0], c.nodes[3]].filter((n): n is ClusterNode => n !== undefined)
    const roles = await Promise.all(
      pair.map(async (n) => ((await (await c.admin(n)).sendCommand(['ROLE'])) as unknown[])[0]),
    )
    const master = pair[roles.indexOf('master')]
    const replica = pair[roles.indexOf('slave')]
    if (master === undefined || replica === undefined) throw new Error(`roles ${JSON.stringify(roles)}`)
    for (let i = 0; ; i++) {
      const info = String(await (await c.admin(replica)).sendCommand(['INFO', 'replication']))
      if (info.includes('master_link_status:up')) break
      if (i > 400) throw new Error('the replica is not in sync')
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    const ledger = harness.open({ clock: clock.read, trustEmptyStore: true, waitReplicas: 1, retryForMs: 15_000 })
    const { on } = await psusBy(c, harness.prefix, master, 1)
    const psu = on[0] ?? ''
    for (let i = 0; i < 3; i++) grantedOf(await ledger.reserve(keyOf({ psu })))
    await c.kill(master)
    // Mid-failover: the slot's master is gone; a status waits (retries) until the replica is promoted.
    const after = await ledger.status(keyOf({ psu }))
    expect(after.used).toBeGreaterThanOrEqual(3)
    await c.waitHealthy()
    // No replica left to WAIT for: a grant could not be made durable, so none is handed out (fail closed).
    await expect(ledger.reserve(keyOf({ psu }))).rejects.toBeInstanceOf(StoreUnavailableError)
    // The old master comes back (empty) and rejoins as the new master's replica; grants resume, within the limit.
    await c.restart(master)
    await c.waitHealthy()
    let last: Awaited<ReturnType<QuotaLedger['reserve']>> | undefined
    for (let i = 0; i < 100; i++) {
      try {
        last = await ledger.reserve(keyOf({ psu }))
        break
      } catch (error) {
        if (!(error instanceof StoreUnavailableError)) throw error
        await new Promise((resolve) => setTimeout(resolve, 100)) // the rejoined replica is still syncing
      }
    }
    // The grant refused for want of a replica was written on the master (spent: it may not be undone blindly).
    expect(last).toMatchObject({ kind: 'refused', reason: 'limit' })
    expect((await ledger.status(keyOf({ psu }))).used).toBe(4)
    await harness.cleanup()
  })
})
