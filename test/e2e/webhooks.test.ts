/**
 * Webhooks end to end (issue 17): a partner registers an endpoint for LEA's connection, partner reads at the sandbox
 * bank change her balances and then run out of quota, and the gateway pushes BALANCES_UPDATED and QUOTA_EXHAUSTED
 * through its outbox to a real local receiver that fails twice before it accepts. Every event arrives once per
 * idempotency id (accepted), in order, signed with the key the gateway serves at its JWKS URL.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createWebhookVerifier } from '../../examples/verify-webhook.js'
import { manualClock } from '../support/external-sandbox.js'
import { LEA } from '../support/sandbox-personas.js'
import { startTestGateway, type TestGateway } from '../support/test-gateway.js'
import { startWebhookReceiver, type ReceivedDelivery, type WebhookReceiver } from '../support/webhook-receiver.js'

// 09:00 in Paris (CET).
const clock = manualClock('2026-11-24T08:00:00Z')
let t: TestGateway
let flaky: WebhookReceiver
let broken: WebhookReceiver

const REGISTER = `mutation R($url: String!, $events: [WebhookEvent!]!) {
  registerWebhook(url: $url, events: $events) { id url events createdAt }
}`
const HOOKS = `{ webhooks { id url pendingDeliveries deadLetters { id event attempts lastError deadAt } } }`
const READ = `{ accounts { id balances { amount { amount } } } }`

beforeAll(async () => {
  t = await startTestGateway(
    {
      SANDBOX_PERSONA_IDS: LEA,
      QUOTA_WINDOWS: 'calendar-day',
      CACHE_MIN_BATCH_MAX_AGE_MS: '0',
      WEBHOOK_POLL_MS: '20',
      WEBHOOK_RETRY_BASE_MS: '20',
      WEBHOOK_RETRY_MAX_MS: '80',
      WEBHOOK_MAX_ATTEMPTS: '4',
    },
    { clock },
  )
  flaky = await startWebhookReceiver((n) => (n < 2 ? 500 : 200))
  broken = await startWebhookReceiver(() => 503)
})
afterAll(async () => {
  await t.close()
  await flaky.close()
  await broken.close()
})

/** As LEA's partner: a token minted on the moving clock (development tokens live 12 h). */
async function asLea(query: string, variables?: Record<string, unknown>) {
  const token = await t.gateway.devToken(LEA)
  return t.query(query, { token, ...(variables === undefined ? {} : { variables }) })
}

async function hooks(): Promise<{ id: string; url: string; pendingDeliveries: number; deadLetters: unknown[] }[]> {
  const res = await asLea(HOOKS)
  expect(res.errors).toBeUndefined()
  return (res.data as { webhooks: { id: string; url: string; pendingDeliveries: number; deadLetters: unknown[] }[] })
    .webhooks
}

async function settled(): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if ((await hooks()).every((h) => h.pendingDeliveries === 0)) return
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error('the outbox did not drain')
}

/** The distinct ids in the order they first arrived, and each id's attempts contiguous (never interleaved). */
function deliveryOrder(received: readonly ReceivedDelivery[]): string[] {
  const order: string[] = []
  for (const r of received) {
    if (order.at(-1) === r.id) continue
    expect(order).not.toContain(r.id)
    order.push(r.id)
  }
  return order
}

describe('webhooks', () => {
  it('a receiver that fails twice then succeeds gets every event once per idempotency id, in order, signed', async () => {
    for (const url of [flaky.url, broken.url]) {
      const res = await asLea(REGISTER, { url, events: ['BALANCES_UPDATED', 'QUOTA_EXHAUSTED'] })
      expect(res.errors).toBeUndefined()
      expect(res.data?.registerWebhook).toMatchObject({ url, events: ['BALANCES_UPDATED', 'QUOTA_EXHAUSTED'] })
    }
    // 09:00 the first read (balances change from nothing), then reads the freshness policy sends to the bank
    // until the 4 calls of the day are spent; at 23:30 and 23:40 the ledger refuses (stale values, one event).
    for (const iso of ['08:00', '13:00', '18:00', '22:00', '22:30', '22:40']) {
      clock.set(`2026-11-24T${iso}:00Z`)
      const res = await asLea(READ)
      expect(res.errors).toBeUndefined()
    }
    await settled()

    const accepted = flaky.received.filter((r) => r.answered === 200)
    const ids = accepted.map((r) => r.id)
    expect(new Set(ids).size).toBe(ids.length)
    // Every delivered body names its own id, and the order of first arrival is the order of the events.
    for (const r of flaky.received) expect(r.json.id).toBe(r.id)
    const order = deliveryOrder(flaky.received)
    expect(order).toEqual(ids)
    const times = accepted.map((r) => Date.parse(r.json.createdAt))
    expect([...times].sort((a, b) => a - b)).toEqual(times)
    // The first event took three attempts (500, 500, 200), the others one.
    expect(flaky.received.slice(0, 3).map((r) => [r.id, r.answered, r.attempt])).toEqual([
      [ids[0], 500, '1'],
      [ids[0], 500, '2'],
      [ids[0], 200, '3'],
    ])
    const types = accepted.map((r) => r.json.type)
    // LEA's two accounts: two balance changes at 09:00, then each account's BALANCES key exhausted once.
    expect(types.filter((x) => x === 'BALANCES_UPDATED')).toHaveLength(2)
    const exhausted = accepted.filter((r) => r.json.type === 'QUOTA_EXHAUSTED' && r.json.data.method === 'BALANCES')
    expect(exhausted).toHaveLength(2)
    expect(new Set(exhausted.map((r) => r.json.data.accountId)).size).toBe(2)
    expect(exhausted[0]?.json.data.nextAllowedAt).toBe('2026-11-24T23:00:00.000Z')
    // No refusal at the referee: the limit was the ledger's, never the bank's.
    expect(t.gateway.sandbox?.stats().keys.reduce((n, k) => n + k.refused, 0)).toBe(0)

    // Signatures verify against the gateway's own JWKS endpoint (the README's recipe), and only over the exact body.
    const verify = createWebhookVerifier(t.gateway.url)
    for (const r of flaky.received) {
      expect(await verify(r.body, r.signature)).toEqual(r.json)
      const tampered = r.body.replace('"bank":"17515"', '"bank":"17516"')
      await expect(verify(tampered, r.signature)).rejects.toThrow()
    }
  })

  it('a receiver that never accepts: each event is dead-lettered after its last attempt, visible, and the next goes', async () => {
    const dead = (await hooks()).find((h) => h.url === broken.url)
    expect(dead?.pendingDeliveries).toBe(0)
    const letters = dead?.deadLetters as { id: string; event: string; attempts: number; lastError: string }[]
    const sent = deliveryOrder(broken.received)
    expect(letters.map((l) => l.id)).toEqual([...sent].reverse())
    for (const l of letters) expect(l).toMatchObject({ attempts: 4, lastError: 'HTTP 503' })
    // The same events as the healthy receiver, with the same idempotency ids.
    expect(sent).toEqual(deliveryOrder(flaky.received))
  })

  it('webhooks are the caller PSU’s: another PSU neither sees nor removes them', async () => {
    const [first] = await hooks()
    const other = await t.gateway.devToken('9999999902')
    const seen = await t.query(HOOKS, { token: other })
    expect(seen.data?.webhooks).toEqual([])
    const res = await t.query(`mutation { unregisterWebhook(id: "${first?.id}") }`, { token: other })
    expect(res.errors?.[0]?.extensions?.code).toBe('NOT_FOUND')
    const mine = await asLea(`mutation { unregisterWebhook(id: "${first?.id}") }`)
    expect(mine.data?.unregisterWebhook).toBe(true)
    expect((await hooks()).map((h) => h.id)).not.toContain(first?.id)
  })

  it('a bad URL or no event is BAD_USER_INPUT, before anything is stored', async () => {
    for (const [url, events] of [
      ['ftp://example.com/hook', ['BALANCES_UPDATED']],
      ['not a url', ['BALANCES_UPDATED']],
      ['https://user:secret@example.com/hook', ['BALANCES_UPDATED']],
      ['https://example.com/hook', []],
    ] as const) {
      const res = await asLea(REGISTER, { url, events })
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    }
  })
})

describe('webhook URLs outside sandbox rules (WEBHOOK_ALLOW_INSECURE_URLS=false)', () => {
  it('https only, and no loopback, private, link-local or mapped address, by literal or by name', async () => {
    const strict = await startTestGateway({ SANDBOX_PERSONA_IDS: LEA, WEBHOOK_ALLOW_INSECURE_URLS: 'false' })
    try {
      const lea = await strict.gateway.devToken(LEA)
      for (const url of [
        'http://example.com/hook',
        'https://127.0.0.1/hook',
        'https://10.1.2.3/hook',
        'https://192.168.0.1/hook',
        'https://169.254.169.254/latest/meta-data',
        'https://[::1]/hook',
        'https://[fd00::1]/hook',
        'https://[::ffff:127.0.0.1]/hook',
        'https://0x7f000001/hook',
        'https://localhost/hook',
      ]) {
        const res = await strict.query(REGISTER, { token: lea, variables: { url, events: ['BALANCES_UPDATED'] } })
        expect([url, res.errors?.[0]?.extensions?.code]).toEqual([url, 'BAD_USER_INPUT'])
      }
      const ok = await strict.query(REGISTER, {
        token: lea,
        variables: { url: 'https://93.184.216.34/hook', events: ['BALANCES_UPDATED'] },
      })
      expect(ok.errors).toBeUndefined()
    } finally {
      await strict.close()
    }
  })
})
