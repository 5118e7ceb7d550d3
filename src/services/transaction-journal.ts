/**
 * The transactions journal of one account (issue 17): every bank answer for the account's transactions is merged into
 * it, and each change gets the next sequence number, which is what a `transactionsSync` cursor points at. Pure
 * functions over a plain JSON document, so that the store only has to swap one document for another atomically
 * (journal-service.ts retries on a conflict): two concurrent merges can never lose a change.
 *
 * Identity is the bank's `entryReference` when it sends one, else the gateway's stable transaction id (records.ts):
 * an OTHR entry booked later keeps its `entryReference` at BPCE, so it is the same entry, `modified`. An entry the bank
 * only references once booked (Paylib, bank page note 2) cannot be matched to its pending self: the pending one is
 * then `removed` and the booked one `added`, which is what the bank's own data says.
 *
 * A pending entry (OTHR, PDNG) that a later answer covering its date no longer holds is `removed`; a booked entry that
 * goes missing is kept (the bank does not cancel booked entries; a short answer is no evidence).
 */
import type { TransactionRecord } from './records.js'

export interface JournalEntry {
  /** entryReference, else the record's id. */
  readonly key: string
  readonly tx: TransactionRecord
  /** The sequence number of the change that added it (again, after a removal). */
  readonly addedSeq: number
  /** The sequence number of its last change (added, modified or removed). */
  readonly seq: number
  readonly removed: boolean
}

export interface JournalDoc {
  readonly v: 1
  /** Random, fixed at creation: a cursor of a journal that was lost and started again is refused, not misread. */
  readonly gen: string
  /** The last sequence number given (0: none yet). */
  readonly seq: number
  /**
   * Epoch ms before which no new entry is admitted: the bound trimmed up to there, and the bank's next answer, which
   * still holds those entries, must not add them back (and again after every trim).
   */
  readonly horizon: number
  /** Live entries and tombstones of removed ones, in no particular order. */
  readonly entries: readonly JournalEntry[]
}

export interface JournalBounds {
  /** Live entries and tombstones together, per account. */
  readonly maxEntries: number
  /** Entries dated older than this are dropped (at least the bank's 62 days). */
  readonly retentionMs: number
}

export interface MergeInput {
  /** The bank's answer, whole (the gateway always reads the account's whole window). */
  readonly records: readonly TransactionRecord[]
  /** Epoch ms from which the answer covers the account (its `dateFrom`): pending entries dated since then and absent are gone. */
  readonly coveredFrom: number
  readonly now: number
}

export interface MergeOutcome {
  readonly doc: JournalDoc
  readonly added: number
  readonly modified: number
  readonly removed: number
  /** Whether the document differs from the one merged into (a change, or only entries trimmed by the bounds). */
  readonly changed: boolean
}

const PENDING = new Set(['OTHR', 'PDNG'])

export function journalKeyOf(tx: TransactionRecord): string {
  return tx.entryReference ?? tx.id
}

export function emptyJournal(gen: string): JournalDoc {
  return { v: 1, gen, seq: 0, horizon: 0, entries: [] }
}

/** What a partner sees change: status, amount and sign, dates, text (and the id it knows the entry by). */
function differs(a: TransactionRecord, b: TransactionRecord): boolean {
  return (
    a.id !== b.id ||
    a.status !== b.status ||
    a.amount.amount !== b.amount.amount ||
    a.amount.currency !== b.amount.currency ||
    a.creditDebitIndicator !== b.creditDebitIndicator ||
    a.bookingDate !== b.bookingDate ||
    a.valueDate !== b.valueDate ||
    a.transactionDate !== b.transactionDate ||
    a.remittanceInformation.length !== b.remittanceInformation.length ||
    a.remittanceInformation.some((line, i) => line !== b.remittanceInformation[i])
  )
}

export function mergeIntoJournal(doc: JournalDoc, input: MergeInput, bounds: JournalBounds): MergeOutcome {
  let seq = doc.seq
  let added = 0
  let modified = 0
  let removed = 0
  const byKey = new Map<string, JournalEntry>()
  for (const entry of doc.entries) byKey.set(entry.key, entry)
  const seen = new Set<string>()
  const admitFrom = Math.max(doc.horizon, input.now - bounds.retentionMs)
  for (const tx of input.records) {
    const key = journalKeyOf(tx)
    if (seen.has(key)) continue // the bank listed one entry twice: the first one stands
    seen.add(key)
    const known = byKey.get(key)
    if ((known === undefined || known.removed) && tx.sortTime < admitFrom) continue
    if (known === undefined || known.removed) {
      seq += 1
      added += 1
      byKey.set(key, { key, tx, addedSeq: seq, seq, removed: false })
    } else if (differs(known.tx, tx)) {
      seq += 1
      modified += 1
      byKey.set(key, { ...known, tx, seq })
    } else if (known.tx.sortTime !== tx.sortTime || known.tx.hasDetails !== tx.hasDetails) {
      // Not a change a partner sees, but the journal keeps the bank's latest word.
      byKey.set(key, { ...known, tx })
    }
  }
  for (const entry of byKey.values()) {
    if (entry.removed || seen.has(entry.key) || !PENDING.has(entry.tx.status)) continue
    if (entry.tx.sortTime < input.coveredFrom) continue
    seq += 1
    removed += 1
    byKey.set(entry.key, { ...entry, seq, removed: true })
  }
  const { kept, horizon } = trim([...byKey.values()], input.now, bounds, doc.horizon)
  const changed = seq !== doc.seq || kept.length !== doc.entries.length || hasNewer(doc, byKey)
  return { doc: { v: 1, gen: doc.gen, seq, horizon, entries: kept }, added, modified, removed, changed }
}

function hasNewer(doc: JournalDoc, byKey: ReadonlyMap<string, JournalEntry>): boolean {
  return doc.entries.some((entry) => byKey.get(entry.key) !== entry)
}

/**
 * The bound: entries dated before the retention go, then the oldest dated beyond `maxEntries`. A trimmed entry is not
 * reported as removed: it left the journal's memory, not the bank.
 */
function trim(
  entries: JournalEntry[],
  now: number,
  bounds: JournalBounds,
  horizon: number,
): { kept: JournalEntry[]; horizon: number } {
  const oldest = now - bounds.retentionMs
  const dated = entries.filter((entry) => entry.tx.sortTime >= oldest)
  if (dated.length <= bounds.maxEntries) return { kept: dated, horizon }
  const kept = dated.sort((a, b) => b.tx.sortTime - a.tx.sortTime || b.seq - a.seq).slice(0, bounds.maxEntries)
  // Entries dated like the oldest one kept may have been cut too: nothing dated there or before comes back.
  const last = kept.at(-1)
  return { kept, horizon: Math.max(horizon, last === undefined ? 0 : last.tx.sortTime + 1) }
}

export interface SyncPage {
  readonly added: readonly TransactionRecord[]
  readonly modified: readonly TransactionRecord[]
  /** The ids (as last served) of the entries removed. */
  readonly removed: readonly string[]
  /** The sequence number the next page starts after. */
  readonly nextSeq: number
  readonly hasMore: boolean
}

/**
 * The changes after `afterSeq`, oldest change first, at most `first` of them. Each entry appears once, as its latest
 * state: added (the partner has not seen it), modified, or removed; one added and removed since is not shown at all.
 * From 0 that is every live entry, as added.
 */
export function changesSince(doc: JournalDoc, afterSeq: number, first: number): SyncPage {
  const changed = doc.entries
    .filter((entry) => entry.seq > afterSeq && !(entry.removed && entry.addedSeq > afterSeq))
    .sort((a, b) => a.seq - b.seq)
  const page = changed.slice(0, first)
  const hasMore = changed.length > page.length
  const last = page.at(-1)
  return {
    added: page.filter((e) => !e.removed && e.addedSeq > afterSeq).map((e) => e.tx),
    modified: page.filter((e) => !e.removed && e.addedSeq <= afterSeq).map((e) => e.tx),
    removed: page.filter((e) => e.removed).map((e) => e.tx.id),
    nextSeq: hasMore && last !== undefined ? last.seq : doc.seq,
    hasMore,
  }
}
