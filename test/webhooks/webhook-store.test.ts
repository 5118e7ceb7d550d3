/**
 * The outbox contract (webhooks/webhook-store.ts), on both stores: the embedded lmdb one (reopened, as after a
 * restart) and the real Redis (a unique prefix per run, deleted after). Order per webhook, only the head handed out,
 * pops only of the head named, dead letters newest first and bounded, registration limits, one-time claims.
 */
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createClient, type RedisClientType } from 'redis'
import { EmbeddedWebhookStore } from '../../src/webhooks/embedded-webhook-store.js'
import { RedisWebhookStore } from '../../src/webhooks/redis-webhook-store.js'
import { DEAD_LETTERS_KEPT, type Delivery, type WebhookStore } from '../../src/webhooks/webhook-store.js'

let redis: RedisClientType
let dir: string
const prefix = `stetgw-test-${randomUUID()}:`

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'stetgw-webhooks-'))
  redis = createClient({ url: 'redis://127.0.0.1:6379' }) as RedisClientType
  await redis.connect()
})
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`)
  if (keys.length > 0) await redis.del(keys)
  await redis.close()
  await rm(dir, { recursive: true, force: true })
})

const stores: [string, () => WebhookStore, (old: WebhookStore) => Promise<WebhookStore>][] = [
  [
    'embedded',
    () => new EmbeddedWebhookStore({ dir: path.join(dir, 'a'), clock: Date.now }),
    async (old) => {
      await old.close()
      return new EmbeddedWebhookStore({ dir: path.join(dir, 'a'), clock: Date.now })
    },
  ],
  ['redis', () => new RedisWebhookStore(redis, { prefix }), async () => new RedisWebhookStore(redis, { prefix })],
]

function delivery(webhookId: string, n: number): Delivery {
  return { id: `evt-${n}`, webhookId, eventType: 'BALANCES_UPDATED', body: `{"n":${n}}`, createdAt: n, attempts: 0 }
}

describe.each(stores)('%s webhook store', (_name, open, reopen) => {
  let store: WebhookStore
  beforeAll(() => {
    store = open()
  })
  afterAll(async () => {
    await store.close()
  })

  it('registers at most N webhooks per connection and lists them for that connection only', async () => {
    const base = { bank: '17515', psuId: 'P1', url: 'https://example.com/h', events: ['BALANCES_UPDATED'] }
    expect(await store.register({ ...base, id: 'w1', createdAt: 1 }, 2)).toBe(true)
    expect(await store.register({ ...base, id: 'w2', createdAt: 2 }, 2)).toBe(true)
    expect(await store.register({ ...base, id: 'w3', createdAt: 3 }, 2)).toBe(false)
    expect(await store.register({ ...base, psuId: 'P2', id: 'w4', createdAt: 4 }, 2)).toBe(true)
    expect((await store.forConnection('17515', 'P1')).map((h) => h.id).sort()).toEqual(['w1', 'w2'])
    expect(await store.get('w3')).toBeUndefined()
  })

  it('hands out the head only, in order, survives a reopen, and pops only the head it is told', async () => {
    for (const n of [1, 2, 3]) await store.enqueue(delivery('w1', n), 1000)
    expect(await store.due(999, 10)).not.toContain('w1')
    expect(await store.due(1000, 10)).toContain('w1')
    store = await reopen(store)
    expect((await store.head('w1'))?.id).toBe('evt-1')
    expect(await store.pending('w1')).toBe(3)
    // A stale worker naming a delivery that is not the head changes nothing.
    await store.delivered('w1', 'evt-2', 1001)
    expect((await store.head('w1'))?.id).toBe('evt-1')
    await store.failed('w1', { ...delivery('w1', 1), attempts: 1, lastError: 'HTTP 500' }, 5000)
    expect(await store.due(4999, 10)).not.toContain('w1')
    expect(await store.head('w1')).toMatchObject({ id: 'evt-1', attempts: 1, lastError: 'HTTP 500' })
    await store.delivered('w1', 'evt-1', 6000)
    expect((await store.head('w1'))?.id).toBe('evt-2')
    // The next head is due at once, whatever its predecessor's retry time was.
    expect(await store.due(6000, 10)).toContain('w1')
    await store.dead('w1', { ...delivery('w1', 2), attempts: 4, deadAt: 7000 }, 7000)
    await store.delivered('w1', 'evt-3', 7001)
    expect(await store.head('w1')).toBeUndefined()
    expect(await store.pending('w1')).toBe(0)
    expect(await store.due(Number.MAX_SAFE_INTEGER, 10)).not.toContain('w1')
    expect((await store.deadLetters('w1', 10)).map((d) => [d.id, d.attempts])).toEqual([['evt-2', 4]])
  })

  it('keeps the newest dead letters only', async () => {
    for (let n = 0; n < DEAD_LETTERS_KEPT + 5; n++) {
      await store.enqueue(delivery('w2', n), 10)
      await store.dead('w2', { ...delivery('w2', n), attempts: 1 }, 10)
    }
    const letters = await store.deadLetters('w2', 1000)
    expect(letters).toHaveLength(DEAD_LETTERS_KEPT)
    expect(letters[0]?.id).toBe(`evt-${DEAD_LETTERS_KEPT + 4}`)
    expect(letters.at(-1)?.id).toBe('evt-5')
  })

  it('unregister removes the webhook, its queue and its letters; a later enqueue for it is dropped', async () => {
    await store.enqueue(delivery('w2', 900), 10)
    expect((await store.unregister('w2'))?.id).toBe('w2')
    expect(await store.unregister('w2')).toBeUndefined()
    expect(await store.head('w2')).toBeUndefined()
    expect(await store.deadLetters('w2', 10)).toEqual([])
    await store.enqueue(delivery('w2', 901), 10)
    expect(await store.pending('w2')).toBe(0)
    expect((await store.forConnection('17515', 'P1')).map((h) => h.id)).toEqual(['w1'])
  })

  it('claims a key once, whoever asks, until it expires', async () => {
    const key = `slot|${randomUUID()}`
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => store.claimOnce(key, 60_000)))
    expect(results.filter(Boolean)).toHaveLength(1)
    const short = `short|${randomUUID()}`
    expect(await store.claimOnce(short, 1)).toBe(true)
    await new Promise((r) => setTimeout(r, 20))
    expect(await store.claimOnce(short, 1)).toBe(true)
  })
})
