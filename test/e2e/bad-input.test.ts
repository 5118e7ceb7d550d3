/**
 * Every bad input and one request over each operation limit, for an unattended (partner) caller and a present one:
 * each gets its stable `extensions.code`, never an echo of a long input, and the sandbox bank (the referee) counts
 * no call for it, batch or present (DESIGN inv. 12; issue 14 "Bad input").
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { DateTime } from 'luxon'
import { request } from 'undici'
import { buildGatewaySchema } from '../../src/graphql/schema.js'
import { encodeAccountId } from '../../src/services/account-id.js'
import { countCalls } from '../support/sandbox-counts.js'
import { LEA, LEA_MAIN } from '../support/sandbox-personas.js'
import { startTestGateway, type TestGateway } from '../support/test-gateway.js'

const HAS_MUTATIONS = (await buildGatewaySchema()).getMutationType() != null
let t: TestGateway
let tokens: Record<'partner' | 'present', string>

beforeAll(async () => {
  t = await startTestGateway()
  tokens = {
    partner: await t.gateway.devToken(LEA),
    present: await t.gateway.devToken(LEA, { present: true }),
  }
})
afterAll(async () => {
  await t.close()
})

function leaCalls(): { batch: number; present: number } {
  const sandbox = t.gateway.sandbox
  if (sandbox === undefined) throw new Error('embedded sandbox expected')
  const { batch, present } = countCalls(sandbox, { psuId: LEA })
  return { batch, present }
}

const paris = (days: number): string =>
  DateTime.now().setZone('Europe/Paris').startOf('day').plus({ days }).toISODate() ?? ''
const tx = (args: string): string => `{ accounts { transactions(${args}) { totalCount } } }`
const leaId = encodeAccountId('17515', LEA_MAIN.iban)
const cursorFor = (id: string): string => Buffer.from(`tx:${id}`, 'utf8').toString('base64url')
const LONG = 'x'.repeat(5_000)
const fields = (n: number, make: (i: number) => string): string =>
  Array.from({ length: n }, (_, i) => make(i)).join(' ')
const NODE =
  'id entryReference amount { amount currency } creditDebitIndicator status bookingDate valueDate transactionDate remittanceInformation bankTransactionCode { domain family subFamily code issuer }'

interface Row {
  readonly name: string
  readonly query?: string
  readonly variables?: Record<string, unknown>
  readonly method?: 'GET' | 'POST'
  readonly body?: string
  readonly extensions?: Record<string, unknown>
  readonly status: number
  readonly code: string
  readonly limit?: string
}

const ROWS: readonly Row[] = [
  // arguments
  { name: 'an unknown bank code', query: '{ accounts(bank: "99999") { iban } }', status: 400, code: 'BAD_USER_INPUT' },
  {
    name: 'a bank code that is no code',
    query: `{ accounts(bank: "${'7'.repeat(300)}") { iban } }`,
    status: 400,
    code: 'BAD_USER_INPUT',
  },
  { name: 'from after today', query: tx(`from: "${paris(2)}"`), status: 400, code: 'BAD_USER_INPUT' },
  { name: 'to past tomorrow', query: tx(`to: "${paris(3)}"`), status: 400, code: 'BAD_USER_INPUT' },
  { name: "from before the bank's depth", query: tx(`from: "${paris(-75)}"`), status: 400, code: 'BAD_USER_INPUT' },
  { name: "to before the bank's depth", query: tx(`to: "${paris(-70)}"`), status: 400, code: 'BAD_USER_INPUT' },
  {
    name: 'to before from',
    query: tx(`from: "${paris(-3)}", to: "${paris(-5)}"`),
    status: 400,
    code: 'BAD_USER_INPUT',
  },
  // The Date scalar refuses it while validating the document (README: GRAPHQL_VALIDATION_FAILED; as a variable BAD_USER_INPUT).
  { name: 'a date that is no date', query: tx('from: "2026-02-30"'), status: 400, code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: 'first: 0', query: tx('first: 0'), status: 400, code: 'BAD_USER_INPUT' },
  { name: 'first: 501', query: tx('first: 501'), status: 400, code: 'BAD_USER_INPUT' },
  { name: 'a cursor that is no cursor', query: tx('after: "bm90LWEtY3Vyc29y"'), status: 400, code: 'BAD_USER_INPUT' },
  {
    name: 'a well-formed cursor for nothing',
    query: `{ account(id: "${leaId}") { transactions(after: "${cursorFor('nothing-here')}") { totalCount } } }`,
    status: 400,
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'an account id of nobody',
    query: '{ account(id: "YWNjdDoxNzUxNTpGUjc2") { iban } }',
    status: 200,
    code: 'NOT_FOUND',
  },
  {
    name: 'an oversized string literal',
    query: `{ accounts(bank: "${LONG}") { iban } }`,
    status: 400,
    code: 'OPERATION_LIMIT_EXCEEDED',
    limit: 'stringLength',
  },
  {
    name: 'an oversized string variable',
    query: 'query Q($bank: String) { accounts(bank: $bank) { iban } }',
    variables: { bank: LONG },
    status: 400,
    code: 'OPERATION_LIMIT_EXCEEDED',
    limit: 'stringLength',
  },
  {
    name: 'a variable of the wrong type',
    query: 'query Q($n: Int) { accounts { transactions(first: $n) { totalCount } } }',
    variables: { n: 'ten' },
    status: 400,
    code: 'BAD_USER_INPUT',
  },
  // operations the API does not have, or not on this path
  { name: 'a mutation (POST)', query: 'mutation { linkBank }', status: 400, code: 'GRAPHQL_VALIDATION_FAILED' },
  {
    name: 'a subscription (POST)',
    query: 'subscription { accounts { iban } }',
    status: 400,
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  {
    name: 'a subscription over GET',
    method: 'GET',
    query: 'subscription { accounts { iban } }',
    status: 400,
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  // Without mutations in the schema a mutation is invalid; once there are some, GET refuses them (405).
  {
    name: 'a mutation over GET',
    method: 'GET',
    query: 'mutation { __typename }',
    status: HAS_MUTATIONS ? 405 : 400,
    code: HAS_MUTATIONS ? 'BAD_REQUEST' : 'GRAPHQL_VALIDATION_FAILED',
  },
  {
    name: 'an APQ hash that does not match its query',
    query: '{ accounts { iban } }',
    extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } },
    status: 400,
    code: 'BAD_REQUEST',
  },
  { name: 'a body that is not JSON', body: '{"query": ', status: 400, code: 'BAD_REQUEST' },
  {
    name: 'a body over HTTP_MAX_BODY_BYTES',
    body: JSON.stringify({ query: `{ __typename } # ${'x'.repeat(200_000)}` }),
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  { name: 'a syntax error', query: '{ accounts { iban ', status: 400, code: 'GRAPHQL_PARSE_FAILED' },
  // one over each operation limit
  {
    name: 'over LIMIT_TOKENS',
    query: `{ ${fields(1_600, (i) => `a${i}: __typename`)} }`,
    status: 400,
    code: 'OPERATION_LIMIT_EXCEEDED',
    limit: 'tokens',
  },
  {
    name: 'a chain of 1,000 fragments',
    query: `{ ...F0 } ${fields(1_000, (i) => `fragment F${i} on Query{...F${i + 1}}`)} fragment F1000 on Query{__typename}`,
    status: 400,
    code: 'OPERATION_LIMIT_EXCEEDED',
    limit: 'tokens',
  },
  {
    // 130 KB: refused before it is even parsed.
    name: 'a chain of 5,000 fragments',
    query: `{ ...F0 } ${fields(5_000, (i) => `fragment F${i} on Query{...F${i + 1}}`)} fragment F5000 on Query{__typename}`,
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  {
    name: 'over LIMIT_FRAGMENT_NESTING (a chain of 21 fragments)',
    query: `{ ...F0 } ${fields(21, (i) => `fragment F${i} on Query { ...F${i + 1} }`)} fragment F21 on Query { __typename }`,
    status: 400,
    code: 'OPERATION_LIMIT_EXCEEDED',
    limit: 'fragmentNesting',
  },
  {
    name: 'a fragment cycle',
    query: '{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }',
    status: 400,
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  {
    name: 'over LIMIT_DEPTH (through introspection types)',
    query: `{ __type(name: "Account") { ${'fields { type { '.repeat(6)}name${' } }'.repeat(6)} } }`,
    status: 400,
    code: 'OPERATION_LIMIT_EXCEEDED',
    limit: 'depth',
  },
  {
    name: 'selection sets nested past twice LIMIT_DEPTH (inline fragments)',
    query: `{ ${'... on Query { '.repeat(30)}__typename${' }'.repeat(30)} }`,
    status: 400,
    code: 'OPERATION_LIMIT_EXCEEDED',
    limit: 'depth',
  },
  {
    name: 'over LIMIT_ALIASES (31)',
    query: `{ ${fields(31, (i) => `a${i}: accounts { iban }`)} }`,
    status: 400,
    code: 'OPERATION_LIMIT_EXCEEDED',
    limit: 'aliases',
  },
  {
    name: 'over LIMIT_ALIASES through a fragment',
    query: `{ account(id: "${leaId}") { ...Many } } fragment Many on Account { ${fields(40, (i) => `t${i}: transactions(first: 1) { totalCount }`)} }`,
    status: 400,
    code: 'OPERATION_LIMIT_EXCEEDED',
    limit: 'aliases',
  },
  {
    name: 'over LIMIT_DIRECTIVES (51)',
    query: `{ accounts { ${fields(51, () => 'iban @include(if: true)')} } }`,
    status: 400,
    code: 'OPERATION_LIMIT_EXCEEDED',
    limit: 'directives',
  },
  {
    name: 'over LIMIT_COST (whole pages of every account, five times)',
    query: `{ accounts { ${fields(5, (i) => `p${i}: transactions { edges { node { ${NODE} details { content } } } }`)} } }`,
    status: 400,
    code: 'OPERATION_LIMIT_EXCEEDED',
    limit: 'cost',
  },
  {
    name: 'over LIMIT_COST with the page size in a variable',
    query: `query Q($n: Int) { accounts { ${fields(5, (i) => `p${i}: transactions(first: $n) { edges { node { ${NODE} details { content } } } }`)} } }`,
    variables: { n: 500 },
    status: 400,
    code: 'OPERATION_LIMIT_EXCEEDED',
    limit: 'cost',
  },
  {
    name: 'over LIMIT_SELECTIONS (a fragment bomb: each fragment spreads the next twice)',
    query: `{ ...B0 } ${fields(16, (i) => `fragment B${i} on Query { ...B${i + 1} __typename ...B${i + 1} }`)} fragment B16 on Query { __typename }`,
    status: 400,
    code: 'OPERATION_LIMIT_EXCEEDED',
    limit: 'selections',
  },
]

async function send(row: Row, token: string): Promise<{ status: number; text: string; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` }
  let res
  if (row.method === 'GET') {
    const search = new URLSearchParams({ query: row.query ?? '' })
    res = await request(`${t.gateway.url}/graphql?${search.toString()}`, { method: 'GET', headers })
  } else {
    const body =
      row.body ??
      JSON.stringify({
        query: row.query,
        variables: row.variables ?? {},
        ...(row.extensions === undefined ? {} : { extensions: row.extensions }),
      })
    res = await request(`${t.gateway.url}/graphql`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body,
    })
  }
  const text = await res.body.text()
  return { status: res.statusCode, text, body: JSON.parse(text) as Record<string, unknown> }
}

describe.each(['partner', 'present'] as const)('bad input from a %s caller: a stable code and no bank call', (who) => {
  it.each(ROWS.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    const before = leaCalls()
    const res = await send(row, tokens[who])
    const errors = (res.body.errors ?? []) as { message: string; extensions?: Record<string, unknown> }[]
    expect({ status: res.status, code: errors[0]?.extensions?.code }).toEqual({ status: row.status, code: row.code })
    if (row.limit !== undefined) expect(errors[0]?.extensions?.limit).toBe(row.limit)
    // Never a stack, never the input echoed whole.
    expect(res.text).not.toMatch(/\bat .+\.js:\d+/)
    expect(res.text).not.toContain('x'.repeat(100))
    expect(res.text).not.toContain('7'.repeat(100))
    expect(leaCalls()).toEqual(before)
  })
})

describe('the same document asked again with other variables (the walks are remembered per document)', () => {
  it('is costed and checked with each request own variables, in either order', async () => {
    const token = tokens.partner
    const costly = `query Q($n: Int) { accounts { ${fields(5, (i) => `p${i}: transactions(first: $n) { edges { node { ${NODE} details { content } } } }`)} } }`
    const byDate = 'query D($from: Date) { accounts { transactions(from: $from) { totalCount } } }'
    for (const round of [1, 2]) {
      const cheap = await t.query(costly, { token, variables: { n: 1 } })
      expect({ round, codes: cheap.errors?.map((e) => e.extensions?.code) }).toEqual({ round, codes: undefined })
      const dear = await t.query(costly, { token, variables: { n: 500 } })
      expect(dear.errors?.[0]?.extensions).toMatchObject({ code: 'OPERATION_LIMIT_EXCEEDED', limit: 'cost' })
      const inWindow = await t.query(byDate, { token, variables: { from: paris(-3) } })
      expect(inWindow.errors).toBeUndefined()
      const tooLate = await t.query(byDate, { token, variables: { from: paris(2) } })
      expect(tooLate.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    }
  })
})

describe('the same inputs still work when they are right', () => {
  it('a real cursor pages on, and dates within the window are served', async () => {
    const token = tokens.present
    const first = await t.query(`{ account(id: "${leaId}") { transactions(first: 1) { pageInfo { endCursor } } } }`, {
      token,
    })
    const cursor = (first.data?.account as { transactions: { pageInfo: { endCursor: string } } }).transactions.pageInfo
      .endCursor
    const next = await t.query(
      `{ account(id: "${leaId}") { transactions(first: 1, after: "${cursor}", from: "${paris(-60)}", to: "${paris(1)}") { totalCount } } }`,
      { token },
    )
    expect(next.errors).toBeUndefined()
  })
})
