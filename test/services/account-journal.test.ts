/**
 * The journal's merge is atomic per account: concurrent merges (one process on lmdb, two "replicas" on one real
 * Redis) never lose a change, and each change has its own sequence number. Every merge that changed something emits
 * TRANSACTIONS_UPDATED with a cursor that syncs exactly from before it.
 */
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { createClient, type RedisClientType } from 'redis'
import type { JournalBackend } from '../../src/cache/journal-backend.js'
import { LmdbJournalBackend } from '../../src/cache/lmdb-journal-backend.js'
import { RedisJournalBackend } from '../../src/cache/redis-journal-backend.js'
import { AccountJournal } from '../../src/services/account-journal.js'
import type { TransactionRecord } from '../../src/services/records.js'
import { SyncCursorCodec } from '../../src/services/sync-cursor.js'
import type { SyncEvent } from '../../src/services/sync-events.js'
import { changesSince } from '../../src/services/transaction-journal.js'

const NOW = Date.parse('2026-03-13T10:00:00.000+01:00')
const REF = { bank: '17515', psu: '9999999903', iban: 'FR7617515000920400085945890' }
const KEYS = [new Uint8Array(32).fill(3)]

function tx(ref: string, status = 'BOOK'): TransactionRecord {
  return {
    id: ref,
    resourceId: undefined,
    entryReference: ref,
    amount: { amount: '1.00', currency: 'EUR' },
    creditDebitIndicator: 'DBIT',
    status,
    bookingDate: undefined,
    valueDate: undefined,
    transactionDate: '2026-03-13T09:00:00.000+01:00',
    remittanceInformation: [],
    bankTransactionCode: undefined,
    hasDetails: false,
    sortTime: NOW - 3600_000,
  }
}

function journalOn(backend: JournalBackend, events: SyncEvent[]): AccountJournal {
  return new AccountJournal({
    tpp: 'PSDFR-ACPR-SANDBOX',
    backend,
    cursors: new SyncCursorCodec(KEYS),
    events: {
      emit: async (event) => {
        events.push(event)
      },
    },
    clock: () => NOW,
    bounds: { maxEntries: 1000, retentionMs: 400 * 24 * 3600_000 },
    onStoreError: (error) => {
      throw error
    },
  })
}

/** 20 merges at once, each bringing one entry the others do not know: all 20 must be in the journal. */
async function expectNoLostMerge(journals: AccountJournal[], events: SyncEvent[]): Promise<void> {
  await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      // The answer covers nothing before its own time: a merge never removes another's (booked) entry anyway.
      (journals[i % journals.length] as AccountJournal).merge(REF, [tx(`E${i}`)], NOW),
    ),
  )
  const doc = await (journals[0] as AccountJournal).read(REF)
  expect(doc?.entries.map((e) => e.key).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `E${i}`).sort())
  expect(doc?.seq).toBe(20)
  expect(new Set(doc?.entries.map((e) => e.seq)).size).toBe(20)
  expect(events).toHaveLength(20)
  expect(events.every((e) => e.type === 'TRANSACTIONS_UPDATED' && e.added === 1)).toBe(true)
  // Each event's cursor, synced from, shows its own entry (and what came after it).
  for (const event of events) {
    if (event.type !== 'TRANSACTIONS_UPDATED' || doc === undefined) throw new Error('unexpected event')
    const from = (journals[0] as AccountJournal).position(REF, event.cursor)
    const page = changesSince(doc, from.seq, 100)
    expect(page.added.length).toBe(20 - from.seq)
  }
}

/** A journal backend on lmdb in a folder of its own, removed afterwards. */
async function withLmdbBackend(run: (backend: JournalBackend) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'stetgw-journal-'))
  const backend = new LmdbJournalBackend(dir)
  try {
    await run(backend)
  } finally {
    await backend.close()
    await rm(dir, { recursive: true, force: true })
  }
}

describe('AccountJournal on lmdb (one process)', () => {
  it('20 concurrent merges lose nothing', async () => {
    await withLmdbBackend(async (backend) => {
      const events: SyncEvent[] = []
      await expectNoLostMerge([journalOn(backend, events)], events)
    })
  })

  it('emits nothing for an answer that changes nothing, and the removal of a pending entry is counted', async () => {
    await withLmdbBackend(async (backend) => {
      const events: SyncEvent[] = []
      const journal = journalOn(backend, events)
      await journal.merge(REF, [tx('A'), tx('P', 'OTHR')], NOW - 86400_000)
      await journal.merge(REF, [tx('A'), tx('P', 'OTHR')], NOW - 86400_000)
      await journal.merge(REF, [tx('A')], NOW - 86400_000)
      expect(events.map((e) => (e.type === 'TRANSACTIONS_UPDATED' ? [e.added, e.modified, e.removed] : []))).toEqual([
        [2, 0, 0],
        [0, 0, 1],
      ])
      expect(events[1]).toMatchObject({ psuId: REF.psu, bank: REF.bank, at: NOW })
    })
  })

  it('a journal another process wrote is read as written, not as this process parsed it before', async () => {
    // Each AccountJournal keeps the documents it parsed, by their exact text: a write by someone else is a new text.
    await withLmdbBackend(async (backend) => {
      const events: SyncEvent[] = []
      const a = journalOn(backend, events)
      const b = journalOn(backend, events)
      await a.merge(REF, [tx('A'), tx('P', 'OTHR')], NOW - 86400_000)
      expect((await a.read(REF))?.seq).toBe(2)
      await b.merge(REF, [tx('A'), tx('P'), tx('B')], NOW - 86400_000) // P booked, B new
      // A merges the answer it knew: nothing of B's merge is lost, and P stays booked in the journal.
      const again = await a.merge(REF, [tx('A'), tx('P'), tx('B')], NOW - 86400_000)
      expect(again.changed).toBe(false)
      const doc = await a.read(REF)
      expect(doc?.seq).toBe(4)
      expect(doc?.entries.find((e) => e.key === 'P')?.tx.status).toBe('BOOK')
      await a.forget(REF)
      expect(await b.read(REF)).toBeUndefined()
    })
  })
})

describe('AccountJournal on Redis (two replicas)', () => {
  const prefix = `stetgw-test-${randomUUID()}:journal:`
  const clients: RedisClientType[] = []
  afterAll(async () => {
    const client = clients[0]
    if (client !== undefined) {
      for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 100 })) {
        if (keys.length > 0) await client.del(keys)
      }
    }
    for (const c of clients) await c.quit()
  })

  it('20 concurrent merges from two replicas lose nothing, under the PSU hash tag', async () => {
    for (let i = 0; i < 2; i++) {
      const client = createClient({ url: 'redis://127.0.0.1:6379' }) as RedisClientType
      await client.connect()
      clients.push(client)
    }
    const events: SyncEvent[] = []
    const journals = clients.map((client) => journalOn(new RedisJournalBackend(client, { prefix }), events))
    await expectNoLostMerge(journals, events)
    const keys: string[] = []
    for await (const found of (clients[0] as RedisClientType).scanIterator({ MATCH: `${prefix}*` })) keys.push(...found)
    expect(keys).toHaveLength(1)
    expect(keys[0]).toContain(`{${REF.bank}:${REF.psu}}`)
    expect(await (clients[0] as RedisClientType).pTTL(keys[0] as string)).toBeGreaterThan(0)
  })
})
