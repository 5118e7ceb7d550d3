/**
 * DESIGN inv. 11: a refusal the bank gave is not bought twice. When the bank answers a read with a consent refusal
 * (403: identity without `psuIdentity`, a resource the consent does not grant), the key is marked refused; later
 * unattended reads of it answer CONSENT_REQUIRED from here and spend nothing. Any consent change for the connection
 * forgets every refusal at once, on every replica: a mark counts only if it is younger than the connection's last
 * consent change (one record per connection, so nothing has to enumerate the marks).
 */
import type Keyv from 'keyv'
import { CacheUnavailableError } from './freshness-cache.js'

export class RefusalMemory {
  readonly #keyv: Keyv
  readonly #retentionMs: number

  constructor(keyv: Keyv, options: { retentionMs: number }) {
    this.#keyv = keyv
    this.#retentionMs = options.retentionMs
  }

  /** `at`: ordering time (see bank-reader.ts `orderingNow`), compared with the consent changes' own. */
  async remember(key: string, connection: string, at: number): Promise<void> {
    await this.#run(() => this.#keyv.set(refusedKey(key), { at, connection }, this.#retentionMs))
  }

  async isRefused(key: string, connection: string): Promise<boolean> {
    const [mark, changedAt] = await this.#run(() =>
      Promise.all([
        this.#keyv.get<{ at: number; connection: string }>(refusedKey(key)),
        this.#keyv.get<number>(consentChangedKey(connection)),
      ]),
    )
    if (mark === undefined || mark === null || mark.connection !== connection) return false
    return changedAt === undefined || changedAt === null || mark.at > changedAt
  }

  /** The consent changed (a 201 to `PUT /consents`, a new authorisation): every refusal of the connection is void. */
  async forgetAll(connection: string, at: number): Promise<void> {
    await this.#run(() => this.#keyv.set(consentChangedKey(connection), at, this.#retentionMs))
  }

  async #run<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (error) {
      throw new CacheUnavailableError(error)
    }
  }
}

const refusedKey = (key: string): string => `${key}#refused`
const consentChangedKey = (connection: string): string => `${connection}#consent-changed`
