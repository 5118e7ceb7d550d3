/**
 * The bank-backed reads one GraphQL operation has in flight. graphql-js resolves sibling fields concurrently, so a
 * `quota` field read at once would show the ledger BEFORE its siblings (balances, transactions…) reserved their
 * units. `settled()` lets it wait until the operation's own reads are done, including reads that nested fields start
 * after their parents resolved (a transaction's details), then it reads the ledger.
 */
export class OperationActivity {
  readonly #pending = new Set<Promise<void>>()

  /** Records a read; its outcome is the caller's, the activity only waits for it to end. */
  track<T>(read: Promise<T>): Promise<T> {
    const done: Promise<void> = read.then(
      () => undefined,
      () => undefined,
    )
    this.#pending.add(done)
    void done.then(() => this.#pending.delete(done))
    return read
  }

  /**
   * Resolves once no tracked read is in flight. Each round first yields a macrotask: resolvers that run in the same
   * tick have called their loaders by then, and DataLoader has dispatched them (it batches on process.nextTick).
   */
  async settled(): Promise<void> {
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve))
      if (this.#pending.size === 0) return
      await Promise.all([...this.#pending])
    }
  }
}
