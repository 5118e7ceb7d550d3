import { publishSingleFlightJoin } from './cache-diagnostics.js'

/**
 * Identical concurrent reads share one bank call. In one process: one in-flight promise per key (as jose's
 * `remote.ts` shares one pending JWKS fetch). Across replicas: a lock in the shared store (see `DistributedLock`),
 * whose losers wait for the winner's value in the cache instead of calling the bank.
 */
export class SingleFlight {
  readonly #inFlight = new Map<string, Promise<unknown>>()

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const pending = this.#inFlight.get(key)
    if (pending !== undefined) {
      publishSingleFlightJoin('process')
      return pending as Promise<T>
    }
    const promise = work().finally(() => this.#inFlight.delete(key))
    this.#inFlight.set(key, promise)
    return promise
  }

  get size(): number {
    return this.#inFlight.size
  }
}

/** A lease on a key across replicas. `acquire` resolves a release function, or undefined when someone else holds it. */
export interface DistributedLock {
  acquire(key: string, ttlMs: number): Promise<(() => Promise<void>) | undefined>
}

/** One process owns the embedded store: the in-process single-flight is the whole story. */
export const processLocalLock: DistributedLock = {
  acquire: async () => async () => {},
}
