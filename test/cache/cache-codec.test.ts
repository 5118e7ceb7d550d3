/**
 * The cache's text encoding (issue 18): a transaction window takes at most 100 bytes per transaction, decodes to
 * exactly what plain JSON gave back, old plain-JSON texts still decode after the upgrade, and a text that is neither
 * decodes as nothing (a miss, read again within the quota), never as a wrong value.
 */
import { deflateRawSync } from 'node:zlib'
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import {
  deserializeCacheText,
  expiresOfCacheText,
  jsonLengthOfCacheText,
  serializeCacheText,
} from '../../src/cache/cache-codec.js'
import { frenchIban } from '../../src/sandbox/personas.js'
import { transactionsOf } from '../../src/sandbox/transaction-ledger.js'
import { toTransaction } from '../../src/services/stet-mapping.js'
import type { TransactionRecord } from '../../src/services/records.js'

const now = Date.parse('2026-12-02T10:00:00Z')

function window(professional: boolean): TransactionRecord[] {
  const account = {
    iban: frenchIban('17515', '90078', '00000042001'),
    name: 'CODEC',
    usage: 'PRIV' as const,
    psuStatus: 'Account Holder',
    balance: '1.00',
    overdraftAllowed: 0,
    activity: { minPerDay: 2, maxPerDay: 3, daysBack: 61, professional },
  }
  return transactionsOf(account, now)
    .slice(0, 120)
    .map(({ resource }) =>
      toTransaction(resource.resourceId ? { ...resource, _links: { details: { href: '/details' } } } : resource),
    )
}

/** What the store gave back before: JSON drops `undefined` members. */
const viaJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value))

describe('cache codec', () => {
  it.each([
    ['retail', false],
    ['professional', true],
  ])('a 120-transaction %s window: ≤ 100 bytes per transaction, decoded exactly as JSON decoded it', (_n, pro) => {
    const txs = window(pro)
    expect(txs).toHaveLength(120)
    const stored = { value: { value: txs, fetchedAt: now, psuPresent: false }, expires: now + 7 * 86_400_000 }
    const text = serializeCacheText(stored)
    expect(text.startsWith('c1:')).toBe(true)
    expect(Buffer.byteLength(text) / txs.length).toBeLessThanOrEqual(100)
    expect(JSON.stringify(stored).length / txs.length).toBeGreaterThan(400) // what it took before
    expect(deserializeCacheText(text)).toEqual(viaJson(stored))
    expect(expiresOfCacheText(text)).toBe(stored.expires)
    expect(jsonLengthOfCacheText(text)).toBeGreaterThan(text.length)
  })

  it('texts written before the upgrade (plain JSON) decode as they did; small entries stay plain JSON', () => {
    const old = JSON.stringify({ value: { value: window(false), fetchedAt: now, psuPresent: true }, expires: now })
    expect(deserializeCacheText(old)).toEqual(JSON.parse(old))
    expect(expiresOfCacheText(old)).toBe(now)
    const mark = serializeCacheText({ value: now, expires: now + 1 })
    expect(mark).toBe(JSON.stringify({ value: now, expires: now + 1 }))
    expect(deserializeCacheText(mark)).toEqual({ value: now, expires: now + 1 })
  })

  it('a text that is not ours, or a damaged compact text, decodes as nothing (a miss), never as another value', () => {
    const text = serializeCacheText({ value: { value: window(false), fetchedAt: now, psuPresent: false } })
    for (const bad of [
      'not json',
      'c1:',
      'c1:12:34',
      `${text.slice(0, text.length / 2)}`,
      `c1::10:${deflateRawSync('{"a":1}').toString('base64')}`, // valid deflate, not our envelope
      `c1::10:${deflateRawSync('[7,1]').toString('base64')}`, // an unknown layout
      'c2:whatever',
    ]) {
      expect(deserializeCacheText(bad)).toBeUndefined()
    }
  })

  it('a window holding a real null, or records with missing members, comes back exactly', () => {
    const records = [
      { id: 'a', details: null, n: 1 },
      { id: 'b', n: 2, extra: { deep: null } },
      { id: 'c', n: undefined },
    ]
    const stored = { value: { value: [...records, ...records, ...records].concat(Array(40).fill(records[1])) } }
    expect(deserializeCacheText(serializeCacheText(stored))).toEqual(viaJson(stored))
    const withoutNull = { value: { value: Array(60).fill({ id: 'x', s: 'y' }), fetchedAt: 1, psuPresent: false } }
    const text = serializeCacheText(withoutNull)
    expect(deserializeCacheText(text)).toEqual(viaJson(withoutNull))
    const empties = { value: { value: Array(300).fill({}), fetchedAt: 1, psuPresent: false } }
    expect(deserializeCacheText(serializeCacheText(empties))).toEqual(viaJson(empties))
  })

  it('any JSON value round-trips as JSON would (property)', () => {
    const record = fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 })
    const entry = fc.record({
      value: fc.oneof(fc.array(record, { maxLength: 40 }), fc.jsonValue({ maxDepth: 3 })),
      fetchedAt: fc.integer({ min: 0 }),
      psuPresent: fc.boolean(),
    })
    fc.assert(
      fc.property(
        fc.oneof(entry, fc.jsonValue()),
        fc.option(fc.integer({ min: 0 }), { nil: undefined }),
        (value, e) => {
          const stored = e === undefined ? { value } : { value, expires: e }
          expect(deserializeCacheText(serializeCacheText(stored))).toEqual(viaJson(stored))
        },
      ),
      { numRuns: 300 },
    )
  })
})
