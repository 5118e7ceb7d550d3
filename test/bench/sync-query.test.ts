/**
 * The benchmark's partner-sync query (bench/queries.ts, issue 17) as `npm run bench` sends it, to a real gateway over
 * the sandbox bank with the benchmark personas: the warming request fills the account's journal, the warm variants'
 * request then reads it with no error and no bank call, and the cold variant's (V2, `refresh: true`) spends the one
 * TRANSACTIONS read its minCalls says. V0 and V1 are never asked it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { request } from 'undici'
import { appliesTo, QUERIES, requestFor, VARIANTS } from '../../bench/queries.js'
import type { QueryDef, VariantId } from '../../bench/queries.js'
import type { RequestSpec } from '../../bench/load.js'
import type { SandboxBank } from '../../src/sandbox/sandbox-bank.js'
import { startExternalSandbox } from '../support/external-sandbox.js'
import { countCalls } from '../support/sandbox-counts.js'
import { startTestGateway, type TestGateway } from '../support/test-gateway.js'

const sync = QUERIES.find((q) => q.id === 'sync') as QueryDef
const PSU = sync.psu('V2w')

let sandbox: SandboxBank
let gw: TestGateway

beforeAll(async () => {
  sandbox = await startExternalSandbox(undefined, { benchPersonas: true })
  gw = await startTestGateway({ STET_BASE_URL: sandbox.url, SANDBOX_PERSONAS: 'true', SANDBOX_PERSONA_IDS: PSU })
})
afterAll(async () => {
  await gw.close()
  await sandbox.close()
})

interface SyncAnswer {
  data?: { transactionsSync: { added: { id: string }[]; modified: unknown[]; nextCursor: string; hasMore: boolean } }
  errors?: unknown[]
}

/** The request sent as the bench sends it; the answer and the bank calls it cost (the sandbox's counters). */
async function send(spec: RequestSpec): Promise<{ status: number; body: SyncAnswer; calls: number }> {
  const before = countCalls(sandbox, { psuId: PSU }).total
  const res = await request(`${gw.gateway.url}${spec.path}`, {
    method: spec.method,
    headers: spec.headers,
    ...(spec.body === undefined ? {} : { body: spec.body }),
  })
  const body = (await res.body.json()) as SyncAnswer
  return { status: res.statusCode, body, calls: countCalls(sandbox, { psuId: PSU }).total - before }
}

describe('the bench sync query', () => {
  it('is asked of the gateway variants only', () => {
    const asked: VariantId[] = VARIANTS.filter((v) => appliesTo(sync, v))
    expect(asked).toEqual(['V2', 'V2w', 'V2w-redis'])
    expect(() => requestFor('V0', sync, '')).toThrow('not asked')
    expect(() => requestFor('V1m', sync, '')).toThrow('not asked')
  })

  it('warming fills the journal, the warm request reads it with no bank call, the cold one spends minCalls', async () => {
    const present = await gw.gateway.devToken(PSU, { present: true })
    const partner = await gw.gateway.devToken(PSU)

    const warming = await send(requestFor('V2w', { ...sync, present: true }, present, PSU, true))
    expect(warming.status).toBe(200)
    expect(warming.body.errors).toBeUndefined()
    expect(warming.calls).toBe(1)
    const filled = warming.body.data?.transactionsSync.added.length ?? 0
    expect(filled).toBeGreaterThan(0)

    const warm = await send(requestFor('V2w', sync, partner))
    expect(warm.status).toBe(200)
    expect(warm.body.errors).toBeUndefined()
    expect(warm.calls).toBe(0)
    expect(warm.body.data?.transactionsSync.added.map((tx) => tx.id)).toEqual(
      warming.body.data?.transactionsSync.added.map((tx) => tx.id),
    )

    const cold = await send(requestFor('V2', sync, present))
    expect(cold.status).toBe(200)
    expect(cold.body.errors).toBeUndefined()
    expect(cold.calls).toBe(sync.minCalls)
    expect(cold.body.data?.transactionsSync.added.length).toBeGreaterThanOrEqual(filled)
  })
})
