/**
 * DESIGN inv. 10, the logging half: tokens and signatures never reach a log line, IBANs and PSU addresses only masked.
 * First the logger itself, then a whole gateway logging at debug level through linking, present and batch reads
 * (with a PSU address through a trusted proxy), errors and a refused token: its whole output is searched.
 */
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createLogger, maskAddress } from '../../src/observability/logger.js'
import { PERSONAS } from '../../src/sandbox/personas.js'
import { startTestGateway, type TestGateway } from '../support/test-gateway.js'

function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString())
      done()
    },
  })
  return { stream, text: () => chunks.join('') }
}

async function flushed(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve))
}

describe('the logger', () => {
  it('masks IBANs and addresses and drops secrets, at any of the first levels', async () => {
    const out = capture()
    const logger = createLogger('debug', out.stream)
    logger.info({
      iban: 'FR7617515000920400430518020',
      account: { iban: 'FR7617515000920400851811524', ibans: ['FR7617515900000400358074026'] },
      ip: '198.51.100.23',
      req: { headers: { authorization: 'Bearer abc.def.ghi', 'x-forwarded-for': '198.51.100.23, 10.0.0.1' } },
      token: 'secret-token',
      psuIpAddress: '2001:db8:1234::5',
    })
    await flushed()
    const line = out.text()
    for (const secret of [
      '0430518020',
      '0851811524',
      '0358074026',
      '198.51.100.23',
      'abc.def.ghi',
      'secret-token',
      '1234::5',
    ])
      expect(line).not.toContain(secret)
    expect(line).toContain('FR76…8020')
    expect(line).toContain('198.51.100.x')
    expect(line).toContain('[redacted]')
  })

  it('masks an address to its network', () => {
    expect(maskAddress('203.0.113.7')).toBe('203.0.113.x')
    expect(maskAddress('::ffff:203.0.113.7')).toBe('203.0.113.x')
    expect(maskAddress('2001:db8::1')).toBe('2001:db8:…')
    expect(maskAddress('not an address')).toBe('[redacted]')
  })
})

describe('a gateway logging at debug level', () => {
  const out = capture()
  let t: TestGateway
  const PSU_ADDRESS = '198.51.100.23'
  const tokens: string[] = []

  beforeAll(async () => {
    t = await startTestGateway(
      { LOG_LEVEL: 'debug', TRUSTED_PROXIES: '127.0.0.1' },
      { logger: createLogger('debug', out.stream) },
    )
  })
  afterAll(async () => {
    await t.close()
  })

  it('writes no full IBAN, PSU address or token through linking, reads, errors and refusals', async () => {
    const present = await t.gateway.devToken('9999999901', { present: true })
    const partner = await t.gateway.devToken('9999999902')
    tokens.push(present, partner)
    const headers = { 'x-forwarded-for': PSU_ADDRESS }
    const dashboard =
      '{ accounts { iban balances { type } transactions(first: 2) { totalCount } } identity { fullName } }'
    expect((await t.query(dashboard, { token: present, headers })).data).not.toBeNull()
    await t.query(dashboard, { token: partner })
    await t.query('{ account(id: "bm90LWFuLWlk") { iban } }', { token: present, headers })
    await t.query('{ accounts { transactions(first: 0) { totalCount } } }', { token: partner })
    await t.query('{ accounts { iban } }', { token: 'forged.token.value', headers })
    await flushed()

    const text = out.text()
    // Not vacuous: the gateway did log (the sandbox started, the personas were linked).
    expect(text).toContain('sandbox personas linked')
    const ibans = PERSONAS.flatMap((p) => p.accounts.map((a) => a.iban))
    expect(ibans.length).toBeGreaterThan(5)
    for (const iban of ibans) expect(text).not.toContain(iban)
    expect(text).not.toContain(PSU_ADDRESS)
    for (const token of [...tokens, 'forged.token.value']) expect(text).not.toContain(token)
  })
})
