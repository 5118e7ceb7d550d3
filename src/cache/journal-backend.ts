/**
 * Where the transactions journals live (services/transaction-journal.ts): one text document per account under its
 * key, with a version that every write bumps. `swap` writes only if the version is still the one read, in one atomic
 * step on every replica (a Lua script on Redis, one lmdb write transaction embedded), so a merge that lost the race
 * reads again and merges again instead of overwriting the other one's change. Store failures surface as
 * STORE_UNAVAILABLE (CacheUnavailableError), never as "no journal".
 */
export interface VersionedText {
  readonly version: number
  readonly text: string
}

export interface JournalBackend {
  get(key: string): Promise<VersionedText | undefined>
  /**
   * Writes `text` if the document is still at `expectedVersion` (0: absent), as version `expectedVersion + 1`;
   * false when another write came first. `ttlMs`: the store may forget a journal nobody wrote to for that long.
   */
  swap(key: string, expectedVersion: number, text: string, ttlMs: number): Promise<boolean>
  /** Forgets the journal (the PSU disconnected the bank); a later merge starts a new generation. */
  delete(key: string): Promise<void>
}
