/**
 * `@dryRun` predicts exactly what the same operation then spends, with the sandbox's counters as the referee: per
 * quota key, with nothing cached, with everything cached and fresh (0), with cached but due values (1, served stale
 * meanwhile), for a present PSU (0 unattended), and a value read twice in one operation predicted once. The dry run
 * itself calls nothing and reserves nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { SandboxBank } from '../../src/sandbox/sandbox-bank.js'
import { manualClock, startExternalSandbox } from '../support/external-sandbox.js'
import { GEORGES, LEA } from '../support/sandbox-personas.js'
import { startTestGateway, type GraphQLResponse, type TestGateway } from '../support/test-gateway.js'

const clock = manualClock('2026-12-01T07:00:00Z') // 08:00 in Paris
let sandbox: SandboxBank
let t: TestGateway

beforeAll(async () => {
  sandbox = await startExternalSandbox(clock)
  t = await startTestGateway({ STET_BASE_URL: sandbox.url, SANDBOX_PERSONAS: 'true' }, { clock })
})
afterAll(async () => {
  await t.close()
  await sandbox.close()
})

interface PredictedCall {
  bank: string
  account: string | null
  method: string
  wouldSpend: number
  remaining: number
  wouldBeRefused: number
}
interface DryRunReport {
  calls: PredictedCall[]
  total: number
  complete: boolean
}

/** The sandbox's batch (unattended) and present counts per PSU, account and method. */
function counts(): Map<string, { batch: number; present: number }> {
  const out = new Map<string, { batch: number; present: number }>()
  for (const k of sandbox.stats().keys) {
    const key = JSON.stringify([k.psuId, k.iban, k.method])
    const seen = out.get(key) ?? { batch: 0, present: 0 }
    out.set(key, { batch: seen.batch + k.batch, present: seen.present + k.present })
  }
  return out
}

/** What the real run spent, per key, from the referee's counts before and after. */
function spentBetween(
  before: Map<string, { batch: number; present: number }>,
  after: Map<string, { batch: number; present: number }>,
): Record<string, number> {
  const spent: Record<string, number> = {}
  for (const [key, now] of after) {
    const delta = now.batch - (before.get(key)?.batch ?? 0)
    if (delta !== 0) spent[key] = delta
  }
  return spent
}

function predicted(psu: string, report: DryRunReport): Record<string, number> {
  const out: Record<string, number> = {}
  for (const c of report.calls) if (c.wouldSpend > 0) out[JSON.stringify([psu, c.account, c.method])] = c.wouldSpend
  return out
}

/** Runs the operation with @dryRun, then for real, and checks the prediction against what the bank counted. */
async function predictThenRun(
  psu: string,
  operation: string,
  token: string,
): Promise<{ dry: GraphQLResponse; report: DryRunReport; real: GraphQLResponse; spent: Record<string, number> }> {
  const before = counts()
  const dry = await t.query(`query Op @dryRun ${operation}`, { token })
  expect(dry.status).toBe(200)
  // The dry run called nothing and spent nothing.
  expect(counts()).toEqual(before)
  expect(dry.extensions?.unattendedBankCalls).toBe(0)
  for (const e of dry.errors ?? []) expect(e.extensions?.code).toBe('DRY_RUN')
  const report = dry.extensions?.dryRun as DryRunReport
  const real = await t.query(`query Op ${operation}`, { token })
  expect(real.status).toBe(200)
  const spent = spentBetween(before, counts())
  expect(spent).toEqual(predicted(psu, report))
  expect(real.extensions?.unattendedBankCalls).toBe(report.total)
  return { dry, report, real, spent }
}

const READ = `{ accounts { iban
  balances { amount { amount } }
  again: balances { amount { amount } }
  transactions(first: 3) { edges { node { id } } } } }`

describe('@dryRun', () => {
  it('with nothing cached but the account list: one call per account and method, a value read twice predicted once', async () => {
    const token = await t.gateway.devToken(LEA)
    const { dry, report, spent, real } = await predictThenRun(LEA, READ, token)
    expect(report.complete).toBe(false) // the balances had nothing to stand in for them
    const balances = report.calls.filter((c) => c.method === 'balances')
    expect(balances.length).toBeGreaterThan(0)
    for (const c of balances) expect(c).toMatchObject({ wouldSpend: 1, wouldBeRefused: 0 })
    expect(report.calls.find((c) => c.method === 'accounts')).toMatchObject({ wouldSpend: 0 })
    expect(report.total).toBe(Object.values(spent).reduce((a, b) => a + b, 0))
    expect(report.total).toBeGreaterThan(0)
    // Fields resolve from the cache where it holds them (the list), the rest is DRY_RUN.
    expect((dry.data?.accounts as unknown[]).length).toBe((real.data?.accounts as unknown[]).length)
    expect(dry.errors?.some((e) => e.extensions?.code === 'DRY_RUN')).toBe(true)
    expect(real.errors ?? []).toEqual([])
  })

  it('with everything cached and fresh: predicts 0, spends 0, answers the same data', async () => {
    const token = await t.gateway.devToken(LEA)
    const { dry, report, spent, real } = await predictThenRun(LEA, READ, token)
    expect(report.total).toBe(0)
    expect(report.complete).toBe(true)
    expect(report.calls.every((c) => c.wouldSpend === 0)).toBe(true)
    expect(spent).toEqual({})
    expect(dry.errors ?? []).toEqual([])
    expect(dry.data).toEqual(real.data)
  })

  it('fresh values and new ones in one operation: 0 for the cached, 1 for each overdraft', async () => {
    const token = await t.gateway.devToken(LEA)
    const { report } = await predictThenRun(
      LEA,
      '{ accounts { balances { amount { amount } } overdraft { allowedAmount { amount } } } }',
      token,
    )
    for (const c of report.calls.filter((c) => c.method === 'balances')) expect(c.wouldSpend).toBe(0)
    const overdrafts = report.calls.filter((c) => c.method === 'overdrafts')
    expect(overdrafts.length).toBeGreaterThan(0)
    for (const c of overdrafts) expect(c.wouldSpend).toBe(1)
  })

  it('cached values that are due again: predicts the calls and serves the cached values meanwhile', async () => {
    // Six hours on, with three calls left of four, the policy wants the balances again.
    clock.advance(6 * 3600_000)
    const token = await t.gateway.devToken(LEA)
    const { dry, report } = await predictThenRun(LEA, '{ accounts { balances { amount { amount } } } }', token)
    const balances = report.calls.filter((c) => c.method === 'balances')
    expect(balances.length).toBeGreaterThan(0)
    for (const c of balances) expect(c).toMatchObject({ wouldSpend: 1, remaining: 3 })
    expect(report.complete).toBe(true)
    expect(dry.errors ?? []).toEqual([])
  })

  it('a present PSU: predicts no unattended call, and spends none', async () => {
    const token = await t.gateway.devToken(GEORGES, { present: true })
    const before = counts()
    const { report } = await predictThenRun(GEORGES, '{ accounts { balances { amount { amount } } } }', token)
    expect(report).toMatchObject({ calls: [], total: 0 })
    // It did read the bank, with PSU-IP-Address.
    const present = [...counts()].some(
      ([key, c]) => key.includes(GEORGES) && c.present > (before.get(key)?.present ?? 0),
    )
    expect(present).toBe(true)
  })

  it('is refused on a mutation (a query directive)', async () => {
    const token = await t.gateway.devToken(LEA)
    const res = await t.query('mutation M @dryRun { revokeConsent { status } }', { token })
    expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED')
  })
})
