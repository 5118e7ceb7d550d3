import { describe, expect, it } from '@jest/globals'
import type { TransactionRecord } from '../../src/services/records.js'
import {
  changesSince,
  emptyJournal,
  mergeIntoJournal,
  type JournalBounds,
  type JournalDoc,
} from '../../src/services/transaction-journal.js'

const DAY = 24 * 3600_000
const NOW = Date.parse('2026-03-13T10:00:00.000+01:00')
const BOUNDS: JournalBounds = { maxEntries: 1000, retentionMs: 400 * DAY }
const COVERED = NOW - 61 * DAY

function tx(ref: string | undefined, overrides: Partial<TransactionRecord> = {}): TransactionRecord {
  return {
    id: ref ?? 'h-digest',
    resourceId: undefined,
    entryReference: ref,
    amount: { amount: '12.50', currency: 'EUR' },
    creditDebitIndicator: 'DBIT',
    status: 'BOOK',
    bookingDate: '2026-03-12T09:00:00.000+01:00',
    valueDate: '2026-03-12T09:00:00.000+01:00',
    transactionDate: '2026-03-12T09:00:00.000+01:00',
    remittanceInformation: ['CB CARREFOUR'],
    bankTransactionCode: undefined,
    hasDetails: false,
    sortTime: NOW - DAY,
    ...overrides,
  }
}

const pending = (ref: string | undefined, overrides: Partial<TransactionRecord> = {}) =>
  tx(ref, { status: 'OTHR', bookingDate: undefined, valueDate: undefined, ...overrides })

function merge(doc: JournalDoc, records: TransactionRecord[], options: { now?: number; bounds?: JournalBounds } = {}) {
  return mergeIntoJournal(doc, { records, coveredFrom: COVERED, now: options.now ?? NOW }, options.bounds ?? BOUNDS)
}

describe('mergeIntoJournal', () => {
  it('adds new entries, one sequence number each', () => {
    const out = merge(emptyJournal('g'), [tx('A'), tx('B')])
    expect(out).toMatchObject({ added: 2, modified: 0, removed: 0, changed: true })
    expect(out.doc.seq).toBe(2)
    expect(out.doc.entries.map((e) => [e.key, e.addedSeq, e.seq])).toEqual([
      ['A', 1, 1],
      ['B', 2, 2],
    ])
  })

  it('an identical answer changes nothing and gives no sequence number', () => {
    const first = merge(emptyJournal('g'), [tx('A'), pending('P')])
    const again = merge(first.doc, [tx('A'), pending('P')])
    expect(again).toMatchObject({ added: 0, modified: 0, removed: 0, changed: false })
    expect(again.doc.seq).toBe(2)
  })

  it.each([
    ['status (OTHR booked)', { status: 'BOOK', bookingDate: '2026-03-13T08:00:00.000+01:00' }],
    ['amount', { amount: { amount: '12.51', currency: 'EUR' } }],
    ['currency', { amount: { amount: '12.50', currency: 'USD' } }],
    ['indicator', { creditDebitIndicator: 'CRDT' }],
    ['value date', { valueDate: '2026-03-14T00:00:00.000+01:00' }],
    ['transaction date', { transactionDate: '2026-03-11T09:00:00.000+01:00' }],
    ['text', { remittanceInformation: ['CB CARREFOUR MARKET'] }],
    ['id', { id: 'R-123' }],
  ])('a change of %s is modified, keyed by entryReference', (_what, change) => {
    const first = merge(emptyJournal('g'), [pending('P')])
    const out = merge(first.doc, [pending('P', change as Partial<TransactionRecord>)])
    expect(out).toMatchObject({ added: 0, modified: 1, removed: 0 })
    const entry = out.doc.entries.find((e) => e.key === 'P')
    expect(entry).toMatchObject({ addedSeq: 1, seq: 2, removed: false })
  })

  it('without entryReference the gateway id is the identity', () => {
    const first = merge(emptyJournal('g'), [tx(undefined, { id: 'h1' })])
    const out = merge(first.doc, [tx(undefined, { id: 'h1', remittanceInformation: ['X'] })])
    expect(out).toMatchObject({ added: 0, modified: 1 })
  })

  it('a pending entry absent from a later answer covering its date is removed; a booked one is kept', () => {
    const first = merge(emptyJournal('g'), [tx('B'), pending('P'), pending('Q', { status: 'PDNG' })])
    const out = merge(first.doc, [])
    expect(out).toMatchObject({ added: 0, modified: 0, removed: 2 })
    expect(out.doc.entries.filter((e) => e.removed).map((e) => e.key)).toEqual(['P', 'Q'])
    expect(out.doc.entries.find((e) => e.key === 'B')?.removed).toBe(false)
  })

  it('a pending entry dated before what the answer covers is not removed', () => {
    const first = merge(emptyJournal('g'), [pending('OLD', { sortTime: COVERED - 1 })])
    expect(merge(first.doc, [])).toMatchObject({ removed: 0, changed: false })
  })

  it('an entry listed again after its removal is added again', () => {
    const gone = merge(merge(emptyJournal('g'), [pending('P')]).doc, [])
    const back = merge(gone.doc, [pending('P')])
    expect(back).toMatchObject({ added: 1 })
    expect(back.doc.entries[0]).toMatchObject({ addedSeq: 3, seq: 3, removed: false })
  })

  it('an entry the bank lists twice counts once', () => {
    expect(merge(emptyJournal('g'), [tx('A'), tx('A', { amount: { amount: '1', currency: 'EUR' } })])).toMatchObject({
      added: 1,
    })
  })

  it('drops entries older than the retention, and does not take them in', () => {
    const bounds = { maxEntries: 1000, retentionMs: 62 * DAY }
    const old = tx('OLD', { sortTime: NOW - 63 * DAY })
    const out = merge(emptyJournal('g'), [tx('A'), old], { bounds })
    expect(out.doc.entries.map((e) => e.key)).toEqual(['A'])
    expect(out.added).toBe(1)
  })

  it('keeps at most maxEntries, the newest, and never adds the trimmed ones back', () => {
    const bounds = { maxEntries: 3, retentionMs: 400 * DAY }
    const answer = [1, 2, 3, 4, 5].map((i) => tx(`E${i}`, { sortTime: NOW - i * DAY }))
    const out = merge(emptyJournal('g'), answer, { bounds })
    expect(out.doc.entries.map((e) => e.key).sort()).toEqual(['E1', 'E2', 'E3'])
    const again = merge(out.doc, answer, { bounds })
    expect(again).toMatchObject({ added: 0, changed: false })
    const newer = merge(again.doc, [tx('E0', { sortTime: NOW }), ...answer], { bounds })
    expect(newer.added).toBe(1)
    expect(newer.doc.entries.map((e) => e.key).sort()).toEqual(['E0', 'E1', 'E2'])
    expect(merge(newer.doc, [tx('E0', { sortTime: NOW }), ...answer], { bounds }).changed).toBe(false)
  })
})

describe('changesSince', () => {
  function journal(): JournalDoc {
    // seq 1 A, 2 P, 3 Q; then P booked (4), C added (5), D added (6), Q dropped (7); then D dropped (8)
    let doc = merge(emptyJournal('g'), [tx('A'), pending('P'), pending('Q')]).doc
    doc = merge(doc, [tx('A'), pending('P', { status: 'BOOK' }), tx('C'), pending('D')]).doc
    doc = merge(doc, [tx('A'), pending('P', { status: 'BOOK' }), tx('C')]).doc
    return doc
  }

  it('from the start: every live entry, as added', () => {
    const page = changesSince(journal(), 0, 100)
    expect(page.added.map((t) => t.entryReference).sort()).toEqual(['A', 'C', 'P'])
    expect(page).toMatchObject({ modified: [], removed: [], hasMore: false, nextSeq: 8 })
  })

  it('from a cursor: each entry once, in its latest state; one added and removed since is not shown', () => {
    const page = changesSince(journal(), 3, 100)
    expect(page.added.map((t) => t.entryReference)).toEqual(['C'])
    expect(page.modified.map((t) => [t.entryReference, t.status])).toEqual([['P', 'BOOK']])
    expect(page.removed).toEqual(['Q'])
    expect(page.nextSeq).toBe(8)
  })

  it('pages by `first` in the order of the changes, and the pages add up to the whole', () => {
    const doc = journal()
    const one = changesSince(doc, 3, 2)
    expect(one).toMatchObject({ hasMore: true, nextSeq: 5 })
    expect(one.modified.map((t) => t.entryReference)).toEqual(['P'])
    expect(one.added.map((t) => t.entryReference)).toEqual(['C'])
    expect(one.removed).toEqual([])
    const two = changesSince(doc, one.nextSeq, 2)
    expect(two).toMatchObject({ added: [], modified: [], removed: ['Q'], hasMore: false, nextSeq: 8 })
  })

  it('at the end: nothing', () => {
    expect(changesSince(journal(), 8, 10)).toEqual({ added: [], modified: [], removed: [], nextSeq: 8, hasMore: false })
  })
})
