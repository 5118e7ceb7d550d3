/**
 * The `transactionsSync` cursor: a journal generation and a sequence number, authenticated for one account of one
 * PSU. The MAC (HMAC-SHA256) covers tpp, bank, PSU and IBAN without carrying them, so a cursor names no account in
 * clear, and a cursor of another account or PSU, or one altered by a byte, does not verify: BAD_USER_INPUT.
 * Its key is derived (HKDF-SHA256) from TOKEN_ENCRYPTION_KEYS, the one secret every replica already shares and keeps
 * across restarts; the newest key signs, every configured key verifies, so cursors outlive a key rotation until the
 * old key is dropped.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto'
import { BadInputError } from './read-errors.js'

export interface CursorScope {
  readonly tpp: string
  readonly bank: string
  readonly psu: string
  readonly iban: string
}

export interface CursorPosition {
  /** The journal generation ('' when the journal did not exist yet: position 0 of any generation). */
  readonly gen: string
  readonly seq: number
}

const INFO = 'stet-gateway transactionsSync cursor v1'

export class SyncCursorCodec {
  readonly #keys: readonly Buffer[]

  /** `keyMaterial`: the token encryption keys, oldest first (the last one signs). */
  constructor(keyMaterial: readonly Uint8Array[]) {
    if (keyMaterial.length === 0) throw new TypeError('SyncCursorCodec needs at least one key')
    this.#keys = keyMaterial.map((ikm) => Buffer.from(hkdfSync('sha256', ikm, new Uint8Array(0), INFO, 32)))
  }

  encode(scope: CursorScope, position: CursorPosition): string {
    const body = Buffer.from(`${position.gen}.${position.seq}`, 'utf8').toString('base64url')
    const signer = this.#keys.at(-1)
    if (signer === undefined) throw new TypeError('no cursor key')
    return `${body}.${mac(signer, scope, body).toString('base64url')}`
  }

  /** The position a cursor names for this scope; BAD_USER_INPUT when it is not one of this account's cursors. */
  decode(scope: CursorScope, cursor: string): CursorPosition {
    const refused = new BadInputError('cursor is not a transactionsSync cursor of this account')
    const [body, tag, extra] = cursor.split('.')
    if (body === undefined || tag === undefined || extra !== undefined || cursor.length > 200) throw refused
    const given = Buffer.from(tag, 'base64url')
    const valid = this.#keys.some((key) => {
      const expected = mac(key, scope, body)
      return expected.length === given.length && timingSafeEqual(expected, given)
    })
    if (!valid) throw refused
    const m = /^([0-9a-f]*)\.(\d{1,15})$/.exec(Buffer.from(body, 'base64url').toString('utf8'))
    if (m?.[1] === undefined || m[2] === undefined) throw refused
    return { gen: m[1], seq: Number(m[2]) }
  }
}

function mac(key: Buffer, scope: CursorScope, body: string): Buffer {
  return createHmac('sha256', key)
    .update(JSON.stringify([scope.tpp, scope.bank, scope.psu, scope.iban, body]))
    .digest()
}
