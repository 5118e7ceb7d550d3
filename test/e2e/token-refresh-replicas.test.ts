/**
 * Two gateway replicas on one Redis, one connection whose access token has expired, concurrent reads on both: the
 * refresh lease makes it exactly one refresh at the bank (counted on the wire in front of the sandbox), and both
 * replicas go on with the rotated tokens. Then the PSU withdraws our access at the bank: the one refresh both replicas
 * need is refused `invalid_grant` (again a single call), and the connection is `REAUTHORIZATION_REQUIRED` everywhere.
 */
import { randomUUID } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createClient } from 'redis'
import type { SandboxBank } from '../../src/sandbox/sandbox-bank.js'
import { manualClock, startExternalSandbox } from '../support/external-sandbox.js'
import { LEA } from '../support/sandbox-personas.js'
import { seedDataDir, startTestGateway, type TestGateway } from '../support/test-gateway.js'
import { startTokenCallCounter, type TokenCallCounter } from '../support/token-call-counter.js'

const prefix = `stetgw-test-${randomUUID()}:`
const clock = manualClock('2026-11-24T09:00:00.000Z')
let sandbox: SandboxBank
let counter: TokenCallCounter
let dataDir: string
const replicas: TestGateway[] = []

beforeAll(async () => {
  sandbox = await startExternalSandbox(clock)
  counter = await startTokenCallCounter(sandbox.url)
  dataDir = await seedDataDir()
})
afterAll(async () => {
  for (const r of replicas) await r.close({ keepData: true })
  await counter.close()
  await sandbox.close()
  await rm(dataDir, { recursive: true, force: true })
  const client = createClient({ url: 'redis://127.0.0.1:6379' })
  await client.connect()
  const keys = await client.keys(`${prefix}*`)
  if (keys.length > 0) await client.del(keys)
  await client.quit()
})

describe('refresh single-flight across replicas', () => {
  it('two replicas, 40 concurrent reads of one expired connection: one refresh call at the bank', async () => {
    const env = {
      STET_BASE_URL: counter.url,
      SANDBOX_PERSONAS: 'true',
      SANDBOX_PERSONA_IDS: LEA,
      STORE_URL: 'redis://127.0.0.1:6379',
      STORE_PREFIX: prefix,
    }
    replicas.push(await startTestGateway(env, { clock, dataDir }))
    replicas.push(await startTestGateway(env, { clock, dataDir }))
    expect(replicas.map((r) => r.gateway.linked[0]?.status)).toEqual(['linked', 'already-linked'])
    // client_credentials grants are the readiness probe's (the bank accepts our credentials: no PSU, nothing counted).
    expect({ ...counter.grants, client_credentials: undefined }).toEqual({ authorization_code: 1 })

    clock.advance(3600_000) // the sandbox's access tokens live 3600 s
    const token = await replicas[0]!.gateway.devToken(LEA, { present: true })
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => replicas[i % 2]!.query('{ accounts { iban } }', { token })),
    )
    for (const res of answers) expect(res.errors).toBeUndefined()
    expect({ ...counter.grants, client_credentials: undefined }).toEqual({ authorization_code: 1, refresh_token: 1 })
    const connections = await replicas[1]!.query('{ bankConnections { status lastRefreshedAt } }', { token })
    expect(connections.data?.bankConnections).toEqual([
      { status: 'ACTIVE', lastRefreshedAt: '2026-11-24T10:00:00.000Z' },
    ])
  })

  it('a refused refresh (invalid_grant at the bank): one refresh call, REAUTHORIZATION_REQUIRED on both replicas', async () => {
    // The PSU withdraws our access in the bank's own app: the refresh token both replicas hold is dead at the bank.
    expect(sandbox.revokePsuAccess(LEA)).toBe(1)
    clock.advance(3600_000) // the access tokens of the first test expire: the next reads must refresh
    const token = await replicas[0]!.gateway.devToken(LEA, { present: true })
    const before = sandbox.stats().totals
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => replicas[i % 2]!.query('{ accounts { iban } }', { token })),
    )
    for (const res of answers) {
      expect(res.data).toBeNull()
      expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['REAUTHORIZATION_REQUIRED'])
    }
    // The rotating refresh token was spent once across both replicas, and that one call is the bank's refusal.
    expect({ ...counter.grants, client_credentials: undefined }).toEqual({ authorization_code: 1, refresh_token: 2 })
    expect(counter.refusals).toEqual({ 'refresh_token invalid_grant': 1 })
    expect(sandbox.stats().totals).toEqual(before) // no AIS call reached the bank

    for (const replica of replicas) {
      const connections = await replica.query('{ bankConnections { bank status } }', { token })
      expect(connections.data?.bankConnections).toEqual([{ bank: '17515', status: 'REAUTHORIZATION_REQUIRED' }])
    }
    // A partner's read that needs the bank fails the same way, spends nothing and asks the bank for nothing.
    const partner = await replicas[1]!.gateway.devToken(LEA)
    const batch = await replicas[1]!.query('{ identity { fullName } }', { token: partner })
    expect(batch.errors?.map((e) => e.extensions?.code)).toEqual(['REAUTHORIZATION_REQUIRED'])
    expect(sandbox.stats().totals).toEqual(before)
    expect(counter.refusals).toEqual({ 'refresh_token invalid_grant': 1 })
  })
})
