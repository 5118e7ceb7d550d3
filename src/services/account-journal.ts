/**
 * The journals as the services use them: merge a bank answer into an account's journal (atomically, whatever the
 * replicas do meanwhile), read it, and say so to the partner's sink (TRANSACTIONS_UPDATED) when a merge changed
 * something. The merge rules are transaction-journal.ts's; the store's compare-and-swap is cache/journal-backend.ts's.
 * A journal that cannot be written never fails the read that fed it: the next read merges the same entries again.
 */
import { randomBytes } from 'node:crypto'
import { DecodedEntries } from '../cache/decoded-entries.js'
import type { JournalBackend } from '../cache/journal-backend.js'
import type { Clock } from '../clock.js'
import { GatewayError } from '../errors.js'
import { formatQuotaHashTag, formatQuotaKey } from '../quota/quota-ledger.js'
import { encodeAccountId } from './account-id.js'
import type { TransactionRecord } from './records.js'
import type { CursorPosition, CursorScope, SyncCursorCodec } from './sync-cursor.js'
import type { SyncEventSink } from './sync-events.js'
import type { JournalBounds, JournalDoc, MergeOutcome } from './transaction-journal.js'
import { emptyJournal, mergeIntoJournal } from './transaction-journal.js'

export interface AccountJournalDeps {
  readonly tpp: string
  readonly backend: JournalBackend
  readonly cursors: SyncCursorCodec
  readonly events: SyncEventSink
  readonly clock: Clock
  readonly bounds: JournalBounds
  readonly onStoreError: (error: unknown) => void
}

/** One account of one PSU at one bank. */
export interface JournalRef {
  readonly bank: string
  readonly psu: string
  readonly iban: string
}

/** Another merge won every round: under any sane load, a store that misbehaves. */
export class JournalContentionError extends GatewayError {
  readonly code = 'STORE_UNAVAILABLE'
  constructor() {
    super('the transactions journal is being written by too many merges at once')
  }
}

const MAX_ATTEMPTS = 32
/**
 * Parsed journals, found by the exact text the store holds (as the cache's hot tier): every cold read of an account's
 * transactions merges into its journal, and parsing the stored document again was most of the merge's cost (a
 * 20-account read parses 20 journals). The documents are read-only: merges build new ones.
 */
const PARSED_MAX_BYTES = 16 * 1024 * 1024

export class AccountJournal {
  readonly #deps: AccountJournalDeps
  readonly #parsed = new DecodedEntries({ maxBytes: PARSED_MAX_BYTES })

  constructor(deps: AccountJournalDeps) {
    this.#deps = deps
  }

  /** Merges and reports; store or sink failures are logged, never thrown (see the file's comment). */
  async record(ref: JournalRef, records: readonly TransactionRecord[], coveredFrom: number): Promise<void> {
    try {
      await this.merge(ref, records, coveredFrom)
    } catch (error) {
      this.#deps.onStoreError(error)
    }
  }

  /** One merge, retried until its compare-and-swap wins; emits TRANSACTIONS_UPDATED when it changed anything. */
  async merge(ref: JournalRef, records: readonly TransactionRecord[], coveredFrom: number): Promise<MergeOutcome> {
    const key = this.#key(ref)
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const stored = await this.#deps.backend.get(key)
      const before = (stored === undefined ? undefined : this.#parse(stored.text)) ?? emptyJournal(newGeneration())
      const outcome = mergeIntoJournal(before, { records, coveredFrom, now: this.#deps.clock() }, this.#deps.bounds)
      if (!outcome.changed) return outcome
      const text = JSON.stringify(outcome.doc)
      const written = await this.#deps.backend.swap(key, stored?.version ?? 0, text, this.#deps.bounds.retentionMs)
      if (!written) continue
      this.#parsed.decode(text, () => outcome.doc)
      if (outcome.added + outcome.modified + outcome.removed > 0) await this.#emit(ref, before, outcome)
      return outcome
    }
    throw new JournalContentionError()
  }

  /** Undefined when no read of this account's transactions was ever merged (or the journal was forgotten). */
  async read(ref: JournalRef): Promise<JournalDoc | undefined> {
    const stored = await this.#deps.backend.get(this.#key(ref))
    return stored === undefined ? undefined : this.#parse(stored.text)
  }

  #parse(text: string): JournalDoc | undefined {
    return this.#parsed.decode(text, parseDoc) as JournalDoc | undefined
  }

  /** Disconnecting a bank deletes the bank data we hold (DESIGN inv. 12): its cursors are then refused. */
  async forget(ref: JournalRef): Promise<void> {
    await this.#deps.backend.delete(this.#key(ref))
  }

  cursor(ref: JournalRef, position: CursorPosition): string {
    return this.#deps.cursors.encode(this.#scope(ref), position)
  }

  /** BAD_USER_INPUT for anything but a cursor of this account and PSU. */
  position(ref: JournalRef, cursor: string): CursorPosition {
    return this.#deps.cursors.decode(this.#scope(ref), cursor)
  }

  async #emit(ref: JournalRef, before: JournalDoc, outcome: MergeOutcome): Promise<void> {
    try {
      await this.#deps.events.emit({
        type: 'TRANSACTIONS_UPDATED',
        psuId: ref.psu,
        bank: ref.bank,
        at: this.#deps.clock(),
        accountId: encodeAccountId(ref.bank, ref.iban),
        added: outcome.added,
        modified: outcome.modified,
        removed: outcome.removed,
        // Syncing from where the journal stood before this merge shows exactly its changes (and any later ones).
        cursor: this.cursor(ref, { gen: before.gen, seq: before.seq }),
      })
    } catch (error) {
      this.#deps.onStoreError(error)
    }
  }

  #scope(ref: JournalRef): CursorScope {
    return { tpp: this.#deps.tpp, bank: ref.bank, psu: ref.psu, iban: ref.iban }
  }

  /** Under the PSU's hash tag, like the ledger's keys (DESIGN inv. 7): one slot per PSU on a cluster. */
  #key(ref: JournalRef): string {
    const parts = { tpp: this.#deps.tpp, bank: ref.bank, psu: ref.psu, iban: ref.iban, method: 'transactions' as const }
    return `${formatQuotaHashTag(parts)}:${formatQuotaKey(parts)}`
  }
}

function newGeneration(): string {
  return randomBytes(8).toString('hex')
}

/** A document this version cannot read starts a new generation: old cursors are then refused, never misread. */
function parseDoc(text: string): JournalDoc | undefined {
  try {
    const doc = JSON.parse(text) as Partial<JournalDoc>
    if (doc.v !== 1 || typeof doc.gen !== 'string' || typeof doc.seq !== 'number' || !Array.isArray(doc.entries))
      return undefined
    return { ...(doc as JournalDoc), horizon: typeof doc.horizon === 'number' ? doc.horizon : 0 }
  } catch {
    return undefined
  }
}
