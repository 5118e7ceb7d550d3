/**
 * How cache entries are written as text, in lmdb and in Redis alike (issue 18: a cache that fits a million PSUs).
 *
 * Small entries (a balance, a mark) stay plain JSON. An entry of 512 characters or more (a transaction window: about
 * 430 bytes of JSON per transaction) is written compact: `c1:<expires>:<json length>:<base64 of deflateRaw(JSON)>`,
 * where an array of records (transactions, balances, accounts) is laid out by column (one list of keys, then one
 * array per key) before compressing. Measured on 120-transaction windows of the sandbox's generator (README "A cache
 * that fits", `npm run bench:codec`): about 47 bytes of text per transaction (JSON: 430). JSON + deflate without the
 * columns took 59, brotli 53 at 2–10× the write CPU and a slower decode, msgpackr (packed records) + deflate 53 with
 * a decode slower than V8's native JSON. A decode costs 1.2–1.5× a `JSON.parse` of the old text, paid only when the
 * hot tier (decoded-entries.ts) misses; its hits got cheaper (short texts). Base64 because both stores hand strings
 * back (+33 %, still well under the 100 bytes per transaction the issue sets).
 *
 * `expires` stays readable in the header: the lmdb sweep and its byte budget order entries without inflating them.
 *
 * keyv's default codec walks every value in JavaScript; V8's native JSON does the same work for our plain data at a
 * fraction of the cost. Texts written before this format (plain JSON of `{value, expires}`) still decode; a text that
 * is neither decodes as nothing, which keyv takes for a miss (the value is read again within the quota).
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib'
import type { KeyvOptions } from 'keyv'

const COMPACT = 'c1:'
/**
 * zlib's fastest family (levels 1–3: no lazy matching): a window is written on every present read that changed, and
 * level 6 took about 4× the CPU of level 3 for 12 % fewer bytes.
 */
const DEFLATE_LEVEL = 3
/** Below this, deflate and base64 save nothing worth the CPU. */
const COMPACT_FROM_CHARS = 512

interface Stored {
  value?: unknown
  expires?: number | null
}

/** Envelope layouts inside a compact text. */
const PLAIN = 0
/** A cache entry (`{value, fetchedAt, psuPresent}`) whose value is an array of records, laid out by column. */
const COLUMNS = 1

export function serializeCacheText(data: Stored): string {
  const columns = toColumns(data.value)
  let inner: string
  if (columns === undefined) {
    const json = JSON.stringify(data)
    if (json.length < COMPACT_FROM_CHARS) return json
    inner = `[${PLAIN},${JSON.stringify(data.value)}]`
  } else {
    inner = JSON.stringify([COLUMNS, ...columns])
    if (inner.length < COMPACT_FROM_CHARS) return JSON.stringify(data)
  }
  const expires = typeof data.expires === 'number' ? String(data.expires) : ''
  return `${COMPACT}${expires}:${inner.length}:${deflateRawSync(inner, { level: DEFLATE_LEVEL }).toString('base64')}`
}

export function deserializeCacheText(text: string): Stored | undefined {
  if (text.startsWith(COMPACT)) return decodeCompact(text)
  try {
    return JSON.parse(text) as Stored
  } catch {
    return undefined
  }
}

/** The expiry of a stored text without decoding its value (undefined: none, or not one of ours). */
export function expiresOfCacheText(text: string): number | undefined {
  if (text.startsWith(COMPACT)) {
    const end = text.indexOf(':', COMPACT.length)
    const expires = end < 0 ? NaN : Number(text.slice(COMPACT.length, end) || NaN)
    return Number.isFinite(expires) ? expires : undefined
  }
  try {
    const expires = (JSON.parse(text) as Stored).expires
    return typeof expires === 'number' ? expires : undefined
  } catch {
    return undefined
  }
}

/**
 * About how many characters of JSON a stored text stands for (a compact text says so in its header): what an
 * in-process copy of the decoded value costs grows with it, not with the compressed text.
 */
export function jsonLengthOfCacheText(text: string): number {
  if (!text.startsWith(COMPACT)) return text.length
  const first = text.indexOf(':', COMPACT.length)
  const second = first < 0 ? -1 : text.indexOf(':', first + 1)
  const length = second < 0 ? NaN : Number(text.slice(first + 1, second))
  return Number.isInteger(length) && length > 0 ? length : text.length
}

type CacheCodec = Pick<KeyvOptions, 'serialize' | 'deserialize'>

export const cacheCodec: CacheCodec = {
  serialize: (data) => serializeCacheText(data as Stored),
  deserialize: (text) => deserializeCacheText(text) as ReturnType<typeof JSON.parse>,
}

/**
 * How the cache writes its texts: `compact` (this format, what the gateway runs) or `json` (every entry plain JSON, as
 * before issue 18). `json` exists for the benchmark's before/after on the warm path (`V2w-json` in bench/queries.ts);
 * both read either kind of text.
 */
export type CacheEncoding = 'compact' | 'json'

const plainJsonCodec: CacheCodec = {
  serialize: (data) => JSON.stringify(data),
  deserialize: cacheCodec.deserialize,
}

export function cacheCodecFor(encoding: CacheEncoding = 'compact'): CacheCodec {
  return encoding === 'json' ? plainJsonCodec : cacheCodec
}

function decodeCompact(text: string): Stored | undefined {
  const first = text.indexOf(':', COMPACT.length)
  const second = first < 0 ? -1 : text.indexOf(':', first + 1)
  if (second < 0) return undefined
  const expiresText = text.slice(COMPACT.length, first)
  const expires = expiresText === '' ? undefined : Number(expiresText)
  let inner: unknown
  try {
    inner = JSON.parse(inflateRawSync(Buffer.from(text.slice(second + 1), 'base64')).toString('utf8'))
  } catch {
    return undefined
  }
  if (!Array.isArray(inner)) return undefined
  const value = inner[0] === PLAIN ? inner[1] : inner[0] === COLUMNS ? fromColumns(inner) : undefined
  if (value === undefined) return undefined
  return expires === undefined ? { value } : { value, expires }
}

type Row = Record<string, unknown>

/**
 * `[fetchedAt, psuPresent, count, keys, columns]` for a cache entry holding two or more plain records, else undefined.
 * A key a record lacks is `null` in its column, so a record holding a real `null` is not laid out by column (it stays
 * plain: decoding must give back exactly what was written).
 */
function toColumns(value: unknown): [number, boolean, number, string[], unknown[][]] | undefined {
  if (!isRow(value)) return undefined
  const { value: records, fetchedAt, psuPresent } = value
  if (typeof fetchedAt !== 'number' || typeof psuPresent !== 'boolean' || Object.keys(value).length !== 3) {
    return undefined
  }
  if (!Array.isArray(records) || records.length < 2) return undefined
  const index = new Map<string, number>()
  const columns: unknown[][] = []
  for (let r = 0; r < records.length; r++) {
    const record: unknown = records[r]
    if (!isRow(record)) return undefined
    for (const key in record) {
      const item = record[key]
      if (item === undefined) continue
      // A real null, or a key that an assignment would take for the prototype: such a record stays plain JSON.
      if (item === null || key === '__proto__') return undefined
      let c = index.get(key)
      if (c === undefined) {
        c = columns.length
        index.set(key, c)
        columns.push(new Array<unknown>(records.length).fill(null))
      }
      ;(columns[c] as unknown[])[r] = item
    }
  }
  return [fetchedAt, psuPresent, records.length, [...index.keys()], columns]
}

function fromColumns(inner: unknown[]): unknown {
  const [, fetchedAt, psuPresent, length, keys, columns] = inner
  if (typeof fetchedAt !== 'number' || typeof psuPresent !== 'boolean' || typeof length !== 'number') return undefined
  if (!Array.isArray(keys) || !Array.isArray(columns) || keys.length !== columns.length) return undefined
  const records = new Array<Row>(length)
  for (let r = 0; r < length; r++) {
    const record: Row = {}
    for (let c = 0; c < keys.length; c++) {
      const item: unknown = (columns[c] as unknown[])[r]
      if (item !== null) record[keys[c] as string] = item
    }
    records[r] = record
  }
  return { value: records, fetchedAt, psuPresent }
}

function isRow(value: unknown): value is Row {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}
