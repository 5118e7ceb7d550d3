/**
 * A map bounded by estimated bytes: the part the in-process memory tiers share (cache/decoded-entries.ts,
 * stet/checked-statements.ts). Insertion order is eviction order, so a hit writes nothing (no reordering on a read
 * path); an entry above a quarter of the bound is not kept, so that one large value cannot empty the tier; a bound of
 * 0 keeps nothing. A leaf: it imports nothing of ours.
 */
export class ByteBoundedMap<K, V> {
  readonly #maxBytes: number
  readonly #entries = new Map<K, { readonly value: V; readonly bytes: number }>()
  #bytes = 0

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes
  }

  /** The estimated bytes of what is kept. */
  get bytes(): number {
    return this.#bytes
  }

  get size(): number {
    return this.#entries.size
  }

  get(key: K): V | undefined {
    return this.#entries.get(key)?.value
  }

  /** Keeps `value` (for a new key) unless it is above a quarter of the bound, evicting the oldest entries to fit it. */
  set(key: K, value: V, bytes: number): void {
    if (bytes > this.#maxBytes / 4 || this.#entries.has(key)) return
    while (this.#bytes + bytes > this.#maxBytes) this.#evictOldest()
    this.#entries.set(key, { value, bytes })
    this.#bytes += bytes
  }

  clear(): void {
    this.#entries.clear()
    this.#bytes = 0
  }

  #evictOldest(): void {
    const oldest = this.#entries.entries().next()
    if (oldest.done === true) {
      this.#bytes = 0
      return
    }
    this.#entries.delete(oldest.value[0])
    this.#bytes -= oldest.value[1].bytes
  }
}
