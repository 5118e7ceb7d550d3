/**
 * "What a consent withdraws is invalidated in the cache at once, on every replica" (issue 13), on two gateway
 * replicas sharing one Redis and one sandbox bank: replica B has LEA's balances cached (in Redis and in its own
 * process), replica A forwards a consent without balances on her main account, and B's next read of them is
 * CONSENT_REQUIRED with no bank call, while the account still granted is served from the cache. The sandbox's counters
 * are the referee.
 */
import { randomUUID } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createClient } from 'redis'
import type { SandboxBank } from '../../src/sandbox/sandbox-bank.js'
import { manualClock, startExternalSandbox } from '../support/external-sandbox.js'
import { countCalls } from '../support/sandbox-counts.js'
import { LEA, LEA_MAIN, LEA_SECOND } from '../support/sandbox-personas.js'
import { seedDataDir, startTestGateway, type TestGateway } from '../support/test-gateway.js'

const prefix = `stetgw-test-${randomUUID()}:`
const clock = manualClock('2026-11-24T09:00:00.000Z')
let sandbox: SandboxBank
let dataDir: string
let a: TestGateway
let b: TestGateway

beforeAll(async () => {
  sandbox = await startExternalSandbox(clock)
  dataDir = await seedDataDir()
  const env = {
    STET_BASE_URL: sandbox.url,
    SANDBOX_PERSONAS: 'true',
    SANDBOX_PERSONA_IDS: LEA,
    STORE_URL: 'redis://127.0.0.1:6379',
    STORE_PREFIX: prefix,
  }
  a = await startTestGateway(env, { clock, dataDir })
  b = await startTestGateway(env, { clock, dataDir })
})
afterAll(async () => {
  await a?.close({ keepData: true })
  await b?.close({ keepData: true })
  await sandbox?.close()
  await rm(dataDir, { recursive: true, force: true })
  const client = createClient({ url: 'redis://127.0.0.1:6379' })
  await client.connect()
  const keys = await client.keys(`${prefix}*`)
  if (keys.length > 0) await client.del(keys)
  await client.quit()
})

const BALANCES = '{ accounts { iban grants { balances } balances { amount { amount } freshness { source } } } }'
type Row = { iban: string; grants: { balances: boolean }; balances: unknown[] | null }

describe('a consent change on one replica, read on another', () => {
  it("replica B stops serving what replica A's consent withdrew, at once and without a bank call", async () => {
    const partner = await b.gateway.devToken(LEA)
    const warm = await b.query(BALANCES, { token: partner })
    expect(warm.errors).toBeUndefined()
    // Served again from B's cache: nothing reaches the bank.
    const balanceCalls = () => countCalls(sandbox, { psuId: LEA, method: 'balances' }).total
    const cachedCalls = balanceCalls()
    const cached = await b.query(BALANCES, { token: partner })
    expect((cached.data?.accounts as Row[]).map((r) => r.balances?.length)).toEqual([1, 1])
    expect(balanceCalls()).toBe(cachedCalls)

    const consent = await a.query(
      `mutation ($input: UpdateConsentInput!) { updateConsent(input: $input) { iban grants { balances } } }`,
      {
        token: await a.gateway.devToken(LEA, { present: true }),
        variables: {
          input: {
            balances: [LEA_SECOND.iban],
            transactions: [LEA_MAIN.iban, LEA_SECOND.iban],
            overdrafts: [LEA_MAIN.iban, LEA_SECOND.iban],
            psuIdentity: false,
          },
        },
      },
    )
    expect(consent.errors).toBeUndefined()

    const after = await b.query(BALANCES, { token: partner })
    const rows = after.data?.accounts as Row[]
    const main = rows.find((r) => r.iban === LEA_MAIN.iban)
    const second = rows.find((r) => r.iban === LEA_SECOND.iban)
    expect(main).toMatchObject({ grants: { balances: false }, balances: null })
    expect(after.errors?.map((e) => [e.extensions?.code, e.path?.join('.')])).toEqual([
      ['CONSENT_REQUIRED', `accounts.${rows.indexOf(main!)}.balances`],
    ])
    expect(second).toMatchObject({ grants: { balances: true }, balances: [{ freshness: { source: 'CACHE' } }] })
    expect(balanceCalls()).toBe(cachedCalls)
  })
})
