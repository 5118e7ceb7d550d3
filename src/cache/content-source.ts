/**
 * What a cached value was made from, when that is cheaper to digest than the value itself. The cache skips rewriting
 * an answer identical to the one it last wrote (freshness-cache.ts), which takes a digest of every answer: a
 * 50-transaction window's own JSON costs 76 µs to write out and hash, the bank's 21 KB of text it was mapped from
 * 14 µs (bench/RESULTS.md, fifth pass; 20 of them per 20-account read).
 *
 * Only the source's digest is kept, never the source: holding the bank's text for as long as the value lived kept
 * about 100 KiB per 20-account read alive across scavenges, for V8 to promote and mark (bench/RESULTS.md, ninth pass).
 *
 * The value must be a pure function of its source (the same text always maps to the same records): then two equal
 * sources mean two equal values, and a source that differs at most costs one write that was not needed.
 */
import { createHash } from 'node:crypto'

const sourceDigests = new WeakMap<object, string>()

/** Marks `value` as made from the source whose digest is `sourceDigest` (equal sources, equal digests), and returns it. */
export function madeFrom<T extends object>(value: T, sourceDigest: string): T {
  sourceDigests.set(value, sourceDigest)
  return value
}

/** A digest of the value's content: its source's when it has one, else its JSON's (prefixed apart, never equal). */
export function contentDigestOf(value: unknown): string {
  const source = typeof value === 'object' && value !== null ? sourceDigests.get(value) : undefined
  return source === undefined ? `v${createHash('sha256').update(JSON.stringify(value)).digest('base64')}` : `s${source}`
}
