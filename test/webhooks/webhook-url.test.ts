/**
 * Webhook URL checks (webhooks/webhook-url.ts) outside sandbox rules: at registration (form, literal addresses,
 * every resolved address) and at delivery, inside the socket's own lookup, so a name that resolved to a public
 * address at registration and to loopback at delivery (DNS rebinding) is refused before any connection.
 */
import type { LookupAddress } from 'node:dns'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { silentLogger } from '../../src/observability/logger.js'
import { processLocalLock } from '../../src/cache/single-flight.js'
import { DeliveryWorker } from '../../src/webhooks/delivery-worker.js'
import { EmbeddedWebhookStore } from '../../src/webhooks/embedded-webhook-store.js'
import { loadWebhookSigner } from '../../src/webhooks/webhook-signer.js'
import { checkedLookup, checkUrl, type Resolve } from '../../src/webhooks/webhook-url.js'
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js'

const strict = { allowInsecure: false }

/** A name server under the test's control: each name answers the next address of its list, the last one after. */
function scriptedResolve(answers: Record<string, string[]>): Resolve {
  return async (hostname) => {
    const list = answers[hostname]
    if (list === undefined || list.length === 0) throw new Error('ENOTFOUND')
    const address = list.length > 1 ? (list.shift() as string) : (list[0] as string)
    return [{ address, family: address.includes(':') ? 6 : 4 } satisfies LookupAddress]
  }
}

describe('checkUrl (registration)', () => {
  it('accepts https to a public address, by literal or by a name that resolves to one', async () => {
    const resolve = scriptedResolve({ 'hooks.partner.example': ['93.184.216.34'] })
    await expect(checkUrl('https://hooks.partner.example/in', strict, resolve)).resolves.toBeInstanceOf(URL)
    await expect(checkUrl('https://[2606:2800:220:1::1]/in', strict, resolve)).resolves.toBeInstanceOf(URL)
  })

  it.each([
    ['http://93.184.216.34/in', /https/],
    ['https://127.0.0.1/in', /loopback/],
    ['https://100.64.0.1/in', /carrierGradeNat/],
    ['https://[fe80::1]/in', /linkLocal/],
    ['https://[::ffff:10.0.0.1]/in', /private/],
    ['https://0.0.0.0/in', /unspecified/],
    ['https://224.0.0.1/in', /multicast/],
    ['https://internal.partner.example/in', /private/],
    ['https://nowhere.example/in', /does not resolve/],
  ])('refuses %s', async (url, reason) => {
    const resolve = scriptedResolve({ 'internal.partner.example': ['10.0.0.7'] })
    await expect(checkUrl(url, strict, resolve)).rejects.toThrow(reason)
  })
})

describe('at delivery', () => {
  let dir: string
  let receiver: WebhookReceiver
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'stetgw-webhook-url-'))
    receiver = await startWebhookReceiver()
  })
  afterAll(async () => {
    await receiver.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('the socket lookup refuses a name that now resolves to loopback (DNS rebinding)', async () => {
    const resolve = scriptedResolve({ 'rebind.example': ['93.184.216.34', '127.0.0.1'] })
    const lookup = checkedLookup(strict, resolve)
    const first = await new Promise<[Error | null, unknown]>((r) => lookup('rebind.example', {}, (e, a) => r([e, a])))
    expect(first).toEqual([null, '93.184.216.34'])
    const second = await new Promise<[Error | null, unknown]>((r) => lookup('rebind.example', {}, (e, a) => r([e, a])))
    expect(second[0]?.message).toMatch(/loopback/)
  })

  it('a delivery to a name rebound to the local receiver never reaches it, and records why', async () => {
    const port = new URL(receiver.url).port
    // Registered while the name was public; by delivery time it points at this machine.
    const resolve = scriptedResolve({ 'rebind.example': ['93.184.216.34', '127.0.0.1'] })
    const url = `https://rebind.example:${port}/hooks`
    await checkUrl(url, strict, resolve)
    const store = new EmbeddedWebhookStore({ dir, clock: Date.now })
    const signer = await loadWebhookSigner({ dataDir: dir })
    const worker = new DeliveryWorker(
      { store, lock: processLocalLock, signer, urls: strict, wallClock: Date.now, logger: silentLogger, resolve },
      { pollMs: 1000, timeoutMs: 2000, maxAttempts: 3, retryBaseMs: 1, retryMaxMs: 1, concurrency: 1 },
    )
    try {
      await store.register({ id: 'w', bank: '17515', psuId: 'P', url, events: ['X'], createdAt: 0 }, 1)
      await store.enqueue({ id: 'e', webhookId: 'w', eventType: 'X', body: '{}', createdAt: 0, attempts: 0 }, 0)
      expect(await worker.runOnce()).toBe(1)
      expect(await store.head('w')).toMatchObject({
        id: 'e',
        attempts: 1,
        lastError: expect.stringMatching(/loopback/),
      })
      expect(receiver.received).toHaveLength(0)
    } finally {
      await worker.close()
      await store.close()
    }
  })
})
