/** A consent change invalidates what it affects: nothing withdrawn is served again, from the bank or the cache. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Caller } from '../../src/auth/caller.js'
import { countCalls } from '../support/sandbox-counts.js'
import { startTestGateway, type TestGateway } from '../support/test-gateway.js'

const LEA = '9999999901'
const MAIN = 'FR7617515000920400430518020'
const SECOND = 'FR7617515000920400851811524'
let t: TestGateway

beforeAll(async () => {
  t = await startTestGateway()
})
afterAll(async () => {
  await t.close()
})

describe('ConsentService.forward', () => {
  it('withdrawing balances on one account drops its cached balances; the next read is CONSENT_REQUIRED with no bank call', async () => {
    const present = await t.gateway.devToken(LEA, { present: true })
    const warm = await t.query('{ accounts { iban balances { amount { amount } } } }', { token: present })
    expect(warm.errors).toBeUndefined()
    const caller: Caller = { psuId: LEA, consumer: 'partner', presence: undefined, banks: ['17515'] }
    const { reader, consents } = t.gateway.services
    expect(await reader.peek(caller, { bank: '17515', iban: MAIN, method: 'balances' })).toBeDefined()

    const op = { cacheOnly: false, spent: 0 }
    const after = await consents.forward(
      caller,
      '17515',
      { balances: [SECOND], transactions: [MAIN, SECOND], overdrafts: [MAIN, SECOND], psuIdentity: false },
      op,
    )
    expect(op.spent).toBe(2) // the PUT and the account list read after it, each with its own reservation
    expect(after.value.find((a) => a.iban === MAIN)?.grants).toEqual({
      balances: false,
      transactions: true,
      overdrafts: true,
    })
    expect(await reader.peek(caller, { bank: '17515', iban: MAIN, method: 'balances' })).toBeUndefined()
    expect(await reader.peek(caller, { bank: '17515', iban: SECOND, method: 'balances' })).toBeDefined()

    const balancesBefore = countCalls(t.gateway.sandbox!, { psuId: LEA, method: 'balances' }).total
    const res = await t.query('{ accounts { iban balances { amount { amount } freshness { source } } } }', {
      token: await t.gateway.devToken(LEA),
    })
    const main = (res.data?.accounts as { iban: string; balances: unknown }[]).find((a) => a.iban === MAIN)
    const second = (res.data?.accounts as { iban: string; balances: unknown }[]).find((a) => a.iban === SECOND)
    expect(main?.balances).toBeNull()
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['CONSENT_REQUIRED'])
    expect(second?.balances).toEqual([{ amount: { amount: expect.any(String) }, freshness: { source: 'CACHE' } }])
    expect(countCalls(t.gateway.sandbox!, { psuId: LEA, method: 'balances' }).total).toBe(balancesBefore)
  })
})
