/**
 * Two gateway replicas on one Redis, one sandbox bank (the referee), one clock (issue 17): at each slot both
 * schedulers tick at once and exactly one runs it; the outbox is shared, so a webhook registered on one replica is
 * delivered once per event whichever replica's worker takes it.
 */
import { randomUUID } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createClient } from 'redis'
import type { SandboxBank } from '../../src/sandbox/sandbox-bank.js'
import { manualClock, startExternalSandbox } from '../support/external-sandbox.js'
import { LEA } from '../support/sandbox-personas.js'
import { seedDataDir, startTestGateway, type TestGateway } from '../support/test-gateway.js'
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js'

const prefix = `stetgw-test-${randomUUID()}:`
// 05:00 in Paris (CET).
const clock = manualClock('2026-11-24T04:00:00.000Z')
let sandbox: SandboxBank
let dataDir: string
let receiver: WebhookReceiver
const replicas: TestGateway[] = []

beforeAll(async () => {
  sandbox = await startExternalSandbox(clock)
  dataDir = await seedDataDir()
  receiver = await startWebhookReceiver()
  const env = {
    STET_BASE_URL: sandbox.url,
    SANDBOX_PERSONAS: 'true',
    SANDBOX_PERSONA_IDS: LEA,
    STORE_URL: 'redis://127.0.0.1:6379',
    STORE_PREFIX: prefix,
    REFRESH_SCHEDULE: '06:00,11:00,16:00,21:00',
    REFRESH_TICK_MS: '3600000',
    WEBHOOK_POLL_MS: '20',
  }
  replicas.push(await startTestGateway(env, { clock, dataDir }))
  replicas.push(await startTestGateway(env, { clock, dataDir }))
})
afterAll(async () => {
  for (const r of replicas) await r.close({ keepData: true })
  await receiver.close()
  await sandbox.close()
  await rm(dataDir, { recursive: true, force: true })
  const client = createClient({ url: 'redis://127.0.0.1:6379' })
  await client.connect()
  const keys = await client.keys(`${prefix}*`)
  if (keys.length > 0) await client.del(keys)
  await client.quit()
})

function leaBatchCalls(): number[] {
  return sandbox
    .stats()
    .keys.filter((k) => k.psuId === LEA && (k.method === 'balances' || k.method === 'transactions'))
    .map((k) => k.batch)
}

describe('two replicas', () => {
  it('only one scheduler runs a slot; the shared outbox delivers each event once', async () => {
    const [a, b] = replicas
    if (a === undefined || b === undefined) throw new Error('replicas did not start')
    const res = await a.query(
      `mutation { registerWebhook(url: "${receiver.url}", events: [BALANCES_UPDATED]) { id } }`,
      { token: await a.gateway.devToken(LEA) },
    )
    expect(res.errors).toBeUndefined()
    for (const [slot, iso] of [
      [1, '2026-11-24T05:01:00.000Z'],
      [2, '2026-11-24T10:01:00.000Z'],
    ] as const) {
      clock.set(iso)
      const reports = await Promise.all([a.gateway.sync.scheduler.tick(), b.gateway.sync.scheduler.tick()])
      expect(reports.filter((r) => r !== undefined)).toHaveLength(1)
      expect(reports.find((r) => r !== undefined)).toMatchObject({ refreshed: 4, failed: 0 })
      // The loser does not run it later either.
      expect(await a.gateway.sync.scheduler.tick()).toBeUndefined()
      expect(await b.gateway.sync.scheduler.tick()).toBeUndefined()
      expect(leaBatchCalls()).toEqual([slot, slot, slot, slot])
    }
    // LEA's two accounts' first balances, delivered by whichever worker, once each.
    await receiver.waitFor((r) => r.length >= 2)
    await new Promise((r) => setTimeout(r, 300))
    expect(receiver.received.map((r) => [r.json.type, r.answered])).toEqual([
      ['BALANCES_UPDATED', 200],
      ['BALANCES_UPDATED', 200],
    ])
    expect(new Set(receiver.received.map((r) => r.id)).size).toBe(2)
    expect(sandbox.stats().totals.refused).toBe(0)
  })
})
