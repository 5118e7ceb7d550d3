/**
 * The bank reader and the audit trail: a read's reason reaches its entry, and a trail that cannot be written stops
 * the unattended call before it leaves (fail closed): the unit goes back, the last good value is served stale, and
 * without one the error is STORE_UNAVAILABLE. A present PSU's reads are not on the trail.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import Keyv from 'keyv'
import { joinAuditRecords } from '../../src/audit/audit-export.js'
import type { AuditEntry, AuditLog } from '../../src/audit/audit-log.js'
import { AuditTrail } from '../../src/audit/audit-trail.js'
import { NdjsonAuditLog } from '../../src/audit/ndjson-audit-log.js'
import type { Caller } from '../../src/auth/caller.js'
import { FreshnessCache } from '../../src/cache/freshness-cache.js'
import { FreshnessPolicy } from '../../src/cache/freshness-policy.js'
import { RefusalMemory } from '../../src/cache/refusal-memory.js'
import { processLocalLock } from '../../src/cache/single-flight.js'
import { EmbeddedLedger } from '../../src/quota/embedded-ledger.js'
import { BankReader } from '../../src/services/bank-reader.js'
import { manualClock } from '../support/external-sandbox.js'

const caller: Caller = { psuId: 'P1', consumer: 'partner', presence: undefined, banks: ['17515'] }
const present: Caller = {
  ...caller,
  consumer: 'frontend',
  presence: { kind: 'psu', ipAddress: '203.0.113.9' },
}
const target = { bank: '17515', iban: 'FR7617515000920400430518020', method: 'balances' as const }
const clock = manualClock('2026-12-01T08:00:00Z')
let dir: string
let ledger: EmbeddedLedger
let log: NdjsonAuditLog

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'stetgw-reader-audit-'))
  ledger = new EmbeddedLedger({ dir: path.join(dir, 'quota'), trustEmptyStore: true, clock })
  log = await NdjsonAuditLog.open(path.join(dir, 'audit'))
})
afterEach(async () => {
  await ledger.close()
  await log.close()
  await rm(dir, { recursive: true, force: true })
})

function reader(audit: AuditLog) {
  const keyv = new Keyv()
  return new BankReader({
    refusals: new RefusalMemory(keyv, { retentionMs: 3600_000 }),
    tpp: 'TPP',
    cache: new FreshnessCache(keyv, { retentionMs: 3600_000 }),
    ledger,
    policy: new FreshnessPolicy({ minMaxAgeMs: 0 }),
    lock: processLocalLock,
    clock,
    lockTtlMs: 2000,
    audit: new AuditTrail({ log: audit, clock }),
  })
}

async function entries(): Promise<AuditEntry[]> {
  const range = { from: Date.parse('2026-11-30T00:00:00Z'), to: Date.parse('2026-12-03T00:00:00Z') }
  const out: AuditEntry[] = []
  for await (const e of joinAuditRecords(log.records(range), range)) out.push(e)
  return out
}

/** A trail whose store fails on demand. */
function failing(inner: AuditLog, state: { down: boolean }): AuditLog {
  return {
    appendCall: (r) => (state.down ? Promise.reject(new Error('disk full')) : inner.appendCall(r)),
    appendOutcome: (r) => inner.appendOutcome(r),
    records: (range) => inner.records(range),
    pruneBefore: (before) => inner.pruneBefore(before),
    close: () => inner.close(),
  }
}

describe('BankReader with the audit trail', () => {
  it('records each unattended call with its reason and reservation, and no present-PSU call', async () => {
    const r = reader(log)
    await r.read(caller, target, { cacheOnly: false, spent: 0 }, async () => 'v1')
    clock.advance(8 * 3600_000)
    await r.read(caller, target, { cacheOnly: false, spent: 0, reason: 'SCHEDULER' }, async () => 'v2')
    clock.advance(3600_000)
    await r.read(caller, target, { cacheOnly: false, spent: 0 }, async () => 'v3', { refresh: true, reason: 'CONSENT' })
    await r.read(present, target, { cacheOnly: false, spent: 0 }, async () => 'mine')
    const got = await entries()
    expect(got.map((e) => [e.reason, e.outcome, e.method, e.account])).toEqual([
      ['PARTNER_QUERY', 'OK', 'balances', target.iban],
      ['SCHEDULER', 'OK', 'balances', target.iban],
      ['CONSENT', 'OK', 'balances', target.iban],
    ])
    expect((await ledger.status(r.quotaParts(caller, target))).used).toBe(3)
    expect(new Set(got.map((e) => e.reservation)).size).toBe(3)
  })

  it('a trail that cannot be written: no call, the unit back, stale if cached, else STORE_UNAVAILABLE', async () => {
    const state = { down: false }
    const r = reader(failing(log, state))
    let calls = 0
    const fetch = async () => `v${++calls}`
    await r.read(caller, target, { cacheOnly: false, spent: 0 }, fetch)
    state.down = true
    clock.advance(8 * 3600_000)
    const served = await r.read(caller, target, { cacheOnly: false, spent: 0 }, fetch)
    expect(served).toMatchObject({ value: 'v1', freshness: { source: 'CACHE', stale: true } })
    const other = { ...target, method: 'overdrafts' as const }
    const error = await r.read(caller, other, { cacheOnly: false, spent: 0 }, fetch).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE' })
    expect(calls).toBe(1)
    // Both refused calls gave their unit back: only the first read is counted.
    expect((await ledger.status(r.quotaParts(caller, target))).used).toBe(1)
    expect((await ledger.status(r.quotaParts(caller, other))).used).toBe(0)
    expect((await entries()).length).toBe(1)
  })

  it('a read that fails at the bank is on the trail with its error code', async () => {
    const r = reader(log)
    const failure = Object.assign(new Error('bank down'), { code: 'BANK_UNAVAILABLE' })
    await r
      .read(caller, target, { cacheOnly: false, spent: 0 }, async () => Promise.reject(failure))
      .catch(() => undefined)
    expect((await entries()).map((e) => [e.outcome, e.code])).toEqual([['ERROR', 'BANK_UNAVAILABLE']])
  })
})
