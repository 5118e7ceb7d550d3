import { describe, expect, it } from '@jest/globals'
import * as jose from 'jose'
import { systemClock } from '../src/clock.js'

describe('toolchain', () => {
  it('loads ESM-only jose and the project sources under jest ESM mode', async () => {
    const secret = new TextEncoder().encode('x'.repeat(32))
    const jwt = await new jose.SignJWT({ a: 1 }).setProtectedHeader({ alg: 'HS256' }).sign(secret)
    const { payload } = await jose.jwtVerify(jwt, secret)
    expect(payload.a).toBe(1)
    expect(typeof systemClock()).toBe('number')
  })
})
