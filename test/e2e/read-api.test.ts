/**
 * The read API over real HTTP: gateway on an ephemeral port → services → STET client → the embedded sandbox bank,
 * whose own counters are the referee of every call count (issue: GraphQL read API).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { PERSONAS } from '../../src/sandbox/personas.js'
import { callsByMethod, countCalls } from '../support/sandbox-counts.js'
import { startTestGateway, type TestGateway } from '../support/test-gateway.js'

let t: TestGateway
const GILLES = '9999999904'

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

/** The bank calls a block of work causes, per method, read off the sandbox's own counters. */
async function delta(psuId: string, work: () => Promise<unknown>): Promise<Record<string, number>> {
  const before = callsByMethod(sandbox(), psuId)
  await work()
  const after = callsByMethod(sandbox(), psuId)
  const out: Record<string, number> = {}
  for (const [method, n] of Object.entries(after))
    if (n - (before[method] ?? 0) > 0) out[method] = n - (before[method] ?? 0)
  return out
}

const DASHBOARD = `{
  accounts {
    id iban name
    balances { type amount { amount currency } }
    transactions(first: 3) { totalCount edges { node { id amount { amount } } } }
    overdraft { allowedAmount { amount currency } }
  }
}`

describe('call counts (the sandbox counts)', () => {
  it("GILLES's dashboard costs exactly 1 + 3×3 bank calls with the PSU present", async () => {
    const token = await t.gateway.devToken(GILLES, { present: true })
    let res: Awaited<ReturnType<TestGateway['query']>> | undefined
    const calls = await delta(GILLES, async () => {
      res = await t.query(DASHBOARD, { token })
    })
    expect(res?.errors).toBeUndefined()
    expect((res?.data?.accounts as unknown[]).length).toBe(3)
    expect(calls).toEqual({ accounts: 1, balances: 3, transactions: 3, overdrafts: 3 })
  })

  it('aliases, fragments and repeated fields cost the same', async () => {
    const token = await t.gateway.devToken(GILLES, { present: true })
    const query = `
      fragment Money on Money { amount currency }
      fragment Bal on Account { balances { amount { ...Money } } }
      {
        a: accounts { iban ...Bal balances { name } overdraft { allowedAmount { ...Money } } transactions(first: 2) { totalCount } }
        b: accounts { iban ...Bal overdraft { allowedAmount { amount } } }
        accounts { ... on Account { balances { type } transactions(first: 1) { totalCount } overdraft { allowedAmount { currency } } } }
      }`
    let res: Awaited<ReturnType<TestGateway['query']>> | undefined
    const calls = await delta(GILLES, async () => {
      res = await t.query(query, { token })
    })
    expect(res?.errors).toBeUndefined()
    expect(calls).toEqual({ accounts: 1, balances: 3, transactions: 3, overdrafts: 3 })
  })

  /** Five differently filtered and paged `transactions` fields on every account of one PSU, in one operation. */
  async function fiveVariations(psuId: string) {
    const token = await t.gateway.devToken(psuId, { present: true })
    const first = await t.query('{ accounts { transactions(first: 2) { pageInfo { endCursor } } } }', { token })
    const cursor = (first.data?.accounts as { transactions: { pageInfo: { endCursor: string | null } } }[]).find(
      (a) => a.transactions.pageInfo.endCursor !== null,
    )?.transactions.pageInfo.endCursor
    expect(typeof cursor).toBe('string')
    const today = new Date()
    const day = (n: number) => new Date(today.getTime() - n * 86_400_000).toISOString().slice(0, 10)
    const query = `{
      accounts {
        all: transactions { totalCount }
        recent: transactions(from: "${day(7)}") { totalCount }
        older: transactions(to: "${day(30)}") { totalCount }
        middle: transactions(from: "${day(40)}", to: "${day(20)}", first: 5) { totalCount edges { cursor } }
        next: transactions(first: 2, after: "${cursor}") { edges { node { id } } pageInfo { hasPreviousPage } }
      }
    }`
    let res: Awaited<ReturnType<TestGateway['query']>> | undefined
    const calls = await delta(psuId, async () => {
      res = await t.query(query, { token })
    })
    // A cursor belongs to one account: on the others `after` is refused as BAD_USER_INPUT, which costs nothing.
    const accounts = res?.data?.accounts as Record<string, { totalCount: number; edges?: unknown[] }>[]
    return { calls, accounts, errors: res?.errors ?? [] }
  }

  it('five different from/to/first/after variations cost one transactions call per account', async () => {
    // GILLES: three accounts, so one call per account is told apart from one call in all.
    const gilles = await fiveVariations(GILLES)
    expect(gilles.accounts).toHaveLength(3)
    expect(gilles.calls).toEqual({ accounts: 1, transactions: 3 })
    for (const error of gilles.errors) expect(error.extensions?.code).toBe('BAD_USER_INPUT')
    // GEORGES: one account with > 200 transactions, where the filters visibly select different slices.
    const georges = await fiveVariations('9999999903')
    expect(georges.errors).toEqual([])
    expect(georges.calls).toEqual({ accounts: 1, transactions: 1 })
    const acc = georges.accounts[0]
    expect(acc?.all?.totalCount).toBeGreaterThan(200)
    expect(acc?.recent?.totalCount).toBeLessThan(acc?.all?.totalCount ?? 0)
    expect(acc?.middle?.edges?.length).toBe(5)
  })

  it('a batch (partner) dashboard costs nothing when present reads cached it: 0 calls, 0 in extensions', async () => {
    const token = await t.gateway.devToken(GILLES)
    let res: Awaited<ReturnType<TestGateway['query']>> | undefined
    const calls = await delta(GILLES, async () => {
      res = await t.query(DASHBOARD, { token })
    })
    // The account list was cached by the persona linking and the present reads above; each account's data was too.
    expect(res?.errors).toBeUndefined()
    expect(calls).toEqual({})
    expect(res?.extensions?.unattendedBankCalls).toBe(0)
  })

  it('extensions.unattendedBankCalls is what the bank counted as unattended for the operation', async () => {
    // LEA's balances and overdrafts were never read in this gateway: a partner read spends one call per account each.
    const lea = '9999999901'
    const before = countCalls(sandbox(), { psuId: lea })
    const res = await t.query('{ accounts { balances { type } overdraft { allowedAmount { amount } } } }', {
      token: await t.gateway.devToken(lea),
    })
    const after = countCalls(sandbox(), { psuId: lea })
    expect(res.errors).toBeUndefined()
    const accounts = (res.data?.accounts as unknown[]).length
    expect(after.batch - before.batch).toBe(2 * accounts)
    expect(after.present).toBe(before.present)
    expect(res.extensions?.unattendedBankCalls).toBe(after.batch - before.batch)
    // The same again: served from the cache, nothing spent, and the extensions say so.
    const again = await t.query('{ accounts { balances { type } overdraft { allowedAmount { amount } } } }', {
      token: await t.gateway.devToken(lea),
    })
    expect(again.extensions?.unattendedBankCalls).toBe(0)
    expect(countCalls(sandbox(), { psuId: lea }).batch).toBe(after.batch)
  })
})

describe('data exactly as the sandbox holds it', () => {
  // The personas the gateway links at start (the NAAC persona, which has no account, is not one of them).
  it.each(PERSONAS.filter((p) => /^99/.test(p.psuId) && p.accounts.length > 0).map((p) => [p.psuId, p] as const))(
    'persona %s: accounts and balances',
    async (psuId, persona) => {
      const token = await t.gateway.devToken(psuId, { present: true })
      const res = await t.query(
        '{ accounts { iban name currency usage psuStatus balances { type amount { amount currency } } } }',
        { token },
      )
      expect(res.errors).toBeUndefined()
      const got = res.data?.accounts as {
        iban: string
        name: string
        balances: { type: string; amount: { amount: string } }[]
      }[]
      expect(got.map((a) => a.iban).sort()).toEqual(persona.accounts.map((a) => a.iban).sort())
      for (const account of persona.accounts) {
        const g = got.find((a) => a.iban === account.iban)
        expect(g?.name).toBe(account.name)
        expect(g?.balances).toEqual([{ type: 'CLBD', amount: { amount: account.balance, currency: 'EUR' } }])
      }
    },
  )

  it('keeps amounts as strings: negative, zero and positive balances', async () => {
    const lea = await t.query('{ accounts { balances { amount { amount } } } }', {
      token: await t.gateway.devToken('9999999901', { present: true }),
    })
    expect(JSON.stringify(lea.data)).toContain('"amount":"-150.00"')
    const claire = await t.query('{ accounts { iban balances { amount { amount } } } }', {
      token: await t.gateway.devToken('9999999902', { present: true }),
    })
    const amounts = (claire.data?.accounts as { balances: { amount: { amount: string } }[] }[]).map(
      (a) => a.balances[0]?.amount.amount,
    )
    expect(amounts.sort()).toEqual(['0.00', '23766.98'])
  })

  it('a 204 from the bank is an empty connection', async () => {
    const token = await t.gateway.devToken('9999999902', { present: true })
    const res = await t.query(
      '{ accounts { iban transactions { totalCount edges { cursor } pageInfo { hasNextPage } } } }',
      { token },
    )
    expect(res.errors).toBeUndefined()
    const empty = (res.data?.accounts as { iban: string; transactions: unknown }[]).find(
      (a) => a.iban === 'FR7617515900000400358074026',
    )
    expect(empty?.transactions).toEqual({ totalCount: 0, edges: [], pageInfo: { hasNextPage: false } })
  })

  it('the pro account carries bankTransactionCode; transactions page newest first with stable cursors', async () => {
    const token = await t.gateway.devToken('9999999902', { present: true })
    const res = await t.query(
      '{ accounts { iban transactions(first: 3) { edges { cursor node { bookingDate status creditDebitIndicator bankTransactionCode { domain family subFamily } signedAmount { amount } amount { amount } } } } } }',
      { token },
    )
    const pro = (
      res.data?.accounts as { iban: string; transactions: { edges: { node: Record<string, unknown> }[] } }[]
    ).find((a) => a.iban === 'FR7617515900000800358074006')
    const nodes = pro?.transactions.edges.map((e) => e.node) ?? []
    expect(nodes.length).toBe(3)
    expect(nodes.every((n) => n.bankTransactionCode !== null)).toBe(true)
    for (const n of nodes) {
      const amount = (n.amount as { amount: string }).amount
      const signed = (n.signedAmount as { amount: string }).amount
      expect(signed).toBe(n.creditDebitIndicator === 'DBIT' ? `-${amount}` : amount)
    }
  })

  it('transaction details come through, one call per transaction that has some, without the bank links', async () => {
    const token = await t.gateway.devToken('9999999903', { present: true })
    let res: Awaited<ReturnType<TestGateway['query']>> | undefined
    // 4 kinds in 10 of the sandbox's entries carry details, drawn per (IBAN, day): 6 entries held none on 2026-12-03
    // at 15:14 UTC. The newest 60 hold at least 9, hour by hour, over the next 400 days.
    const calls = await delta('9999999903', async () => {
      res = await t.query(
        '{ accounts { transactions(first: 60) { edges { node { id hasDetails details { content freshness { source psuPresent } } } } } } }',
        { token },
      )
    })
    expect(res?.errors).toBeUndefined()
    type Node = { id: string; hasDetails: boolean; details: { content: unknown; freshness: unknown } | null }
    const nodes =
      (res?.data?.accounts as { transactions: { edges: { node: Node }[] } }[])[0]?.transactions.edges.map(
        (e) => e.node,
      ) ?? []
    const withDetails = nodes.filter((n) => n.details !== null)
    expect(withDetails.length).toBeGreaterThan(0)
    // `hasDetails` says beforehand which ones cost a call; the others are null for free.
    expect(withDetails.map((n) => n.id)).toEqual(nodes.filter((n) => n.hasDetails).map((n) => n.id))
    expect(calls.details).toBe(withDetails.length)
    for (const n of withDetails) expect(n.details?.freshness).toEqual({ source: 'BANK', psuPresent: true })
    expect(JSON.stringify(withDetails)).not.toMatch(/_links|href/)
  })

  it('identity without the psuIdentity consent is CONSENT_REQUIRED; with it, the PSU', async () => {
    const lea = await t.query('{ identity { fullName } }', {
      token: await t.gateway.devToken('9999999901', { present: true }),
    })
    expect(lea.data?.identity).toBeNull()
    expect(lea.errors?.[0]?.extensions?.code).toBe('CONSENT_REQUIRED')
    const marc = await t.query('{ identity { fullName freshness { source psuPresent stale } } }', {
      token: await t.gateway.devToken('D0999990I0', { present: true }),
    })
    expect(marc.errors).toBeUndefined()
    expect(marc.data?.identity).toMatchObject({ freshness: { source: 'BANK', psuPresent: true, stale: false } })
  })
})

describe('account(id)', () => {
  it('shares the account list read with accounts in the same operation', async () => {
    const token = await t.gateway.devToken('9999999903', { present: true })
    const list = await t.query('{ accounts { id } }', { token })
    const id = (list.data?.accounts as { id: string }[])[0]?.id ?? ''
    const calls = await delta('9999999903', async () => {
      const res = await t.query(
        `{ accounts { iban } account(id: "${id}") { iban name } again: account(id: "${id}") { iban } }`,
        { token },
      )
      expect(res.errors).toBeUndefined()
      expect(res.data?.account).toEqual({ iban: 'FR7617515000920400085945890', name: 'Mr et Mme GEORGES PERSONAC' })
    })
    expect(calls).toEqual({ accounts: 1 })
  })
})

describe('errors: partial data, stable codes, no bank body, no stack', () => {
  it('an unknown account id and an account of another PSU are NOT_FOUND, with no bank call', async () => {
    const leaToken = await t.gateway.devToken('9999999901')
    const gilles = await t.query('{ accounts { id } }', { token: await t.gateway.devToken(GILLES) })
    const gillesId = (gilles.data?.accounts as { id: string }[])[0]?.id ?? ''
    // A leaked call would go out on LEA's connection: the referee is the bank's total, over every PSU.
    const before = countCalls(sandbox())
    const res = await t.query(`{ account(id: "${gillesId}") { iban balances { type } } }`, { token: leaToken })
    expect(res.data?.account).toBeNull()
    expect(res.errors?.[0]?.extensions?.code).toBe('NOT_FOUND')
    const after = countCalls(sandbox())
    // LEA's own account list (cached at linking) is all the gateway may look at: no bank call at all.
    expect(after.total - before.total).toBe(0)
    const bogus = await t.query('{ account(id: "bm90LWFuLWlk") { iban } }', { token: leaToken })
    expect(bogus.errors?.[0]?.extensions?.code).toBe('NOT_FOUND')
  })

  it.each([
    ['first: 0', 'first must be between 1 and 500'],
    ['first: 501', 'first must be between 1 and 500'],
    ['from: "2001-01-01"', 'from must not be before'],
    ['from: "2026-01-10", to: "2026-01-05"', ''],
    ['after: "garbage"', 'after is not a valid cursor'],
  ])('transactions(%s) → BAD_USER_INPUT before any bank call', async (args, message) => {
    const token = await t.gateway.devToken('9999999901', { present: true })
    const calls = await delta('9999999901', async () => {
      const res = await t.query(`{ accounts { iban transactions(${args}) { totalCount } } }`, { token })
      // Checked before the operation runs (src/graphql/input/argument-check.ts): the whole request is refused, so
      // not even the present PSU's account list is read for it.
      expect(res.status).toBe(400)
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
      expect(res.errors?.[0]?.message).toContain(message)
      expect(JSON.stringify(res)).not.toMatch(/stacktrace|at .*\.ts:\d+/)
    })
    expect(calls).toEqual({})
  })

  it('a date that is not a calendar date is refused by the Date scalar before anything runs', async () => {
    const token = await t.gateway.devToken('9999999901', { present: true })
    const calls = await delta('9999999901', async () => {
      const literal = await t.query('{ accounts { transactions(from: "2099-13-45") { totalCount } } }', { token })
      expect(literal.data).toBeUndefined()
      expect(literal.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED')
      expect(literal.errors?.[0]?.message).toContain('2099-13-45')
      const variable = await t.query('query Q($from: Date) { accounts { transactions(from: $from) { totalCount } } }', {
        token,
        variables: { from: '2026-02-30' },
      })
      expect(variable.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
      expect(JSON.stringify([literal, variable])).not.toMatch(/stacktrace|at .*\.ts:\d+/)
    })
    expect(calls).toEqual({})
  })

  it('no token, or a forged one, is UNAUTHENTICATED with HTTP 401', async () => {
    const none = await t.query('{ accounts { iban } }')
    expect(none.status).toBe(401)
    expect(none.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
    const token = await t.gateway.devToken('9999999901')
    const forged = `${token.slice(0, -4)}AAAA`
    const bad = await t.query('{ accounts { iban } }', { token: forged })
    expect(bad.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
  })

  it('a GraphQL validation error keeps its own code', async () => {
    const res = await t.query('{ accounts { nope } }', { token: await t.gateway.devToken('9999999901') })
    expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED')
  })
})
