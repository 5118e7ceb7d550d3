/**
 * Where sealed records live (tokens, connection facts, pending authorisations): opaque strings under string keys. The
 * backends (lmdb under DATA_DIR, Redis) are in `stores/`; this is the contract they keep, so that `stet/` needs none
 * of them. Every failure of the store surfaces as {@link RecordStoreUnavailableError}, never as "no record".
 */
import { GatewayError } from '../errors.js'

export interface RecordBackend {
  get(key: string): Promise<string | undefined>
  /** `ttlMs`: the store may forget the record after this long (Redis does; lmdb checks it on read). */
  set(key: string, value: string, options?: { ttlMs?: number }): Promise<void>
  delete(key: string): Promise<void>
  /** Reads and deletes in one atomic step, across replicas: a one-time record is handed out once. */
  take(key: string): Promise<string | undefined>
  /** Adds `member` to the named set (idempotent): what cannot be found by key alone, e.g. every connection. */
  addMember(set: string, member: string): Promise<void>
  members(set: string): Promise<string[]>
}

export class RecordStoreUnavailableError extends GatewayError {
  readonly code = 'STORE_UNAVAILABLE'
  constructor(cause: unknown) {
    super('the token store cannot be reached', { cause })
  }
}
