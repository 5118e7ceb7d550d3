/**
 * Transactions answers already checked, found by a digest of the bank's exact text. A statement is the answer that
 * dominates a cold read (a 20-account read checks about 1,000 transactions), and the bank most often answers a PSU's
 * next read with the very text of the last one. Parsing and checking the same text again gives the same value, so
 * that value is kept and handed out again: the read then spends no parse, no check and (in the services, which map a
 * statement once: account-data-service.ts) no mapping, and what it would have built does not live on through the
 * operation for V8 to promote and mark (bench/RESULTS.md, ninth pass).
 *
 * The values are shared by every read that finds them and must never be mutated (nothing does: the mapping builds new
 * records, sharing only strings and arrays nobody writes to). They are found by the text alone, whoever's answer it
 * was: two answers with the same bytes hold the same data, so nothing can pass from one PSU's read to another's that
 * the bank did not send to both. The bound is in estimated bytes (byte-bounded-map.ts: a hit writes nothing).
 */
import { createHash } from 'node:crypto'
import { ByteBoundedMap } from '../byte-bounded-map.js'
import type { CheckedTransaction } from './stet-schemas.js'

export interface CheckedStatement {
  readonly transactions: readonly CheckedTransaction[]
  /** A digest of the bank's text (`''` for a 204): equal digests, equal statements. */
  readonly digest: string
}

export const EMPTY_STATEMENT: CheckedStatement = Object.freeze({ transactions: Object.freeze([]), digest: '' })

/**
 * A checked statement and the records mapped from it hold about twice the bytes of the text they came from (measured
 * on 400 statements of 50 transactions, 18.9 KB of text each: 33.3 KB of heap, 1.76 bytes per character; checked
 * only, 1.19).
 */
const BYTES_PER_CHARACTER = 2

export class CheckedStatements {
  readonly #byDigest: ByteBoundedMap<string, CheckedStatement>

  /** `maxBytes` 0 turns the memo off (every answer is parsed and checked). */
  constructor(maxBytes: number) {
    this.#byDigest = new ByteBoundedMap(maxBytes)
  }

  get bytes(): number {
    return this.#byDigest.bytes
  }

  get size(): number {
    return this.#byDigest.size
  }

  /** The statement of `text`: the one already checked from an identical text, else what `check` makes of it (it may throw). */
  of(text: string, check: () => readonly CheckedTransaction[]): CheckedStatement {
    const digest = createHash('sha256').update(text).digest('base64')
    const known = this.#byDigest.get(digest)
    if (known !== undefined) return known
    const statement: CheckedStatement = { transactions: check(), digest }
    this.#byDigest.set(digest, statement, text.length * BYTES_PER_CHARACTER)
    return statement
  }
}
