/**
 * The two stores of the audit trail against one contract: records come back in append order per day, calls join
 * their outcomes, a call without outcome reads UNKNOWN (a crash between the two), a torn line is skipped, whole days
 * are pruned on the injected clock, and the embedded files are private.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { randomUUID } from 'node:crypto'
import { appendFile, mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createClient, type RedisClientType } from 'redis'
import { joinAuditRecords } from '../../src/audit/audit-export.js'
import type { AuditCallRecord, AuditEntry, AuditLog, AuditRecord } from '../../src/audit/audit-log.js'
import { startAuditRetention } from '../../src/audit/audit-retention.js'
import { AuditTrail } from '../../src/audit/audit-trail.js'
import { NdjsonAuditLog } from '../../src/audit/ndjson-audit-log.js'
import { RedisAuditLog } from '../../src/audit/redis-audit-log.js'
import type { Reservation } from '../../src/stet-api/access.js'
import { manualClock } from '../support/external-sandbox.js'

const REDIS = 'redis://127.0.0.1:6379'
const cleanups: (() => Promise<void>)[] = []
afterAll(async () => {
  for (const fn of cleanups.reverse()) await fn()
})

async function embedded(): Promise<{ log: AuditLog; dir: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'stetgw-audit-'))
  const log = await NdjsonAuditLog.open(path.join(dir, 'audit'))
  cleanups.push(async () => {
    await log.close()
    await rm(dir, { recursive: true, force: true })
  })
  return { log, dir: path.join(dir, 'audit') }
}

async function redis(): Promise<{ log: AuditLog; client: RedisClientType; prefix: string }> {
  const client = createClient({ url: REDIS }) as RedisClientType
  await client.connect()
  const prefix = `stetgw-test-${randomUUID()}:`
  cleanups.push(async () => {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 }))
      if (keys.length > 0) await client.del(keys)
    await client.close()
  })
  return { log: new RedisAuditLog(client, { prefix }), client, prefix }
}

const at = (iso: string): number => Date.parse(iso)

function call(id: string, iso: string, extra: Partial<AuditCallRecord> = {}): AuditCallRecord {
  return {
    t: 'call',
    id,
    at: at(iso),
    tpp: 'PSDFR-ACPR-SANDBOX',
    bank: '17515',
    psu: '9999999901',
    iban: 'FR7617515000920400430518020',
    method: 'balances',
    reason: 'PARTNER_QUERY',
    reservation: `grant-${id}`,
    ...extra,
  }
}

async function exported(log: AuditLog, from: string, to: string): Promise<AuditEntry[]> {
  const range = { from: at(from), to: at(to) }
  const out: AuditEntry[] = []
  for await (const entry of joinAuditRecords(log.records(range), range)) out.push(entry)
  return out
}

/** A ledger reservation as far as the trail sees it: it counts what is done to it. */
function fakeReservation(grantId: string): Reservation & { released: number } {
  const r = {
    kind: 'reservation' as const,
    quotaKey: 'k',
    grantId,
    released: 0,
    release: async () => {
      r.released++
    },
    markExhausted: async () => undefined,
    reserveReplay: async () => undefined,
  }
  return r
}

describe.each([
  ['embedded (NDJSON)', embedded],
  ['Redis (a stream per day)', redis],
] as const)('%s', (_name, open) => {
  it('joins each call with its outcome in call order; a call whose outcome never came is UNKNOWN', async () => {
    const { log } = await open()
    await log.appendCall(call('a', '2026-12-01T08:00:00Z'))
    await log.appendCall(call('b', '2026-12-01T08:00:01Z', { method: 'accounts', iban: null, reason: 'LINKING' }))
    await log.appendOutcome({
      t: 'outcome',
      id: 'b',
      callAt: at('2026-12-01T08:00:01Z'),
      at: at('2026-12-01T08:00:02Z'),
      outcome: 'OK',
      status: 200,
      requestId: 'req-b',
    })
    // `a` never gets one: the gateway stopped while its request was out.
    await log.appendCall(call('c', '2026-12-01T09:00:00Z'))
    await log.appendOutcome({
      t: 'outcome',
      id: 'c',
      callAt: at('2026-12-01T09:00:00Z'),
      at: at('2026-12-01T09:00:01Z'),
      outcome: 'ERROR',
      status: 500,
    })
    const entries = await exported(log, '2026-12-01T00:00:00Z', '2026-12-02T00:00:00Z')
    expect(entries.map((e) => [e.id, e.outcome, e.status ?? null])).toEqual([
      ['a', 'UNKNOWN', null],
      ['b', 'OK', 200],
      ['c', 'ERROR', 500],
    ])
    expect(entries[1]).toMatchObject({
      at: '2026-12-01T08:00:01.000Z',
      day: '2026-12-01',
      account: null,
      method: 'accounts',
      reason: 'LINKING',
      reservation: 'grant-b',
      requestId: 'req-b',
    })
  })

  it('filters by call time, [from, to), across Paris days (23:30 UTC is the next day in Paris)', async () => {
    const { log } = await open()
    await log.appendCall(call('d1', '2026-12-01T10:00:00Z'))
    await log.appendCall(call('d2', '2026-12-01T23:30:00Z'))
    await log.appendCall(call('d3', '2026-12-03T10:00:00Z'))
    const all = await exported(log, '2026-11-30T00:00:00Z', '2026-12-04T00:00:00Z')
    expect(all.map((e) => [e.id, e.day])).toEqual([
      ['d1', '2026-12-01'],
      ['d2', '2026-12-02'],
      ['d3', '2026-12-03'],
    ])
    expect((await exported(log, '2026-12-01T10:00:00Z', '2026-12-03T10:00:00Z')).map((e) => e.id)).toEqual(['d1', 'd2'])
    expect((await exported(log, '2026-12-01T10:00:00.001Z', '2026-12-04T00:00:00Z')).map((e) => e.id)).toEqual([
      'd2',
      'd3',
    ])
  })

  it('drops whole days past the retention period on the injected clock, and keeps the rest', async () => {
    const { log } = await open()
    await log.appendCall(call('old', '2025-10-01T10:00:00Z'))
    await log.appendCall(call('kept', '2025-11-05T10:00:00Z'))
    await log.appendCall(call('new', '2026-11-30T10:00:00Z'))
    const clock = manualClock('2026-12-01T12:00:00Z')
    // 400 days before 2026-12-01 is 2025-10-27: the 1 October day goes, 5 November stays.
    const errors: unknown[] = []
    const stop = await startAuditRetention(log, { retentionDays: 400, clock, onError: (e) => errors.push(e) })
    stop()
    expect(errors).toEqual([])
    const ids = (await exported(log, '2025-01-01T00:00:00Z', '2027-01-01T00:00:00Z')).map((e) => e.id)
    expect(ids).toEqual(['kept', 'new'])
    clock.set('2027-01-01T12:00:00Z')
    expect(await log.pruneBefore(clock() - 400 * 86_400_000)).toBe(1)
    expect((await exported(log, '2025-01-01T00:00:00Z', '2027-01-02T00:00:00Z')).map((e) => e.id)).toEqual(['new'])
  })

  it('records the call before the reservation is handed out; what the attempt came to follows', async () => {
    const { log } = await open()
    const clock = manualClock('2026-12-01T08:00:00Z')
    const trail = new AuditTrail({ log, clock })
    const parts = { tpp: 'T', bank: '17515', psu: '9999999901', method: 'accounts' as const }
    const ok = await trail.record(fakeReservation('g1'), parts, 'LINKING')
    // Durable now: whatever happens next (the request leaves, the process dies), the call is on the trail.
    const before = await collectRecords(log, '2026-12-01T00:00:00Z', '2026-12-02T00:00:00Z')
    expect(before).toEqual([expect.objectContaining({ t: 'call', reservation: 'g1', reason: 'LINKING', iban: null })])
    await ok.recordAttempt?.({ status: 200, requestId: 'r1' })
    await ok.settle()

    const lost = fakeReservation('g2')
    const never = await trail.record(lost, parts, 'PARTNER_QUERY')
    // Connection refused: the STET client reports no answer, then gives the unit back.
    await never.recordAttempt?.({ status: undefined, errorCode: 'ECONNREFUSED', requestId: 'r2' })
    await never.release()
    await never.settle(new Error('unavailable'))
    expect(lost.released).toBe(1)

    const timedOut = await trail.record(fakeReservation('g3'), parts, 'SCHEDULER')
    await timedOut.recordAttempt?.({ status: undefined, errorCode: 'UND_ERR_HEADERS_TIMEOUT', requestId: 'r3' })
    await timedOut.settle(Object.assign(new Error('timeout'), { code: 'BANK_UNAVAILABLE' }))

    const entries = await exported(log, '2026-12-01T00:00:00Z', '2026-12-02T00:00:00Z')
    expect(entries.map((e) => [e.reservation, e.reason, e.outcome, e.status ?? null, e.code ?? null])).toEqual([
      ['g1', 'LINKING', 'OK', 200, null],
      ['g2', 'PARTNER_QUERY', 'NOT_SENT', null, null],
      ['g3', 'SCHEDULER', 'ERROR', null, 'UND_ERR_HEADERS_TIMEOUT'],
    ])
  })
})

async function collectRecords(log: AuditLog, from: string, to: string): Promise<AuditRecord[]> {
  const out: AuditRecord[] = []
  for await (const r of log.records({ from: at(from), to: at(to) })) out.push(r)
  return out
}

describe('embedded files', () => {
  it('are 0600 in a 0700 folder, survive a reopen, and a torn last line (a write the crash cut) is skipped', async () => {
    const { log, dir } = await embedded()
    await log.appendCall(call('x', '2026-12-01T08:00:00Z'))
    expect((await stat(dir)).mode & 0o777).toBe(0o700)
    const [file] = await readdir(dir)
    expect(file).toBe('unattended-2026-12-01.ndjson')
    expect((await stat(path.join(dir, file ?? ''))).mode & 0o777).toBe(0o600)
    await log.close()
    await appendFile(path.join(dir, file ?? ''), '{"t":"call","id":"torn","at":17')
    const reopened = await NdjsonAuditLog.open(dir)
    cleanups.push(() => reopened.close())
    const entries = await exported(reopened, '2026-12-01T00:00:00Z', '2026-12-02T00:00:00Z')
    expect(entries.map((e) => [e.id, e.outcome])).toEqual([['x', 'UNKNOWN']])
  })
})

describe('the join', () => {
  it('holds a call no longer than the horizon: it goes out UNKNOWN before the stream ends (bounded memory)', async () => {
    let fed = 0
    async function* records(): AsyncGenerator<AuditRecord> {
      yield call('early', '2026-12-01T08:00:00Z')
      fed = 1
      yield call('later', '2026-12-01T09:00:00Z')
      fed = 2
      // The export must not need to see this one to let `early` go.
      yield call('last', '2026-12-01T10:00:00Z')
      fed = 3
    }
    const range = { from: at('2026-12-01T00:00:00Z'), to: at('2026-12-02T00:00:00Z') }
    const it = joinAuditRecords(records(), range, 15 * 60_000)
    const first = await it.next()
    expect(first.value).toMatchObject({ id: 'early', outcome: 'UNKNOWN' })
    expect(fed).toBe(1)
    await it.return(undefined)
  })
})
