import { describe, expect, it } from '@jest/globals'
import { SyncCursorCodec } from '../../src/services/sync-cursor.js'

const key = (n: number) => new Uint8Array(32).fill(n)
const scope = { tpp: 'PSDFR-ACPR-SANDBOX', bank: '17515', psu: '9999999903', iban: 'FR7617515000920400085945890' }

describe('SyncCursorCodec', () => {
  it('gives back the position it encoded, for the same scope, with another instance of the same key', () => {
    const cursor = new SyncCursorCodec([key(1)]).encode(scope, { gen: 'ab12', seq: 42 })
    expect(new SyncCursorCodec([key(1)]).decode(scope, cursor)).toEqual({ gen: 'ab12', seq: 42 })
    expect(cursor).not.toContain(scope.iban)
  })

  it.each([
    ['another account', { ...scope, iban: 'FR7617515000920400430518020' }],
    ['another PSU', { ...scope, psu: '9999999901' }],
    ['another bank', { ...scope, bank: '11315' }],
    ['another TPP', { ...scope, tpp: 'PSDFR-ACPR-OTHER' }],
  ])('refuses a cursor of %s with BAD_USER_INPUT', (_what, other) => {
    const codec = new SyncCursorCodec([key(1)])
    const cursor = codec.encode(scope, { gen: 'ab12', seq: 42 })
    expect(() => codec.decode(other, cursor)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }))
  })

  it('refuses an altered cursor, a forged body and garbage', () => {
    const codec = new SyncCursorCodec([key(1)])
    const cursor = codec.encode(scope, { gen: 'ab12', seq: 42 })
    const [, tag] = cursor.split('.')
    const forged = `${Buffer.from('ab12.999', 'utf8').toString('base64url')}.${tag ?? ''}`
    for (const bad of [forged, `${cursor}x`, 'abc', '', 'a.b.c', cursor.replace(/.$/, 'A')]) {
      if (bad === cursor) continue
      expect(() => codec.decode(scope, bad)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }))
    }
  })

  it('survives a key rotation while the old key is configured, not after', () => {
    const cursor = new SyncCursorCodec([key(1)]).encode(scope, { gen: '', seq: 0 })
    expect(new SyncCursorCodec([key(1), key(2)]).decode(scope, cursor)).toEqual({ gen: '', seq: 0 })
    expect(() => new SyncCursorCodec([key(2)]).decode(scope, cursor)).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT' }),
    )
  })
})
