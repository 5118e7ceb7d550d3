/**
 * The in-process hot tier of the cache: decoded entries, found by the exact text the durable store holds for them.
 *
 * A warm read spent most of its own work decoding the same JSON again (`deserialize`, 8 % of the V2w dashboard's
 * samples once the time-zone maths was gone: bench/RESULTS.md; a 20-account transactions read decodes 20 statements of
 * 61 days). Here the durable store is still asked on every read, and the decoded value is reused only when the store
 * answers with the very text it was decoded from. So the tier needs no invalidation of its own and can never serve
 * what the durable cache no longer holds as current: a consent change (the key deleted), a present read (new text), an
 * expiry or another replica's write (new text, or none) all change what the store answers, on lmdb and on Redis alike.
 * What it saves is the decoding and its garbage, not the store read.
 *
 * Texts of more than 16,383 characters are hashed by V8 from their length only, and compared in full when the lengths
 * match: a lookup costs a hash of a short text or one memory comparison of a long one, far less than a parse.
 *
 * The decoded values are shared by every read that finds them: they are read-only (no code path mutates a record; the
 * services copy when they filter or page).
 */

import { ByteBoundedMap } from '../byte-bounded-map.js'
import { jsonLengthOfCacheText } from './cache-codec.js'

export interface DecodedEntriesOptions {
  /** The bound, in estimated bytes of the texts and their decoded values together; 0 turns the tier off. */
  readonly maxBytes: number
}

/**
 * An estimate: the text itself (one byte per character for the ASCII bank data) and about twice its JSON's length for
 * the decoded objects (a compact text's header says how long its JSON is: cache-codec.ts).
 */
function bytesOf(text: string): number {
  return text.length + 2 * jsonLengthOfCacheText(text)
}

export class DecodedEntries {
  readonly #byText: ByteBoundedMap<string, unknown>

  constructor(options: DecodedEntriesOptions) {
    this.#byText = new ByteBoundedMap(options.maxBytes)
  }

  get bytes(): number {
    return this.#byText.bytes
  }

  get size(): number {
    return this.#byText.size
  }

  /** `decode(text)`, or the value already decoded from an identical text. */
  decode(text: string, decode: (text: string) => unknown): unknown {
    const known = this.#byText.get(text)
    if (known !== undefined) return known
    const value = decode(text)
    if (value !== undefined) this.#byText.set(text, value, bytesOf(text))
    return value
  }

  clear(): void {
    this.#byText.clear()
  }
}
