/**
 * Several gateway replicas on one real Redis, restarts mid-day (embedded store and Redis), and Redis stopped
 * during load. The sandbox bank outlives every gateway here and counts every call: it must never see more than 4
 * unattended calls on a key, nor answer a single 429.
 */
import { randomUUID } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { createClient } from 'redis'
import type { SandboxBank } from '../../src/sandbox/sandbox-bank.js'
import { countCalls } from '../support/sandbox-counts.js'
import { startExternalSandbox } from '../support/external-sandbox.js'
import { spawnGateway, startPrivateRedis, type GatewayProcess } from '../support/processes.js'
import { postGraphQL, seedDataDir, startTestGateway } from '../support/test-gateway.js'
import { issueDevToken, loadOrCreateDevSigningKey } from '../../src/auth/dev-token.js'

const TECHNCO = 'D0999993I0'
const REDIS = 'redis://127.0.0.1:6379'
let sandbox: SandboxBank

// A referee per test: each test spends the same keys on the same (real) day.
beforeEach(async () => {
  sandbox = await startExternalSandbox()
})
afterEach(async () => {
  await sandbox.close()
})

function expectNoKeyOverLimit(): void {
  for (const key of sandbox.stats().keys) {
    expect({ ...key, over: key.batch > 4 }).toMatchObject({ over: false, refused: 0 })
  }
}

/**
 * The referee replaced by a bank that takes 30 ms (concurrent calls on one key would overlap there), and the gateway
 * settings for it: personas linked at start, no freshness floor (every read may go to the bank).
 */
async function slowBankEnv(dataDir: string): Promise<Record<string, string>> {
  await sandbox.close()
  sandbox = await startExternalSandbox(undefined, { latencyMs: 30 })
  return { STET_BASE_URL: sandbox.url, SANDBOX_PERSONAS: 'true', DATA_DIR: dataDir, CACHE_MIN_BATCH_MAX_AGE_MS: '0' }
}

/** Partner (unattended) tokens for the given PSUs, from the development key of a gateway's DATA_DIR. */
async function partnerTokens(dataDir: string, psus: readonly string[]): Promise<Map<string, string>> {
  const key = await loadOrCreateDevSigningKey(dataDir)
  const issue = (psuId: string) =>
    issueDevToken(key, { psuId, present: false, banks: [] }, { clock: Date.now, ttlSeconds: 600 })
  return new Map(await Promise.all(psus.map(async (p) => [p, await issue(p)] as const)))
}

/**
 * Tech'n Co's identity is never consented: the bank refuses it once, and the gateway answers it from memory after that
 * (DESIGN inv. 11, across replicas too); the others read every account.
 */
function unattendedQuery(psu: string): string {
  return psu === TECHNCO
    ? '{ identity { fullName } }'
    : '{ accounts { balances { amount { amount } } overdraft { allowedAmount { amount } } transactions(first: 1) { totalCount } } }'
}

async function deleteRedisPrefix(prefix: string): Promise<void> {
  const client = createClient({ url: REDIS })
  await client.connect()
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
    if (keys.length > 0) await client.del(keys)
  }
  await client.quit()
}

describe('restart mid-day keeps the counts', () => {
  it.each([
    ['the embedded store', {} as Record<string, string>],
    ['Redis', { STORE_URL: REDIS }],
  ])('with %s', async (_name, storeEnv) => {
    const prefix = `stetgw-test-${randomUUID()}:`
    const env = { STET_BASE_URL: sandbox.url, SANDBOX_PERSONAS: 'true', STORE_PREFIX: prefix, ...storeEnv }
    const dataDir = await seedDataDir()
    const before = countCalls(sandbox, { psuId: TECHNCO, method: 'identity' }).batch
    const first = await startTestGateway(env, { dataDir })
    const token = await first.gateway.devToken(TECHNCO)
    // Each read forgets the remembered refusal first (as a consent change would: DESIGN inv. 11), so all four reach
    // the bank: this test watches the counts, not the memory.
    const caller = { psuId: TECHNCO, consumer: 'partner' as const, presence: undefined, banks: ['17515'] }
    for (let i = 0; i < 4; i++) {
      await first.gateway.services.reader.forgetRefusals(caller, '17515')
      expect((await first.query('{ identity { fullName } }', { token })).errors?.[0]?.extensions?.code).toBe(
        'CONSENT_REQUIRED',
      )
    }
    await first.close({ keepData: true })

    const second = await startTestGateway(env, { dataDir })
    await second.gateway.services.reader.forgetRefusals(caller, '17515')
    const refused = await second.query('{ identity { fullName } }', { token: await second.gateway.devToken(TECHNCO) })
    expect(refused.errors?.[0]?.extensions?.code).toBe('QUOTA_EXHAUSTED')
    expect(second.gateway.linked.every((l) => l.status === 'already-linked')).toBe(true)
    await second.close()
    await rm(dataDir, { recursive: true, force: true })
    if (storeEnv.STORE_URL !== undefined) await deleteRedisPrefix(prefix)
    // Both runs together spent 4 of this key's calls, whoever made them.
    expect(countCalls(sandbox, { psuId: TECHNCO, method: 'identity' }).batch - before).toBe(4)
    expectNoKeyOverLimit()
  })
})

describe('a crash mid-load with the embedded store', () => {
  let gateway: GatewayProcess | undefined
  let dataDir = ''
  afterAll(async () => {
    await gateway?.stop()
    await rm(dataDir, { recursive: true, force: true })
  })

  it('300 concurrent unattended queries, SIGKILL while calls are in flight, restart: still ≤ 4 calls per key', async () => {
    dataDir = await seedDataDir()
    const env = await slowBankEnv(dataDir)
    gateway = await spawnGateway(env)
    const psus = ['9999999901', '9999999902', '9999999904', TECHNCO]
    const tokens = await partnerTokens(dataDir, psus)
    const query = unattendedQuery
    const wave = (url: string) =>
      Promise.allSettled(
        Array.from({ length: 300 }, (_, i) => {
          const psu = psus[i % psus.length] ?? TECHNCO
          return postGraphQL(url, query(psu), { token: tokens.get(psu) ?? '' })
        }),
      )

    const inFlight = wave(gateway.url)
    // Wait until the bank is answering this wave, then kill the gateway with calls still in flight.
    const started = countCalls(sandbox).batch
    while (countCalls(sandbox).batch === started) await sleep(5)
    await gateway.crash()
    const cut = await inFlight
    expect(cut.some((r) => r.status === 'rejected')).toBe(true) // the crash did cut answers off
    expectNoKeyOverLimit()

    gateway = await spawnGateway(env)
    for (let i = 0; i < 2; i++) {
      for (const r of await wave(gateway.url)) {
        expect(r.status).toBe('fulfilled')
        if (r.status !== 'fulfilled') continue
        for (const e of r.value.errors ?? [])
          expect(['QUOTA_EXHAUSTED', 'CONSENT_REQUIRED']).toContain(e.extensions?.code)
      }
    }
    expectNoKeyOverLimit()
    // A reservation taken just before the kill may never have reached the bank: it stays spent (it might have), so
    // the bank may count fewer than 4 for a key, never more, and the restarted gateway still refuses the 5th.
    const identityCalls = countCalls(sandbox, { psuId: TECHNCO, method: 'identity' }).batch
    expect(identityCalls).toBeLessThanOrEqual(4)
    // The refusal is remembered (inv. 11): asked again, the answer costs nothing. The error of the field this is
    // about (identity), wherever it comes in the list.
    const fifth = await postGraphQL(gateway.url, query(TECHNCO), { token: tokens.get(TECHNCO) ?? '' })
    const identityError = fifth.errors?.find((e) => e.path?.[0] === 'identity')
    expect(identityError?.extensions?.code).toBe('CONSENT_REQUIRED')
    expect(countCalls(sandbox, { psuId: TECHNCO, method: 'identity' }).batch).toBe(identityCalls)
  })
})

describe('3 gateway processes on one Redis', () => {
  const processes: GatewayProcess[] = []
  let dataDir = ''
  const prefix = `stetgw-test-${randomUUID()}:`

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()))
    await rm(dataDir, { recursive: true, force: true })
    await deleteRedisPrefix(prefix)
  })

  it('300 concurrent unattended queries over several keys: ≤ 4 calls per key, one in flight, also after a restart', async () => {
    dataDir = await seedDataDir()
    const env = { ...(await slowBankEnv(dataDir)), STORE_URL: REDIS, STORE_PREFIX: prefix }
    processes.push(await spawnGateway(env)) // links the personas; the others find the tokens in Redis
    processes.push(await spawnGateway(env), await spawnGateway(env))
    const psus = ['9999999901', '9999999902', '9999999903', '9999999904', TECHNCO]
    const tokens = await partnerTokens(dataDir, psus)
    const query = unattendedQuery
    const wave = async () =>
      Promise.all(
        Array.from({ length: 300 }, (_, i) => {
          const psu = psus[i % psus.length] ?? TECHNCO
          const target = processes[i % processes.length]
          if (target === undefined) throw new Error('no process')
          return postGraphQL(target.url, query(psu), { token: tokens.get(psu) ?? '' })
        }),
      )
    const answers = await wave()
    for (const res of answers) {
      expect(res.status).toBe(200)
      for (const e of res.errors ?? []) expect(['QUOTA_EXHAUSTED', 'CONSENT_REQUIRED']).toContain(e.extensions?.code)
    }
    expect(countCalls(sandbox, { psuId: TECHNCO, method: 'identity' }).batch).toBeLessThanOrEqual(4)
    expectNoKeyOverLimit()

    // Restart one replica mid-day, then load again.
    await processes[0]?.stop()
    processes[0] = await spawnGateway(env)
    await wave()
    await wave()
    expectNoKeyOverLimit()
    // A refusal is bought once for all replicas and restarts (inv. 11): 900 asks, one call at the bank.
    expect(countCalls(sandbox, { psuId: TECHNCO, method: 'identity' }).batch).toBe(1)
    // Single-flight across replicas (the Redis lease): never two calls on one key at the bank at once.
    for (const key of sandbox.stats().keys)
      expect({ ...key, overlap: key.maxInFlight > 1 }).toMatchObject({ overlap: false })
  })
})

describe('Redis stopped during load', () => {
  it('makes no unattended bank call after the store is gone; present-PSU queries still answer live', async () => {
    const redis = await startPrivateRedis()
    const t = await startTestGateway({
      STET_BASE_URL: sandbox.url,
      SANDBOX_PERSONAS: 'true',
      STORE_URL: redis.url,
      CACHE_MIN_BATCH_MAX_AGE_MS: '0',
    })
    try {
      const partner = await t.gateway.devToken('9999999904')
      const present = await t.gateway.devToken('9999999904', { present: true })
      let stop = false
      let failures = 0
      const load = (async () => {
        while (!stop) {
          const batch = await Promise.all(
            Array.from({ length: 20 }, () =>
              t.query('{ accounts { balances { type } transactions { totalCount } } }', { token: partner }),
            ),
          )
          failures += batch.filter((r) => (r.errors?.length ?? 0) > 0).length
        }
      })()
      await sleep(300)
      await redis.stop()
      await sleep(500) // let what was in flight when the store died finish
      const atStop = countCalls(sandbox, { psuId: '9999999904' }).batch
      await sleep(1500)
      stop = true
      await load
      expect(countCalls(sandbox, { psuId: '9999999904' }).batch).toBe(atStop)
      expect(failures).toBeGreaterThan(0)
      const down = await t.query('{ accounts { iban } }', { token: partner })
      expect(['STORE_UNAVAILABLE']).toContain(down.errors?.[0]?.extensions?.code)

      const live = await t.query(
        '{ accounts { iban balances { amount { amount } freshness { source psuPresent } } } }',
        { token: present },
      )
      expect(live.errors).toBeUndefined()
      expect((live.data?.accounts as { balances: { freshness: unknown }[] }[])[0]?.balances[0]?.freshness).toEqual({
        source: 'BANK',
        psuPresent: true,
      })
      expectNoKeyOverLimit()
    } finally {
      await t.close()
      await redis.stop()
    }
  })
})
