/**
 * A partner's batch sync over the gateway, typed end to end by the generated documents (`npm run codegen`): it syncs
 * one PSU's accounts, balances and transactions with a partner token, where every bank call spends the bank's
 * budget of 4 unattended calls per day, account and method.
 *
 * It never trips the limit, because it looks before it reads:
 *  1. `PartnerPlan` (@cacheOnly, free) says what the gateway holds and, for every method it needs, what is left
 *     (when not even the account list is cached, it is read alone first, if its budget allows).
 *  2. A method that has nothing left and nothing cached would fail with QUOTA_EXHAUSTED: the sync waits for its
 *     `nextAllowedAt` when that is within `maxWaitMs`, and otherwise reads what is cached and says until when the
 *     rest is deferred.
 *  3. When nothing at all is left it reads with `@cacheOnly` (no bank call can happen); otherwise one live read,
 *     in which the gateway calls the bank at most once per account and method and serves the rest from its cache.
 *  4. Further pages come from the cache the first page filled (@cacheOnly).
 * Freshness and quota come back with the data, so a scheduler can plan its next run.
 *
 * Only `fetch` and the generated file: nothing of the gateway's own code (a partner has none of it).
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core'
import { print } from 'graphql'
import {
  PartnerAccountListDocument,
  PartnerPlanDocument,
  PartnerPsuQuotaDocument,
  PartnerSyncCachedDocument,
  PartnerSyncDocument,
  PartnerTransactionsPageDocument,
  type PartnerAccountFragment,
  type PartnerPlanQuery,
  type PartnerQuotaFragment,
  type PartnerTransactionsFragment,
} from './generated/graphql.js'

export interface PartnerSyncOptions {
  /** The gateway's GraphQL endpoint, e.g. `http://localhost:4000/graphql`. */
  readonly endpoint: string
  /** A partner (batch) token for the PSU. */
  readonly token: string
  /** Wait for a spent method's `nextAllowedAt` when it is at most this far (default 0: never wait, defer). */
  readonly maxWaitMs?: number
  readonly now?: () => number
  readonly sleep?: (ms: number) => Promise<void>
  readonly fetch?: typeof fetch
}

export type SyncMode = 'live' | 'cache-only'

export interface SyncedAccount {
  readonly account: Omit<PartnerAccountFragment, 'transactions'>
  /** Every transaction of the window the gateway holds, all pages together, newest first. */
  readonly transactions: PartnerTransactionsFragment['edges'][number]['node'][]
  readonly transactionsFreshness: PartnerTransactionsFragment['freshness'] | undefined
}

export interface SyncReport {
  readonly mode: SyncMode
  readonly accounts: readonly SyncedAccount[]
  /** The PSU-level budget after the sync (accounts, identity). */
  readonly psuQuota: readonly PartnerQuotaFragment[]
  /** Unattended bank calls the gateway reports for this sync's operations (`extensions.unattendedBankCalls`). */
  readonly unattendedBankCalls: number
  readonly waitedMs: number
  /** Set when something was neither cached nor allowed: the earliest time a later run can get it. */
  readonly deferredUntil: string | undefined
  /** Field errors the sync accepted (NOT_CACHED in a cache-only read), by code and path. */
  readonly skipped: readonly { readonly code: string; readonly path: string }[]
}

export class PartnerSyncError extends Error {
  constructor(
    message: string,
    readonly codes: readonly string[],
  ) {
    super(message)
    this.name = 'PartnerSyncError'
  }
}

interface GraphQLResult<T> {
  readonly data?: T | null
  readonly errors?: readonly { message: string; path?: readonly (string | number)[]; extensions?: { code?: string } }[]
  readonly extensions?: { unattendedBankCalls?: number }
}

/** Codes that mean the limit was hit: the sync is written never to see them. */
const LIMIT_CODES = new Set(['QUOTA_EXHAUSTED', 'BANK_LIMIT_REACHED'])
/** A plan is made at most this many times (the account list or a wait, then a re-plan, and once more). */
const MAX_PLANS = 4

export async function syncPartner(options: PartnerSyncOptions): Promise<SyncReport> {
  const client = new GraphQLClient(options)
  const now = options.now ?? Date.now
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))
  let waitedMs = 0
  for (let round = 1; ; round++) {
    const plan = await makePlan(client)
    if (plan.listFirst && round < MAX_PLANS) {
      // Not even the account list is cached, and the ACCOUNTS budget allows a call: get it, then plan the rest.
      await client.execute(PartnerAccountListDocument, {})
      continue
    }
    const waitUntil = plan.blockedUntil
    const canWait =
      waitUntil !== undefined && round < MAX_PLANS && waitUntil - now() <= (options.maxWaitMs ?? 0) - waitedMs
    if (canWait) {
      const ms = Math.max(0, waitUntil - now()) + 1
      await sleep(ms)
      waitedMs += ms
      continue
    }
    const mode: SyncMode = waitUntil !== undefined || plan.nothingLeft ? 'cache-only' : 'live'
    return read(client, mode, waitedMs, waitUntil)
  }
}

/** One read the sync needs: its method's budget, and whether the gateway already holds a value for it. */
export interface PlannedRead {
  readonly quota: Pick<PartnerQuotaFragment, 'remaining' | 'nextAllowedAt'> | undefined
  readonly cached: boolean
}

export interface Plan {
  /** Some needed method has nothing left and nothing cached: the latest `nextAllowedAt` among them. */
  readonly blockedUntil: number | undefined
  /** No needed method has a call left. */
  readonly nothingLeft: boolean
  /** The account list is not cached but may be read: read it alone first, so the next plan sees every budget. */
  readonly listFirst?: boolean
}

async function makePlan(client: GraphQLClient): Promise<Plan> {
  const plan = await client.execute(PartnerPlanDocument, {}, { accept: ['NOT_CACHED'] })
  if (plan.data === null || plan.data === undefined) {
    // The account list itself is not cached (`accounts` is non-null: its error nulls the whole answer).
    const psu = await client.execute(PartnerPsuQuotaDocument, {})
    const accounts = (psu.data?.quota ?? []).find((q) => q.method === 'ACCOUNTS')
    const budget = assessBudget([{ quota: accounts, cached: false }])
    return { ...budget, listFirst: budget.blockedUntil === undefined }
  }
  const errorPaths = new Set((plan.errors ?? []).map((e) => (e.path ?? []).join('.')))
  const planned: PlannedRead[] = [{ quota: plan.data.quota?.find((q) => q.method === 'ACCOUNTS'), cached: true }]
  plan.data.accounts.forEach((account: PartnerPlanQuery['accounts'][number], i: number) => {
    const method = (name: string) => account.quota?.find((q) => q.method === name)
    if (account.grants.balances)
      planned.push({ quota: method('BALANCES'), cached: !errorPaths.has(`accounts.${i}.balances`) })
    if (account.grants.transactions)
      planned.push({ quota: method('TRANSACTIONS'), cached: !errorPaths.has(`accounts.${i}.transactions`) })
  })
  return assessBudget(planned)
}

/**
 * A read with calls left, or cached (the gateway serves it, stale if need be, without an error), is safe. One with
 * neither would fail with QUOTA_EXHAUSTED: it blocks the live read until its `nextAllowedAt` (Infinity if unknown).
 */
export function assessBudget(planned: readonly PlannedRead[]): Plan {
  let blockedUntil: number | undefined
  let nothingLeft = true
  for (const { quota, cached } of planned) {
    const remaining = quota?.remaining ?? 0
    if (remaining > 0) nothingLeft = false
    if (remaining > 0 || cached) continue
    const at =
      quota?.nextAllowedAt === null || quota?.nextAllowedAt === undefined ? Infinity : Date.parse(quota.nextAllowedAt)
    blockedUntil = Math.max(blockedUntil ?? 0, at)
  }
  return { blockedUntil, nothingLeft }
}

async function read(
  client: GraphQLClient,
  mode: SyncMode,
  waitedMs: number,
  blockedUntil: number | undefined,
): Promise<SyncReport> {
  const document = mode === 'live' ? PartnerSyncDocument : PartnerSyncCachedDocument
  const result = await client.execute(document, {}, { accept: mode === 'live' ? [] : ['NOT_CACHED'] })
  const accounts: SyncedAccount[] = []
  for (const { transactions, ...account } of result.data?.accounts ?? []) {
    const nodes = [...(transactions?.edges.map((e) => e.node) ?? [])]
    let page = transactions?.pageInfo
    while (page?.hasNextPage === true && page.endCursor !== null && page.endCursor !== undefined) {
      const next = await client.execute(PartnerTransactionsPageDocument, {
        accountId: account.id,
        after: page.endCursor,
      })
      const more = next.data?.account?.transactions
      nodes.push(...(more?.edges.map((e) => e.node) ?? []))
      page = more?.pageInfo
    }
    accounts.push({ account, transactions: nodes, transactionsFreshness: transactions?.freshness })
  }
  return {
    mode,
    accounts,
    psuQuota: result.data?.quota ?? [],
    unattendedBankCalls: client.unattendedBankCalls,
    waitedMs,
    deferredUntil:
      blockedUntil === undefined || !Number.isFinite(blockedUntil) ? undefined : new Date(blockedUntil).toISOString(),
    skipped: (result.errors ?? []).map((e) => ({
      code: e.extensions?.code ?? 'UNKNOWN',
      path: (e.path ?? []).join('.'),
    })),
  }
}

/** A minimal typed GraphQL client over `fetch`: the document's types flow to the result. */
class GraphQLClient {
  unattendedBankCalls = 0
  readonly #options: PartnerSyncOptions

  constructor(options: PartnerSyncOptions) {
    this.#options = options
  }

  async execute<TResult, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables: TVariables,
    { accept = [] }: { accept?: readonly string[] } = {},
  ): Promise<GraphQLResult<TResult>> {
    const send = this.#options.fetch ?? fetch
    const response = await send(this.#options.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.#options.token}` },
      body: JSON.stringify({ query: print(document), variables }),
    })
    const result = (await response.json()) as GraphQLResult<TResult>
    this.unattendedBankCalls += result.extensions?.unattendedBankCalls ?? 0
    const codes = (result.errors ?? []).map((e) => e.extensions?.code ?? 'UNKNOWN')
    if (codes.some((code) => LIMIT_CODES.has(code)))
      throw new PartnerSyncError(`the sync hit the limit (${codes.join(', ')}): a bug in its plan`, codes)
    const unexpected = codes.filter((code) => !accept.includes(code))
    if (!response.ok || unexpected.length > 0)
      throw new PartnerSyncError(`the gateway answered ${response.status} ${unexpected.join(', ')}`, codes)
    return result
  }
}
