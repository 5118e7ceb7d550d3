/**
 * The benchmark queries (issue 7; the partner sync, issue 17), as each variant is asked them: V0 by its REST routes,
 * V1 and V2/V2w by the same GraphQL text. `minCalls` is the theoretical minimum of bank calls for one cold operation: one call per STET
 * resource the answer needs (an account id resolves through the PSU's list: the bank's resourceId is not derivable
 * from an IBAN, DESIGN inv. 8). Every cold answer waits for two bank round trips in sequence (the list, then the
 * per-account reads), which is what "added latency" subtracts. A query only some variants answer (the sync: the
 * gateway's journal has no V0/V1 equivalent) names them in `variants`.
 */
import { encodeAccountId } from '../src/services/account-id.js'
import { BENCH_COLD_FIVE, BENCH_COLD_TWENTY, BENCH_PERSONAS } from '../src/sandbox/personas.js'
import type { RequestSpec } from './load.js'

export type VariantId = 'V0' | 'V1' | 'V2' | 'V2w' | 'V0m' | 'V1m' | 'V2w-redis' | 'V2w-json' | 'V2w-redis-json'
/** What a full run measures. */
export const VARIANTS: readonly VariantId[] = ['V0', 'V1', 'V2', 'V2w', 'V0m', 'V1m', 'V2w-redis']
/**
 * Run only when BENCH_VARIANTS names them: V2w and V2w-redis with the cache written as plain JSON, the encoding before
 * issue 18 (the warm path's before/after of the compact texts, next to V2w and V2w-redis in the same run).
 */
export const OPTIONAL_VARIANTS: readonly VariantId[] = ['V2w-json', 'V2w-redis-json']

/** The variants served warm: from the gateway's cache (V2w, V2w-redis) or from the in-memory floors' map (V0m, V1m). */
export const WARM_VARIANTS: ReadonlySet<VariantId> = new Set([
  'V2w',
  'V0m',
  'V1m',
  'V2w-redis',
  'V2w-json',
  'V2w-redis-json',
])
/** The variants that are the gateway itself. */
export const GATEWAY_VARIANTS: ReadonlySet<VariantId> = new Set([
  'V2',
  'V2w',
  'V2w-redis',
  'V2w-json',
  'V2w-redis-json',
])
/** The gateway variants whose store is Redis (the others: lmdb). */
export const REDIS_VARIANTS: ReadonlySet<VariantId> = new Set(['V2w-redis', 'V2w-redis-json'])
/** The gateway variants whose cache writes plain JSON (startGateway's `cacheEncoding: 'json'`). */
export const JSON_CACHE_VARIANTS: ReadonlySet<VariantId> = new Set(['V2w-json', 'V2w-redis-json'])

/** Which server a variant runs: the REST aggregator (V0, V0m), naive Apollo (V1, V1m) or the gateway. */
export function serverKindOf(variant: VariantId): 'rest' | 'apollo' | 'gateway' {
  if (variant === 'V0' || variant === 'V0m') return 'rest'
  if (variant === 'V1' || variant === 'V1m') return 'apollo'
  return 'gateway'
}

export type QueryId = 'balances' | 'dashboard' | 'aliases' | 'tx20' | 'unattended' | 'sync'

export interface QueryDef {
  readonly id: QueryId
  readonly title: string
  /** The minimum bank calls of one cold operation. */
  readonly minCalls: number
  /** Bank round trips one after the other on a cold read. */
  readonly depth: number
  /** How many times the counting pass repeats the operation (the unattended dashboard: 10). */
  readonly countReps: number
  /** The PSU asked, per variant. */
  readonly psu: (variant: VariantId) => string
  readonly present: boolean
  /** Closed-loop connections at saturation: enough to keep one core busy, few enough that an operation's latency stays well under the measured window. */
  readonly connections: number
  /** The variants that can answer it; absent: every variant (the same shape as in results.json). */
  readonly variants?: readonly VariantId[]
}

/** Whether a variant is asked a query (the others' cells are skipped, their report cells n/a). */
export function appliesTo(query: Pick<QueryDef, 'variants'>, variant: VariantId): boolean {
  return query.variants === undefined || query.variants.includes(variant)
}

const FIVE = 'BENCH00005'
const TWENTY = 'BENCH00020'
/**
 * V2w-redis reads PSUs of its own, the same shapes (5 and 20 accounts): linking a persona at start spends unattended
 * `/accounts` calls at the bank, and three gateways linking the same PSU would meet the bank's limit of 4.
 */
const FIVE_REDIS = 'BENCH0005RE'
const TWENTY_REDIS = 'BENCH0020RE'
/** The JSON variants read twins of their counterpart's PSUs (sandbox BENCH_TWINS): the same data, limits of their own. */
const FIVE_OF: Readonly<Partial<Record<VariantId, string>>> = {
  'V2w-redis': FIVE_REDIS,
  'V2w-json': 'BENCH0005JF',
  'V2w-redis-json': 'BENCH0005JR',
}
const TWENTY_OF: Readonly<Partial<Record<VariantId, string>>> = {
  'V2w-redis': TWENTY_REDIS,
  'V2w-json': 'BENCH0020JT',
  'V2w-redis-json': 'BENCH0020JR',
}
const five = (variant: VariantId): string => FIVE_OF[variant] ?? FIVE
const twenty = (variant: VariantId): string => TWENTY_OF[variant] ?? TWENTY

/** The variants that read the bank on every operation: under load, each of their connections reads its own PSU. */
export const COLD_VARIANTS: ReadonlySet<VariantId> = new Set(['V0', 'V1', 'V2'])

/**
 * The PSUs a cell's load spreads over (issue 16, "honest cold saturation"): a cold variant's present queries give each
 * closed-loop connection its own PSU (the open loop takes them in turn), so that concurrent identical reads can never
 * share a bank call in the gateway's single-flight. Warm variants and the unattended dashboard (whose point is one
 * PSU's daily limit) read one PSU. The counting pass asks the query's own PSU, alone.
 */
export function loadPsusOf(variant: VariantId, query: QueryDef): readonly string[] {
  if (!COLD_VARIANTS.has(variant) || !query.present) return [query.psu(variant)]
  const pool = query.psu(variant) === TWENTY ? BENCH_COLD_TWENTY : BENCH_COLD_FIVE
  return pool.slice(0, query.connections)
}

/** Every PSU a variant's server reads (and links at start). */
export function psusOf(variant: VariantId): string[] {
  const own = [five(variant), twenty(variant), UNATTENDED_PSU[variant]]
  if (!COLD_VARIANTS.has(variant)) return own
  const cold = QUERIES.filter((query) => appliesTo(query, variant)).flatMap((query) => loadPsusOf(variant, query))
  return [...new Set([...own, ...cold])]
}
/** One unattended PSU per variant: the bank's limit (4 per key and day) is never shared between variants. */
export const UNATTENDED_PSU: Readonly<Record<VariantId, string>> = {
  V0: 'BENCH0005UA',
  V1: 'BENCH0005UB',
  V2: 'BENCH0005UC',
  V2w: 'BENCH0005UD',
  // The in-memory floors call the bank only in their warming pass, with the PSU present: no unattended call, no limit.
  V0m: 'BENCH0005UA',
  V1m: 'BENCH0005UB',
  'V2w-redis': 'BENCH0005UE',
  'V2w-json': 'BENCH0005JU',
  'V2w-redis-json': 'BENCH0005JV',
}

export const QUERIES: readonly QueryDef[] = [
  {
    id: 'balances',
    title: "one account's balances",
    minCalls: 2,
    depth: 2,
    countReps: 1,
    psu: five,
    present: true,
    connections: 64,
  },
  {
    id: 'dashboard',
    title: 'dashboard, 5 accounts',
    minCalls: 1 + 5 * 3 + 1,
    depth: 2,
    countReps: 1,
    psu: five,
    present: true,
    connections: 16,
  },
  {
    id: 'aliases',
    title: 'one account via 3 aliases + 2 fragments',
    minCalls: 3,
    depth: 2,
    countReps: 1,
    psu: five,
    present: true,
    connections: 64,
  },
  {
    id: 'tx20',
    title: 'transactions of 20 accounts',
    minCalls: 1 + 20,
    depth: 2,
    countReps: 1,
    psu: twenty,
    present: true,
    connections: 16,
  },
  {
    id: 'unattended',
    title: 'unattended dashboard ×10, one PSU',
    minCalls: 17,
    depth: 2,
    countReps: 10,
    psu: (v) => UNATTENDED_PSU[v],
    present: false,
    connections: 64,
  },
  {
    // A partner's sync from the start of one account's journal (examples/partner-webhook-sync.ts's first page). V2 asks
    // it with `refresh: true` and a present token: the cold sync, one TRANSACTIONS read per operation (the account comes
    // from the cached list, linked at start; the 5-account PSU's first account, like `balances`). V2w and V2w-redis ask
    // it as a partner without refresh, after a warming pass that refreshes (a present read merges into the journal):
    // the journal alone, no bank call. V0 and V1 have no journal to read.
    id: 'sync',
    title: 'partner sync, one account from the start (gateway only)',
    minCalls: 1,
    depth: 1,
    countReps: 1,
    psu: five,
    present: true,
    connections: 64,
    variants: [...GATEWAY_VARIANTS],
  },
]

function firstIban(psuId: string): string {
  const iban = BENCH_PERSONAS.find((p) => p.psuId === psuId)?.accounts[0]?.iban
  if (iban === undefined) throw new Error(`no benchmark persona ${psuId}`)
  return iban
}

const MONEY = 'amount { amount currency }'
export const GRAPHQL: Readonly<Record<QueryId, string>> = {
  balances: `query Balances($id: ID!) { account(id: $id) { iban balances { type ${MONEY} } } }`,
  dashboard: `query Dashboard { accounts { id iban name balances { type ${MONEY} } transactions(first: 3) { totalCount edges { node { id ${MONEY} } } } overdraft { allowedAmount { amount currency } } } identity { fullName } }`,
  aliases: `query Aliases($id: ID!) { a: account(id: $id) { ...Bal } b: account(id: $id) { iban ...Bal ...Ovd } c: account(id: $id) { name ...Ovd } } fragment Bal on Account { balances { type ${MONEY} } } fragment Ovd on Account { overdraft { allowedAmount { amount currency } } }`,
  tx20: `query Tx20 { accounts { iban transactions(first: 10) { totalCount edges { node { id ${MONEY} } } } } }`,
  unattended: '',
  sync: `query Sync($accountId: ID!, $refresh: Boolean) { transactionsSync(accountId: $accountId, first: 100, refresh: $refresh) { added { id ${MONEY} bookingDate status } modified { id } removed nextCursor hasMore } }`,
}

function graphqlText(query: QueryId): string {
  return query === 'unattended' ? GRAPHQL.dashboard : GRAPHQL[query]
}

/** `warming`: the warming pass's request (the sync refreshes then, to fill the journal the warm variants read). */
function variables(variant: VariantId, query: QueryDef, psu: string, warming: boolean): Record<string, unknown> {
  const id = (): string => encodeAccountId('17515', firstIban(psu))
  if (query.id === 'sync') return { accountId: id(), refresh: warming || !WARM_VARIANTS.has(variant) }
  return query.id === 'balances' || query.id === 'aliases' ? { id: id() } : {}
}

/** V0's REST route for a query. */
function v0Path(query: QueryDef, psu: string): string {
  switch (query.id) {
    case 'balances':
      return `/balances?iban=${firstIban(psu)}`
    case 'aliases':
      return `/account?iban=${firstIban(psu)}&include=balances,overdraft`
    case 'tx20':
      return '/transactions?first=10'
    case 'dashboard':
    case 'unattended':
      return '/dashboard'
    case 'sync':
      throw new Error('the sync query has no REST route')
  }
}

/**
 * The request a variant is sent for a query. `token` is the gateway's bearer (V2/V2w), unused by V0/V1; `psu` one of
 * `loadPsusOf` (default: the query's own PSU); `warming` for the warming pass.
 */
export function requestFor(
  variant: VariantId,
  query: QueryDef,
  token: string,
  psu = query.psu(variant),
  warming = false,
): RequestSpec {
  if (!appliesTo(query, variant)) throw new Error(`${variant} is not asked ${query.id}`)
  const psuHeaders: Record<string, string> = { 'x-psu-id': psu, ...(query.present ? { 'x-psu-present': '1' } : {}) }
  const kind = serverKindOf(variant)
  if (kind === 'rest') return { method: 'GET', path: v0Path(query, psu), headers: psuHeaders }
  const body = JSON.stringify({ query: graphqlText(query.id), variables: variables(variant, query, psu, warming) })
  if (kind === 'apollo')
    return { method: 'POST', path: '/', headers: { 'content-type': 'application/json', ...psuHeaders }, body }
  return {
    method: 'POST',
    path: '/graphql',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
  }
}
