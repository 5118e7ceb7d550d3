/**
 * What an operator sees: /metrics moving with a known sequence, /readyz false while the store is down or the bank
 * rejects our signature (with BANK_CREDENTIALS_REJECTED for reads, never REAUTHORIZATION_REQUIRED), and one request
 * id in the response header, on the request's log line, and in the bank's X-Request-ID of each of its calls.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { request } from 'undici'
import { createLogger } from '../../src/observability/logger.js'
import { loadOrCreateDevPki } from '../../src/pki/dev-pki.js'
import { startSandboxBank, type SandboxBank } from '../../src/sandbox/sandbox-bank.js'
import { startPrivateRedis } from '../support/processes.js'
import { countCalls } from '../support/sandbox-counts.js'
import { startTestGateway, type TestGateway } from '../support/test-gateway.js'

const LEA = '9999999901'
const LEA_IBAN = 'FR7617515000920400430518020'

async function accountIdOf(gw: TestGateway, token: string, iban: string): Promise<string> {
  const res = await gw.query('{ accounts { id iban } }', { token })
  const id = (res.data?.accounts as { id: string; iban: string }[] | undefined)?.find((a) => a.iban === iban)?.id
  if (id === undefined) throw new Error(`no account ${iban}`)
  return id
}

async function metricValue(baseUrl: string, name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await request(`${baseUrl}/metrics`)).body.text()
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`)
  let total = 0
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue
    if (wanted.every((w) => line.includes(w))) total += Number(line.slice(line.lastIndexOf(' ') + 1))
  }
  return total
}

async function readyz(baseUrl: string): Promise<{ status: number; body: Record<string, string> }> {
  const res = await request(`${baseUrl}/readyz`)
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, string> }
}

const TECHNCO = 'D0999993I0'

describe('/metrics', () => {
  let gw: TestGateway
  beforeAll(async () => {
    gw = await startTestGateway({ QUOTA_DAILY_LIMIT: '2', SANDBOX_PERSONA_IDS: `${LEA},${TECHNCO}` })
  }, 60_000)
  afterAll(() => gw.close())

  it('counts one cold read, one cached read and one refused reservation, with no PSU or IBAN in any label', async () => {
    const lea = await gw.gateway.devToken(LEA)
    const technco = await gw.gateway.devToken(TECHNCO)
    const url = gw.gateway.url
    const read = async () => ({
      bank: await metricValue(url, 'stetgw_bank_requests_total', { method: 'balances', presence: 'unattended' }),
      miss: await metricValue(url, 'stetgw_cache_reads_total', { method: 'balances', outcome: 'miss' }),
      hit: await metricValue(url, 'stetgw_cache_reads_total', { method: 'balances', outcome: 'hit' }),
      granted: await metricValue(url, 'stetgw_quota_reservations_total', { method: 'balances', outcome: 'granted' }),
      refused: await metricValue(url, 'stetgw_quota_reservations_total', { method: 'identity', outcome: 'refused' }),
      quotaErrors: await metricValue(url, 'stetgw_graphql_errors_total', { code: 'QUOTA_EXHAUSTED' }),
    })
    const before = await read()
    const bankBefore = countCalls(gw.gateway.sandbox!, { psuId: LEA, method: 'balances' }).batch
    const balances = `query Balances { account(id: "${await accountIdOf(gw, lea, LEA_IBAN)}") { balances { amount { amount } } } }`

    expect((await gw.query(balances, { token: lea })).errors).toBeUndefined() // cold: the bank
    expect((await gw.query(balances, { token: lea })).errors).toBeUndefined() // cached
    // Tech'n Co's identity is not consented: nothing to cache, so the third read needs a unit the limit of 2 lacks.
    // Each read first forgets the remembered refusal (as a consent change would: DESIGN inv. 11), so it asks the bank.
    const caller = { psuId: TECHNCO, consumer: 'partner' as const, presence: undefined, banks: ['17515'] }
    for (let i = 0; i < 3; i++) {
      await gw.gateway.services.reader.forgetRefusals(caller, '17515')
      if (i < 2) await gw.query('query Identity { identity { fullName } }', { token: technco })
    }
    const refused = await gw.query('query Identity { identity { fullName } }', { token: technco })
    expect(refused.errors?.find((e) => e.path?.[0] === 'identity')?.extensions?.code).toBe('QUOTA_EXHAUSTED')

    const after = await read()
    expect(after.bank - before.bank).toBe(1)
    expect(countCalls(gw.gateway.sandbox!, { psuId: LEA, method: 'balances' }).batch - bankBefore).toBe(1)
    expect(after.miss - before.miss).toBe(1)
    expect(after.hit - before.hit).toBe(1)
    expect(after.granted - before.granted).toBe(1)
    expect(after.refused - before.refused).toBe(1)
    expect(after.quotaErrors - before.quotaErrors).toBe(1)
    expect(await metricValue(url, 'stetgw_graphql_operations_total', { operation: 'Balances', outcome: 'ok' })).toBe(2)

    const text = await (await request(`${url}/metrics`)).body.text()
    expect(text).toContain('stetgw_process_cpu_seconds_total')
    expect(text).not.toContain(LEA)
    expect(text).not.toContain(TECHNCO)
    expect(text).not.toMatch(/FR76\d{10,}/)
    expect(text).not.toContain(lea)
  })
})

describe('/readyz', () => {
  it('is false while the store is down (alive all along)', async () => {
    const redis = await startPrivateRedis()
    const gw = await startTestGateway({ STORE_URL: redis.url, SANDBOX_PERSONAS: 'false' })
    try {
      expect((await readyz(gw.gateway.url)).status).toBe(200)
      await redis.stop()
      const down = await readyz(gw.gateway.url)
      expect(down.status).toBe(503)
      expect(down.body.store).toBe('unreachable')
      expect((await request(`${gw.gateway.url}/healthz`)).statusCode).toBe(200) // alive all along
    } finally {
      await gw.close()
      await redis.stop()
    }
  }, 60_000)

  it('is false while the bank rejects our signature, and one error names the setting', async () => {
    // A standalone sandbox trusting ANOTHER development PKI than the gateway's: every signature fails.
    const otherPki = await mkdtemp(path.join(tmpdir(), 'stetgw-other-pki-'))
    const pki = await loadOrCreateDevPki(otherPki, { clientId: 'PSDFR-ACPR-SANDBOX' })
    const bank: SandboxBank = await startSandboxBank({
      tppCertificatePem: pki.qsealc.certPem,
      clientId: 'PSDFR-ACPR-SANDBOX',
    })
    const lines: string[] = []
    const logger = createLogger(
      'info',
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(...chunk.toString().split('\n').filter(Boolean))
          done()
        },
      }),
    )
    const gw = await startTestGateway(
      { STET_BASE_URL: bank.url, SANDBOX_PERSONAS: 'true', SANDBOX_PERSONA_IDS: LEA },
      { logger },
    )
    try {
      expect(gw.gateway.credentials.status).toBe('rejected')
      const report = await readyz(gw.gateway.url)
      expect(report.status).toBe(503)
      expect(report.body.bank).toBe('credentials rejected')
      await readyz(gw.gateway.url)
      const errors = lines.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.level >= 50)
      expect(errors).toHaveLength(1)
      expect(errors[0]?.msg).toContain('STET_DEV_PKI_DIR')
      // Nothing was counted by the bank for the probe (it names no PSU).
      expect(countCalls(bank, {}).batch).toBe(0)
    } finally {
      await gw.close()
      await bank.close()
      await rm(otherPki, { recursive: true, force: true })
    }
  }, 90_000)
})

describe('request ids', () => {
  let gw: TestGateway
  const lines: { requestId?: string; msg: string }[] = []
  beforeAll(async () => {
    const logger = createLogger(
      'debug',
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as { msg: string })
          done()
        },
      }),
    )
    gw = await startTestGateway({ SANDBOX_PERSONA_IDS: LEA }, { logger })
  }, 60_000)
  afterAll(() => gw.close())

  it("takes the caller's X-Request-ID, returns it, logs it and sends it (suffixed per call) to the bank", async () => {
    const token = await gw.gateway.devToken(LEA)
    const id = 'partner-sync-42'
    const res = await request(`${gw.gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': id },
      body: JSON.stringify({
        query: `{ account(id: "${await accountIdOf(gw, token, LEA_IBAN)}") { balances { amount { amount } } } }`,
      }),
    })
    expect(res.statusCode).toBe(200)
    await res.body.json()
    expect(res.headers['x-request-id']).toBe(id)
    // The request's own line names it (the bank calls' ids are the bank's record of it).
    expect(lines.some((l) => l.requestId === id && l.msg === 'request')).toBe(true)
    const sent = gw.gateway.sandbox!.receivedRequestIds().filter((r) => r.startsWith(`${id}.`))
    expect(sent.length).toBeGreaterThanOrEqual(1)
    expect(new Set(sent).size).toBe(sent.length)
  })

  it('sends it, suffixed per call, on the bank calls of a present PSU too', async () => {
    const token = await gw.gateway.devToken(LEA, { present: true })
    const id = 'frontend-7'
    const res = await request(`${gw.gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': id },
      body: JSON.stringify({ query: '{ accounts { balances { amount { amount } } } }' }),
    })
    expect(res.statusCode).toBe(200)
    await res.body.json()
    const sent = gw.gateway.sandbox!.receivedRequestIds().filter((r) => r.startsWith(`${id}.`))
    // The account list, then one balances call per account: each its own id, numbered in the order they left.
    expect(sent.length).toBeGreaterThanOrEqual(2)
    expect(new Set(sent).size).toBe(sent.length)
    expect(sent).toContain(`${id}.1`)
  })

  it('makes one when the caller sends none or a malformed one', async () => {
    const res = await request(`${gw.gateway.url}/healthz`, { headers: { 'x-request-id': 'bad id with spaces' } })
    await res.body.text()
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
  })
})
