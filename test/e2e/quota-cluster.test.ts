/**
 * Two gateway processes (`node dist/main.js`) on a real local Redis Cluster of three masters, with one standalone
 * sandbox bank shared by both as the referee: a concurrent unattended burst stays within 4 calls per key, and one
 * master restarted empty mid-day leaves its PSUs' keys closed while the PSUs on the other shards go on.
 */
import { randomUUID } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals'
import calculateSlot from 'cluster-key-slot'
import { issueDevToken, loadOrCreateDevSigningKey } from '../../src/auth/dev-token.js'
import type { SandboxBank } from '../../src/sandbox/sandbox-bank.js'
import { startExternalSandbox } from '../support/external-sandbox.js'
import { spawnGateway, type GatewayProcess } from '../support/processes.js'
import { startRedisCluster, type LocalRedisCluster } from '../support/redis-cluster.js'
import { countCalls } from '../support/sandbox-counts.js'
import { postGraphQL, seedDataDir } from '../support/test-gateway.js'

jest.setTimeout(120_000)

const TECHNCO = 'D0999993I0'
const PSUS = ['9999999901', '9999999902', '9999999903', '9999999904', TECHNCO]
const BANK = '17515'
const TPP = 'PSDFR-ACPR-SANDBOX'

let cluster: LocalRedisCluster
let sandbox: SandboxBank | undefined
const processes: GatewayProcess[] = []
const dataDirs: string[] = []
const prefixes: string[] = []

beforeAll(async () => {
  cluster = await startRedisCluster({ masters: 3 })
})
afterEach(async () => {
  await Promise.all(processes.splice(0).map((p) => p.stop()))
  await sandbox?.close()
  sandbox = undefined
  for (const dir of dataDirs.splice(0)) await rm(dir, { recursive: true, force: true })
  for (const prefix of prefixes.splice(0)) await cluster.deletePrefix(prefix)
})
afterAll(async () => {
  await cluster.stop()
})

function referee(): SandboxBank {
  if (sandbox === undefined) throw new Error('no sandbox')
  return sandbox
}

function expectNoKeyOverLimit(): void {
  for (const key of referee().stats().keys) {
    expect({ ...key, over: key.batch > 4 }).toMatchObject({ over: false, refused: 0 })
  }
}

async function partnerTokens(dataDir: string): Promise<Map<string, string>> {
  const key = await loadOrCreateDevSigningKey(dataDir)
  const issue = (psuId: string) =>
    issueDevToken(key, { psuId, present: false, banks: [] }, { clock: Date.now, ttlSeconds: 600 })
  return new Map(await Promise.all(PSUS.map(async (p) => [p, await issue(p)] as const)))
}

function unattendedQuery(psu: string): string {
  return psu === TECHNCO
    ? '{ identity { fullName } }'
    : '{ accounts { balances { amount { amount } } overdraft { allowedAmount { amount } } transactions(first: 1) { totalCount } } }'
}

/** Two gateways on the cluster in front of a fresh referee (the first links the personas, the second finds them). */
async function startTwoGateways(prefix: string): Promise<{ tokens: Map<string, string> }> {
  sandbox = await startExternalSandbox(undefined, { latencyMs: 30 })
  const dataDir = await seedDataDir()
  dataDirs.push(dataDir)
  prefixes.push(prefix)
  const env = {
    STET_BASE_URL: referee().url,
    SANDBOX_PERSONAS: 'true',
    DATA_DIR: dataDir,
    CACHE_MIN_BATCH_MAX_AGE_MS: '0',
    STORE_CLUSTER_NODES: cluster.nodeList,
    STORE_PREFIX: prefix,
  }
  processes.push(await spawnGateway(env))
  processes.push(await spawnGateway(env))
  return { tokens: await partnerTokens(dataDir) }
}

async function wave(tokens: Map<string, string>, size: number, psus: readonly string[] = PSUS) {
  return Promise.all(
    Array.from({ length: size }, (_, i) => {
      const psu = psus[i % psus.length] ?? TECHNCO
      const target = processes[i % processes.length]
      if (target === undefined) throw new Error('no process')
      return postGraphQL(target.url, unattendedQuery(psu), { token: tokens.get(psu) ?? '' })
    }),
  )
}

/** A key in the slot of a PSU's quota keys: their hash tag `{bank:psu}` decides it, whatever the prefix. */
const tagOf = (psu: string): string => `{${BANK}:${psu}}`

describe('two gateway processes on a Redis Cluster', () => {
  it('a concurrent unattended burst: ≤ 4 calls per key, never two at once on a key, also on a second wave', async () => {
    const { tokens } = await startTwoGateways(`stetgw-test-${randomUUID()}:`)
    for (const res of await wave(tokens, 300)) {
      expect(res.status).toBe(200)
      for (const e of res.errors ?? []) expect(['QUOTA_EXHAUSTED', 'CONSENT_REQUIRED']).toContain(e.extensions?.code)
    }
    await wave(tokens, 300)
    expectNoKeyOverLimit()
    // Tech'n Co's identity is never consented: the bank's first refusal is remembered in the shared store (inv. 11),
    // so across both gateways and both waves exactly one call reaches the bank for it.
    expect(countCalls(referee(), { psuId: TECHNCO, method: 'identity' }).batch).toBe(1)
    for (const key of referee().stats().keys)
      expect({ ...key, overlap: key.maxInFlight > 1 }).toMatchObject({ overlap: false })
  })

  it('one master restarted empty mid-day: no unattended call for its PSUs, the PSUs on the other shards go on', async () => {
    // The shard to lose holds some personas' quota keys (their hash tag `{bank:psu}` decides, whatever the prefix).
    // Token records are spread by their own keys (and those of one prefix move together: CRC16 is linear), so the
    // lost shard also takes some tokens: the PSUs that must go on are those of the other shards whose token record
    // is elsewhere too (the ledger-level test, test/quota/redis-cluster-ledger.test.ts, shows the refusal itself).
    const owners = await cluster.slotOwners()
    const prefix = `stetgw-test-${randomUUID()}:`
    const tagOwner = (psu: string) => owners.get(calculateSlot(tagOf(psu)))
    const tokenOwner = (psu: string) => owners.get(calculateSlot(`${prefix}tokens:${TPP}|${BANK}|${psu}`))
    const lost = [...new Set(owners.values())].find(
      (m) => PSUS.some((p) => tagOwner(p) === m) && PSUS.some((p) => tagOwner(p) !== m && tokenOwner(p) !== m),
    )
    if (lost === undefined) throw new Error('no shard to lose')
    const onLost = PSUS.filter((psu) => tagOwner(psu) === lost)
    const kept = PSUS.filter((psu) => tagOwner(psu) !== lost && tokenOwner(psu) !== lost)
    const { tokens } = await startTwoGateways(prefix)
    const before = new Map(PSUS.map((psu) => [psu, countCalls(referee(), { psuId: psu }).batch]))

    await cluster.kill(lost)
    await cluster.restart(lost)
    await cluster.waitHealthy()

    const answers = await Promise.all([wave(tokens, 100), wave(tokens, 100)])
    for (const res of answers.flat()) expect(res.status).toBe(200)
    await wave(tokens, 100)
    for (const psu of onLost) {
      // Nothing reached the bank for them after the loss.
      expect({ psu, batch: countCalls(referee(), { psuId: psu }).batch }).toEqual({ psu, batch: before.get(psu) })
    }
    for (const psu of kept) {
      // They read what they had not read before (balances, transactions, identity): the bank saw them.
      expect(countCalls(referee(), { psuId: psu }).batch).toBeGreaterThan(before.get(psu) ?? 0)
    }
    const refusal = await postGraphQL(processes[0]?.url ?? '', unattendedQuery(onLost[0] ?? ''), {
      token: tokens.get(onLost[0] ?? '') ?? '',
    })
    // Refused (the ledger, or tokens lost with the shard): never a bank call.
    expect(refusal.errors?.[0]?.extensions?.code).toBeDefined()
    expectNoKeyOverLimit()
  })
})
