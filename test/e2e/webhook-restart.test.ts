/**
 * The outbox survives a crash (issue 17): a `node dist/main.js` gateway is SIGKILLed while its POST of an event is
 * in flight (the receiver holds the request open); the gateway started again on the same DATA_DIR delivers that
 * event again, with the same idempotency id, and then the rest in order. Nothing was lost, nothing skipped.
 */
import { rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { issueDevToken, loadOrCreateDevSigningKey } from '../../src/auth/dev-token.js'
import { spawnGateway, type GatewayProcess } from '../support/processes.js'
import { LEA } from '../support/sandbox-personas.js'
import { postGraphQL, seedDataDir } from '../support/test-gateway.js'
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js'

let dataDir: string
let receiver: WebhookReceiver
let gateway: GatewayProcess | undefined
// The first delivery hangs until the process is killed; every later one is accepted.
let hang = true

const env = () => ({
  DATA_DIR: dataDir,
  SANDBOX_PERSONA_IDS: LEA,
  WEBHOOK_POLL_MS: '50',
  WEBHOOK_RETRY_BASE_MS: '50',
  WEBHOOK_TIMEOUT_MS: '60000',
})

beforeAll(async () => {
  dataDir = await seedDataDir()
  receiver = await startWebhookReceiver(() => (hang ? 'hang' : 200))
})
afterAll(async () => {
  await gateway?.stop()
  await receiver.close()
  await rm(dataDir, { recursive: true, force: true })
})

describe('webhook outbox across a crash', () => {
  it('a gateway killed mid-delivery re-delivers after restart, same id, then the rest in order', async () => {
    gateway = await spawnGateway(env())
    const key = await loadOrCreateDevSigningKey(dataDir)
    const token = await issueDevToken(
      key,
      { psuId: LEA, present: false, banks: [] },
      { clock: Date.now, ttlSeconds: 600 },
    )
    const reg = await postGraphQL(
      gateway.url,
      `mutation { registerWebhook(url: "${receiver.url}", events: [BALANCES_UPDATED]) { id } }`,
      { token },
    )
    expect(reg.errors).toBeUndefined()
    // LEA's two accounts: two BALANCES_UPDATED, in the outbox before the answer leaves.
    const read = await postGraphQL(gateway.url, '{ accounts { balances { name } } }', { token })
    expect(read.errors).toBeUndefined()
    await receiver.waitFor((r) => r.length === 1)
    const inFlight = receiver.received[0]
    expect(inFlight?.answered).toBe('hang')

    await gateway.crash()
    hang = false
    gateway = await spawnGateway(env())

    await receiver.waitFor((r) => r.filter((x) => x.answered === 200).length === 2)
    const accepted = receiver.received.filter((r) => r.answered === 200)
    // The one in flight at the kill comes first again, with its id; then the second event.
    expect(accepted[0]?.id).toBe(inFlight?.id)
    expect(accepted[0]?.body).toBe(inFlight?.body)
    expect(accepted[1]?.id).not.toBe(inFlight?.id)
    expect(accepted.map((r) => r.json.type)).toEqual(['BALANCES_UPDATED', 'BALANCES_UPDATED'])
    expect(new Set(accepted.map((r) => r.json.data.accountId)).size).toBe(2)
    const pending = await postGraphQL(gateway.url, '{ webhooks { pendingDeliveries } }', { token })
    expect(pending.data?.webhooks).toEqual([{ pendingDeliveries: 0 }])
  })
})
