/**
 * The `quota` fields show the ledger AFTER the operation's own bank calls: a sibling field that spends a unit is
 * counted in the same response (issue 15, "the schema as a product"). The sandbox's counters are the referee.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { countCalls } from '../support/sandbox-counts.js'
import { GEORGES, GILLES, MARC } from '../support/sandbox-personas.js'
import { startTestGateway, type TestGateway } from '../support/test-gateway.js'

let t: TestGateway
beforeAll(async () => {
  t = await startTestGateway()
})
afterAll(async () => {
  await t.close()
})

function sandbox() {
  const s = t.gateway.sandbox
  if (s === undefined) throw new Error('the test gateway runs an embedded sandbox')
  return s
}

type Quota = { method: string; used: number; remaining: number }
type AccountQuotas = { iban: string; quota: Quota[] }[]
const usedOf = (quotas: Quota[], method: string) => quotas.find((q) => q.method === method)?.used

describe('quota fields', () => {
  it('Account.quota counts the balances and transactions calls its sibling fields made in the same operation', async () => {
    const token = await t.gateway.devToken(GILLES)
    const res = await t.query(
      `{ accounts { iban quota { method used remaining } balances { type } transactions(first: 1) { totalCount } } }`,
      { token },
    )
    expect(res.errors).toBeUndefined()
    const accounts = res.data?.accounts as AccountQuotas
    expect(accounts.length).toBe(3)
    // Three accounts, each one balances and one transactions call, all unattended.
    expect(res.extensions?.unattendedBankCalls).toBe(6)
    for (const account of accounts) {
      const referee = (method: string) => countCalls(sandbox(), { psuId: GILLES, method, iban: account.iban }).batch
      expect(referee('balances')).toBe(1)
      expect(referee('transactions')).toBe(1)
      expect(usedOf(account.quota, 'BALANCES')).toBe(1)
      expect(usedOf(account.quota, 'TRANSACTIONS')).toBe(1)
      expect(usedOf(account.quota, 'OVERDRAFTS')).toBe(0)
    }
    // Read again without spending: the same figures.
    const again = await t.query('query Q @cacheOnly { accounts { iban quota { method used remaining } } }', { token })
    expect(again.extensions?.unattendedBankCalls).toBe(0)
    const byIban = new Map((again.data?.accounts as AccountQuotas).map((a) => [a.iban, a.quota]))
    for (const account of accounts) expect(byIban.get(account.iban)).toEqual(account.quota)
  })

  it('Query.quota counts the identity call of its sibling field', async () => {
    const token = await t.gateway.devToken(MARC)
    const res = await t.query('{ quota { method used } identity { fullName } }', { token })
    expect(res.errors).toBeUndefined()
    const used = usedOf(res.data?.quota as Quota[], 'IDENTITY')
    expect(used).toBe(countCalls(sandbox(), { psuId: MARC, method: 'identity' }).batch)
    expect(used).toBeGreaterThanOrEqual(1)
  })

  it('details cost what they say: one unattended call per transaction from the account’s DETAILS budget of 4', async () => {
    const token = await t.gateway.devToken(GEORGES)
    // The sandbox draws each day's entries from (IBAN, day), and 4 kinds in 10 carry details: 12 entries held only 4
    // of them on 2026-12-03. The newest 60 hold at least 9, hour by hour, over the next 400 days.
    const res = await t.query(
      `{ accounts { iban transactions(first: 60) { edges { node { id hasDetails
          details { freshness { source psuPresent } quota { method used remaining } } } } } } }`,
      { token },
    )
    type Node = {
      id: string
      hasDetails: boolean
      details: { freshness: { source: string; psuPresent: boolean }; quota: Quota } | null
    }
    const [account] = res.data?.accounts as { iban: string; transactions: { edges: { node: Node }[] } }[]
    const nodes = account?.transactions.edges.map((e) => e.node) ?? []
    const priced = nodes.filter((n) => n.hasDetails)
    expect(priced.length).toBeGreaterThan(4)
    // Four transactions got their details, each for one call; the others were refused before any call.
    const served = nodes.filter((n) => n.details !== null)
    expect(served.length).toBe(4)
    expect(countCalls(sandbox(), { psuId: GEORGES, method: 'details', iban: account?.iban ?? '' })).toMatchObject({
      batch: 4,
      refused: 0,
    })
    for (const n of served) {
      expect(n.details?.freshness).toEqual({ source: 'BANK', psuPresent: false })
      expect(n.details?.quota).toEqual({ method: 'DETAILS', used: 4, remaining: 0 })
    }
    const refused = (res.errors ?? []).filter((e) => e.path?.at(-1) === 'details')
    expect(refused.length).toBe(priced.length - 4)
    for (const e of refused) expect(e.extensions?.code).toBe('QUOTA_EXHAUSTED')
    expect(res.extensions?.unattendedBankCalls).toBe(1 + 4)
  })
})
