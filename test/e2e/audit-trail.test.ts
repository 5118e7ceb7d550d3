/**
 * The audit export against the referee: after the personas' linking and a day and a half of partner reads (and a
 * present PSU's, which are no unattended calls), the export holds exactly the calls the sandbox bank counted without
 * PSU-IP-Address, per PSU, account, method and Paris day, none past four, each with the reservation it spent. Only an
 * operator may read it. Run on both stores.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { randomUUID } from 'node:crypto'
import { createClient } from 'redis'
import { request } from 'undici'
import type { SandboxBank } from '../../src/sandbox/sandbox-bank.js'
import { manualClock, startExternalSandbox } from '../support/external-sandbox.js'
import { GEORGES, LEA, LEA_MAIN } from '../support/sandbox-personas.js'
import { startTestGateway, type TestGateway } from '../support/test-gateway.js'

const REDIS = 'redis://127.0.0.1:6379'

async function deleteRedisPrefix(prefix: string): Promise<void> {
  const client = createClient({ url: REDIS })
  await client.connect()
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 }))
    if (keys.length > 0) await client.del(keys)
  await client.close()
}

interface ExportedEntry {
  at: string
  day: string
  tpp: string
  bank: string
  psu: string
  account: string | null
  method: string
  reason: string
  reservation: string
  id: string
  replayOf?: string
  outcome: string
  status?: number
}

async function exportAudit(
  t: TestGateway,
  query: string,
  token: string | undefined,
): Promise<{ status: number; type: string; entries: ExportedEntry[]; body: string }> {
  const res = await request(`${t.gateway.url}/audit/unattended?${query}`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  })
  const body = await res.body.text()
  const type = String(res.headers['content-type'] ?? '')
  const entries =
    res.statusCode === 200
      ? body
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => JSON.parse(l) as ExportedEntry)
      : []
  return { status: res.statusCode, type, entries, body }
}

const keyOf = (e: { psu: string; account: string | null; method: string; day: string }): string =>
  JSON.stringify([e.psu, e.account, e.method, e.day])

describe.each([
  ['embedded', {}],
  ['Redis', { STORE_URL: REDIS }],
] as const)('the audit export (%s store)', (_name, storeEnv) => {
  const clock = manualClock('2026-12-01T07:00:00Z') // 08:00 in Paris
  const prefix = `stetgw-test-${randomUUID()}:`
  let sandbox: SandboxBank
  let t: TestGateway
  let operator: string
  // The bank's clock, which a test puts ahead of the gateway's: a token the gateway holds fresh is dead there.
  let bankAheadMs = 0

  beforeAll(async () => {
    sandbox = await startExternalSandbox(() => clock() + bankAheadMs)
    t = await startTestGateway(
      {
        STET_BASE_URL: sandbox.url,
        SANDBOX_PERSONAS: 'true',
        CACHE_MIN_BATCH_MAX_AGE_MS: '0',
        STORE_PREFIX: prefix,
        ...storeEnv,
      },
      { clock },
    )
    // 61 minutes ahead, the bank finds the hour-long access token expired: 401 invalid_token, one refresh, and the
    // replay on a reservation of its own (DESIGN inv. 2). Still the same Paris day on both sides.
    bankAheadMs = 61 * 60_000
    const replayed = await t.query('{ accounts { balances { amount { amount } } } }', {
      token: await t.gateway.devToken(LEA),
    })
    expect(replayed.extensions?.unattendedBankCalls).toBeGreaterThanOrEqual(2)
    bankAheadMs = 0
    // Waves three hours apart from 08:00 Paris on 1 December to 08:00 on the 2nd: two bank days.
    for (let wave = 0; wave < 9; wave++) {
      // Tokens live 12 hours on the moving clock: fresh ones per wave.
      const lea = await t.gateway.devToken(LEA)
      const georges = await t.gateway.devToken(GEORGES, { present: true })
      const answers = await Promise.all([
        t.query('{ accounts { iban balances { amount { amount } } } }', { token: lea }),
        t.query('{ accounts { iban transactions(first: 3) { edges { node { id } } } } }', { token: lea }),
        t.query('{ accounts { overdraft { allowedAmount { amount } } } }', { token: georges }),
      ])
      for (const res of answers) expect(res.status).toBe(200)
      clock.advance(3 * 3600_000)
    }
    operator = await t.gateway.devToken('operator', { operator: true })
  })
  afterAll(async () => {
    await t.close()
    await sandbox.close()
    if ('STORE_URL' in storeEnv) await deleteRedisPrefix(prefix)
  })

  it('holds exactly the unattended calls the sandbox counted, per PSU, account, method and Paris day, none past 4', async () => {
    const { status, type, entries } = await exportAudit(t, 'from=2026-11-30&to=2026-12-03', operator)
    expect(status).toBe(200)
    expect(type).toContain('application/x-ndjson')
    const exported = new Map<string, number>()
    for (const e of entries) {
      expect(e.outcome).not.toBe('UNKNOWN')
      if (e.outcome === 'NOT_SENT') continue
      exported.set(keyOf(e), (exported.get(keyOf(e)) ?? 0) + 1)
    }
    const counted = new Map<string, number>()
    for (const k of sandbox.stats().keys) {
      if (k.batch === 0) continue
      counted.set(keyOf({ psu: k.psuId, account: k.iban, method: k.method, day: k.day }), k.batch)
    }
    expect(Object.fromEntries(exported)).toEqual(Object.fromEntries(counted))
    for (const n of exported.values()) expect(n).toBeLessThanOrEqual(4)
    expect(sandbox.stats().totals.refused).toBe(0)
    // Both days, the linking and the partner's reads, and none of the present PSU's own calls.
    expect(new Set(entries.map((e) => e.day))).toEqual(new Set(['2026-12-01', '2026-12-02']))
    const reasons = new Set(entries.map((e) => `${e.psu}:${e.method}:${e.reason}`))
    expect(reasons).toContain(`${LEA}:consents:LINKING`)
    expect(reasons).toContain(`${LEA}:accounts:LINKING`)
    expect(reasons).toContain(`${LEA}:balances:PARTNER_QUERY`)
    expect(reasons).toContain(`${LEA}:transactions:PARTNER_QUERY`)
    expect(entries.some((e) => e.psu === GEORGES && e.method === 'overdrafts')).toBe(false)
    expect(sandbox.stats().keys.some((k) => k.psuId === GEORGES && k.method === 'overdrafts' && k.present > 0)).toBe(
      true,
    )
    // The replay is its own entry, pointing at the call the bank answered 401.
    const replay = entries.find((e) => e.reason === 'REPLAY')
    expect(replay).toMatchObject({ outcome: 'OK', status: 200, method: 'balances' })
    expect(entries.find((e) => e.id === replay?.replayOf)).toMatchObject({ status: 401, outcome: 'ERROR' })
    // Each call names its own reservation, and what the bank answered.
    expect(new Set(entries.map((e) => e.reservation)).size).toBe(entries.length)
    const leaBalances = entries.filter((e) => e.method === 'balances' && e.account === LEA_MAIN.iban)
    expect(leaBalances.length).toBeGreaterThan(1)
    for (const e of leaBalances.filter((e) => e.id !== replay?.replayOf))
      expect(e).toMatchObject({ outcome: 'OK', status: 200, tpp: 'PSDFR-ACPR-SANDBOX' })
  })

  it('filters by from and to: two halves of a range add up to the whole, and a bank day is Paris time', async () => {
    const whole = (await exportAudit(t, 'from=2026-12-01&to=2026-12-02', operator)).entries
    const first = (await exportAudit(t, 'from=2026-12-01&to=2026-12-01', operator)).entries
    const second = (await exportAudit(t, 'from=2026-12-02T00:00:00%2B01:00&to=2026-12-03T00:00:00Z', operator)).entries
    expect(first.length).toBeGreaterThan(0)
    expect(second.length).toBeGreaterThan(0)
    expect(first.every((e) => e.day === '2026-12-01')).toBe(true)
    expect(second.every((e) => e.day === '2026-12-02')).toBe(true)
    expect([...first, ...second].map((e) => e.reservation)).toEqual(whole.map((e) => e.reservation))
    const morning = (await exportAudit(t, 'from=2026-12-01T00:00:00Z&to=2026-12-01T09:00:00Z', operator)).entries
    for (const e of morning) expect(Date.parse(e.at)).toBeLessThan(Date.parse('2026-12-01T09:00:00Z'))
    expect(morning.length).toBeLessThan(first.length)
  })

  it('is for operators only: no token 401, a partner or a present PSU 403, a bad range 400', async () => {
    expect((await exportAudit(t, 'from=2026-12-01', undefined)).status).toBe(401)
    expect((await exportAudit(t, 'from=2026-12-01', 'not-a-jwt')).status).toBe(401)
    const partner = await exportAudit(t, 'from=2026-12-01', await t.gateway.devToken(LEA))
    expect(partner.status).toBe(403)
    expect(JSON.parse(partner.body)).toMatchObject({ errors: [{ extensions: { code: 'FORBIDDEN' } }] })
    expect((await exportAudit(t, 'from=2026-12-01', await t.gateway.devToken(GEORGES, { present: true }))).status).toBe(
      403,
    )
    expect((await exportAudit(t, 'to=2026-12-01', operator)).status).toBe(400)
    expect((await exportAudit(t, 'from=yesterday', operator)).status).toBe(400)
    expect((await exportAudit(t, 'from=2026-12-01T08:00:00', operator)).status).toBe(400)
    expect((await exportAudit(t, 'from=2026-12-03&to=2026-12-01', operator)).status).toBe(400)
    // And the operator reads no PSU's data.
    const asOperator = await t.query('{ accounts { iban } }', { token: operator })
    expect(asOperator.status).toBe(403)
    expect(asOperator.errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
  })
})
