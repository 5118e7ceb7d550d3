/** Persona linking at start: costs nothing when already linked, repairs a half-done link without a new OAuth flow. */
import { rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { SandboxBank } from '../../src/sandbox/sandbox-bank.js'
import { startExternalSandbox } from '../support/external-sandbox.js'
import { countCalls } from '../support/sandbox-counts.js'
import { seedDataDir, startTestGateway } from '../support/test-gateway.js'

let sandbox: SandboxBank
let dataDir: string

beforeAll(async () => {
  sandbox = await startExternalSandbox()
  dataDir = await seedDataDir()
})
afterAll(async () => {
  await sandbox.close()
  await rm(dataDir, { recursive: true, force: true })
})

describe('linkPersonas', () => {
  const env = () => ({ STET_BASE_URL: sandbox.url, SANDBOX_PERSONAS: 'true', SANDBOX_PERSONA_IDS: '9999999901' })

  it("links through the mutations' services once, then costs nothing; a connection left at CONSENT_REQUIRED only gets its consent", async () => {
    const first = await startTestGateway(env(), { dataDir })
    expect(first.gateway.linked).toEqual([{ psuId: '9999999901', status: 'linked', accounts: 2 }])
    const token = await first.gateway.devToken('9999999901')
    const linked = await first.query(
      '{ bankConnections { bank status authorizedAt consent { balances psuIdentity } } }',
      {
        token,
      },
    )
    const connection = (linked.data?.bankConnections as { status: string; authorizedAt: string }[])[0]
    expect(connection).toMatchObject({ bank: '17515', status: 'ACTIVE', consent: { psuIdentity: false } })
    await first.close({ keepData: true })
    const afterFirst = sandbox.stats().totals

    const second = await startTestGateway(env(), { dataDir })
    expect(second.gateway.linked[0]?.status).toBe('already-linked')
    // Half-done: the consent withdrawn, the link kept (CONSENT_REQUIRED).
    const revoked = await second.query('mutation { revokeConsent { status } }', { token })
    expect(revoked.data?.revokeConsent).toEqual({ status: 'CONSENT_REQUIRED' })
    await second.close({ keepData: true })
    expect(sandbox.stats().totals.batch).toBe(afterFirst.batch + 1) // the PUT, nothing else

    const third = await startTestGateway(env(), { dataDir })
    expect(third.gateway.linked).toEqual([{ psuId: '9999999901', status: 'linked', accounts: 2 }])
    const res = await third.query('{ accounts { grants { balances } } bankConnections { status authorizedAt } }', {
      token: await third.gateway.devToken('9999999901'),
    })
    expect(res.data?.accounts).toEqual([{ grants: { balances: true } }, { grants: { balances: true } }])
    // No new authorisation: the same SCA, the same tokens.
    expect(res.data?.bankConnections).toEqual([{ status: 'ACTIVE', authorizedAt: connection?.authorizedAt }])
    const quota = await third.query('{ quota { method used } }', { token: await third.gateway.devToken('9999999901') })
    await third.close({ keepData: true })
    // Two link runs, each: the list before and after the consent (the sandbox counts what reached it).
    expect(countCalls(sandbox, { psuId: '9999999901', method: 'accounts' }).batch).toBe(4)
    // And each of those unattended calls held a reservation (invariant 2): the ledger, across restarts, says 4 too.
    expect((quota.data?.quota as { method: string; used: number }[]).find((q) => q.method === 'accounts')?.used).toBe(4)
  })
})
