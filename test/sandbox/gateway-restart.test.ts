/**
 * `npm start` restarted with the same DATA_DIR: the embedded sandbox bank keeps what a bank keeps (its tokens, the
 * consents it was given, its daily counters) under DATA_DIR/sandbox, so the gateway's links still work after the
 * restart. Before the sandbox persisted anything, the second start said "already-linked" and every read answered
 * REAUTHORIZATION_REQUIRED: the bank had forgotten the tokens the gateway still held.
 */
import { rm } from 'node:fs/promises'
import { afterAll, describe, expect, it } from '@jest/globals'
import { manualClock } from '../support/external-sandbox.js'
import { seedDataDir, startTestGateway, type TestGateway } from '../support/test-gateway.js'

const LEA = '9999999901'
const LEA_MAIN = 'FR7617515000920400430518020'
const BALANCES = '{ accounts { iban balances { amount { amount } } } }'
let dataDir = ''
const running: TestGateway[] = []

afterAll(async () => {
  for (const gateway of running) await gateway.close({ keepData: true }).catch(() => undefined)
  if (dataDir !== '') await rm(dataDir, { recursive: true, force: true })
})

async function start(clock: ReturnType<typeof manualClock>): Promise<TestGateway> {
  const gateway = await startTestGateway({}, { dataDir, clock })
  running.push(gateway)
  return gateway
}

describe('the embedded sandbox across a gateway restart', () => {
  it('keeps the links: a present read still answers after the restart, with no new link', async () => {
    dataDir = await seedDataDir()
    const clock = manualClock('2025-11-25T10:00:00.000+01:00')
    const first = await start(clock)
    expect(first.gateway.linked.find((o) => o.psuId === LEA)?.status).toBe('linked')
    const before = await first.query(BALANCES, {
      token: await first.gateway.devToken(LEA, { present: true }),
    })
    expect(before.errors).toBeUndefined()
    await first.close({ keepData: true })

    clock.advance(2 * 3600_000)
    const second = await start(clock)
    expect(second.gateway.linked.find((o) => o.psuId === LEA)?.status).toBe('already-linked')
    const after = await second.query(BALANCES, {
      token: await second.gateway.devToken(LEA, { present: true }),
    })
    expect(after.errors).toBeUndefined()
    expect(after.data?.accounts).toContainEqual({ iban: LEA_MAIN, balances: [{ amount: { amount: '-150.00' } }] })
    await second.close({ keepData: true })
  }, 60_000)
})
