/**
 * REAUTHORIZATION_REQUIRED (issue 17): LEA's refresh token is revoked at the sandbox bank (as a PSU withdrawing
 * access in her bank's app would); the next read after her access token expires asks for a refresh, the bank refuses
 * it (invalid_grant), the gateway drops the tokens, and the partner's webhook is told once.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { request } from 'undici'
import { OAUTH_REVOKE_PATH } from '../../src/stet-api/wire.js'
import { manualClock } from '../support/external-sandbox.js'
import { LEA } from '../support/sandbox-personas.js'
import { startTestGateway, type TestGateway } from '../support/test-gateway.js'
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js'

const clock = manualClock('2026-11-24T08:00:00Z')
let t: TestGateway
let receiver: WebhookReceiver

beforeAll(async () => {
  t = await startTestGateway({ SANDBOX_PERSONA_IDS: LEA, WEBHOOK_POLL_MS: '20' }, { clock })
  receiver = await startWebhookReceiver()
})
afterAll(async () => {
  await t.close()
  await receiver.close()
})

describe('REAUTHORIZATION_REQUIRED webhook', () => {
  it('a refresh the bank refuses tells the partner once, and the connection says so', async () => {
    const token = () => t.gateway.devToken(LEA)
    const reg = await t.query(
      `mutation { registerWebhook(url: "${receiver.url}", events: [REAUTHORIZATION_REQUIRED]) { id } }`,
      { token: await token() },
    )
    expect(reg.errors).toBeUndefined()
    const held = await t.gateway.services.connections.list.tokens({ bank: '17515', psuId: LEA })
    if (held === undefined || held === 'unreadable') throw new Error('LEA is not linked')
    const revoked = await request(`${t.gateway.sandbox?.url}${OAUTH_REVOKE_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token: held.refreshToken,
        token_type_hint: 'refresh_token',
        client_id: 'PSDFR-ACPR-SANDBOX',
      }).toString(),
    })
    await revoked.body.dump()
    expect(revoked.statusCode).toBe(200)

    clock.advance(2 * 3600_000) // past the access token's hour: the next call refreshes
    // LEA at her keyboard: a present read always goes to the bank (a batch read would be served from the cache).
    for (let i = 0; i < 2; i++) {
      const read = await t.query('{ accounts(bank: "17515") { iban } }', {
        token: await t.gateway.devToken(LEA, { present: true }),
      })
      expect(read.errors?.[0]?.extensions?.code).toBe('REAUTHORIZATION_REQUIRED')
    }
    await receiver.waitFor((r) => r.length >= 1)
    await new Promise((r) => setTimeout(r, 200))
    expect(receiver.received.map((r) => [r.json.type, r.json.psuId, r.json.bank, r.answered])).toEqual([
      ['REAUTHORIZATION_REQUIRED', LEA, '17515', 200],
    ])
    const connections = await t.query('{ bankConnections { status } }', { token: await token() })
    expect(connections.data?.bankConnections).toEqual([{ status: 'REAUTHORIZATION_REQUIRED' }])
  })
})
