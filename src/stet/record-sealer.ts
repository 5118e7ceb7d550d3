/**
 * Records at rest (bank tokens, connection facts, pending authorisations) as compact JWE, `dir` + `A256GCM` (RFC 7516,
 * jose). The threat: someone who can read or write the store (a Redis dump, a copied DATA_DIR, a shared Redis) but not
 * the keys. Reading gets them nothing; writing gets them nothing either, because each record is bound to what it is:
 * its type, bank and PSU sit in the protected header, which AES-GCM authenticates, and are checked on open. A record
 * moved under another PSU's key (a swap), or altered by one byte, is refused, never used as that PSU's.
 * Each key has a `kid`: new records use the newest key, older ones stay readable while their key is configured, so keys
 * rotate without a flag day (DESIGN "Tokens").
 */
import { CompactEncrypt, compactDecrypt, type CompactJWEHeaderParameters } from 'jose'
import { GatewayError } from '../errors.js'

export interface SealingKey {
  /** Short, public, unique: names the key in each record's header. */
  readonly kid: string
  /** 32 bytes (AES-256). */
  readonly key: Uint8Array
}

/** What a record is bound to. `psu` and `bank` are checked on open; `typ` keeps one kind from passing for another. */
export interface RecordBinding {
  readonly typ: 'tokens' | 'connection' | 'pending-authorization'
  readonly bank: string
  readonly psu: string
}

/** A record that cannot be opened as what it should be: tampered, swapped, or sealed with a key we no longer hold. */
export class SealedRecordRejectedError extends GatewayError {
  readonly code = 'REAUTHORIZATION_REQUIRED'
  constructor(
    readonly typ: RecordBinding['typ'],
    readonly reason: 'unreadable' | 'unknown-key' | 'wrong-binding',
    options?: { cause?: unknown },
  ) {
    super(`a stored ${typ} record was refused (${reason}): the PSU must authorize access at the bank again`, options)
  }
}

const ENCODER = new TextEncoder()
const DECODER = new TextDecoder()

/**
 * Records already opened, by their exact sealed text. A bank call reads the PSU's token record first, and opening it
 * (a WebCrypto key import and an AES-GCM job on the threadpool) was about a tenth of a cold 20-account read's CPU
 * (bench/RESULTS.md, issue 16). A JWE text carries its own random IV and tag, so the same text is the same record: it
 * was authenticated once under the same keys (fixed for this sealer's life), and the binding is still compared on every
 * open. Bounded; the oldest out first.
 */
const MAX_OPENED = 4096

interface Opened {
  readonly typ: RecordBinding['typ']
  readonly bank: string
  readonly psu: string
  readonly text: string
}

export class RecordSealer {
  readonly #keys: ReadonlyMap<string, Uint8Array>
  readonly #current: SealingKey
  readonly #opened = new Map<string, Opened>()

  /** `keys`: oldest first; the last one seals new records. */
  constructor(keys: readonly SealingKey[]) {
    const current = keys.at(-1)
    if (current === undefined) throw new TypeError('RecordSealer needs at least one key')
    const byKid = new Map<string, Uint8Array>()
    for (const k of keys) {
      if (k.key.byteLength !== 32)
        throw new TypeError(`key "${k.kid}" must be 32 bytes (AES-256), got ${k.key.byteLength}`)
      if (byKid.has(k.kid)) throw new TypeError(`key id "${k.kid}" appears twice`)
      byKid.set(k.kid, k.key)
    }
    this.#keys = byKid
    this.#current = current
  }

  get currentKid(): string {
    return this.#current.kid
  }

  async seal(binding: RecordBinding, value: unknown): Promise<string> {
    return new CompactEncrypt(ENCODER.encode(JSON.stringify(value)))
      .setProtectedHeader({
        alg: 'dir',
        enc: 'A256GCM',
        kid: this.#current.kid,
        typ: binding.typ,
        bank: binding.bank,
        psu: binding.psu,
      })
      .encrypt(this.#current.key)
  }

  /** The record's value, or {@link SealedRecordRejectedError}. Never returns a record bound to anything else. */
  async open<T>(binding: RecordBinding, jwe: unknown): Promise<T> {
    if (typeof jwe !== 'string') throw new SealedRecordRejectedError(binding.typ, 'unreadable')
    const known = this.#opened.get(jwe)
    if (known !== undefined && known.typ === binding.typ && known.bank === binding.bank && known.psu === binding.psu) {
      // A fresh copy for every caller, as a full open gives.
      return JSON.parse(known.text) as T
    }
    let header: CompactJWEHeaderParameters
    let plaintext: Uint8Array
    try {
      const result = await compactDecrypt(
        jwe,
        (protectedHeader) => {
          const key = typeof protectedHeader.kid === 'string' ? this.#keys.get(protectedHeader.kid) : undefined
          if (key === undefined) throw new SealedRecordRejectedError(binding.typ, 'unknown-key')
          return key
        },
        { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] },
      )
      header = result.protectedHeader
      plaintext = result.plaintext
    } catch (error) {
      if (error instanceof SealedRecordRejectedError) throw error
      throw new SealedRecordRejectedError(binding.typ, 'unreadable', { cause: error })
    }
    if (header.typ !== binding.typ || header.bank !== binding.bank || header.psu !== binding.psu) {
      throw new SealedRecordRejectedError(binding.typ, 'wrong-binding')
    }
    const text = DECODER.decode(plaintext)
    let value: T
    try {
      value = JSON.parse(text) as T
    } catch (error) {
      throw new SealedRecordRejectedError(binding.typ, 'unreadable', { cause: error })
    }
    if (this.#opened.size >= MAX_OPENED) {
      const oldest = this.#opened.keys().next()
      if (oldest.done !== true) this.#opened.delete(oldest.value)
    }
    this.#opened.set(jwe, { typ: binding.typ, bank: binding.bank, psu: binding.psu, text })
    return value
  }

  /** The `kid` a record was sealed with (for rotation: re-seal records still on an old key). */
  static kidOf(jwe: string): string | undefined {
    try {
      const header = JSON.parse(Buffer.from(jwe.split('.')[0] ?? '', 'base64url').toString('utf8')) as { kid?: unknown }
      return typeof header.kid === 'string' ? header.kid : undefined
    } catch {
      return undefined
    }
  }
}
