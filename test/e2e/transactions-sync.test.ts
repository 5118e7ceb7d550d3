/**
 * `transactionsSync` end to end against the sandbox bank with moving data (SANDBOX_MOVING): between two reads two
 * days apart, GEORGES's account gets new entries, pending cards are booked (modified) or dropped (removed), and the
 * sync from the first read's cursor returns exactly those changes, computed here from the bank's two answers. The
 * cursor survives a gateway restart on the same DATA_DIR and works on another replica sharing Redis; it is refused
 * for another account or PSU; `refresh: true` spends exactly one unattended call, which the sandbox counts.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { createClient } from 'redis'
import type { SandboxBank } from '../../src/sandbox/sandbox-bank.js'
import { manualClock, startExternalSandbox } from '../support/external-sandbox.js'
import { countCalls } from '../support/sandbox-counts.js'
import { GEORGES, GEORGES_JOINT, LEA, LEA_MAIN, LEA_SECOND } from '../support/sandbox-personas.js'
import { seedDataDir, startTestGateway, type GraphQLResponse, type TestGateway } from '../support/test-gateway.js'
import { encodeAccountId } from '../../src/services/account-id.js'
import { rm } from 'node:fs/promises'

// A day whose pending cards include one the sandbox drops and one it books (moving data is drawn from the date).
const T1 = '2026-03-13T10:00:00.000+01:00'
const TWO_DAYS_MS = 2 * 24 * 3600_000
const REDIS = 'redis://127.0.0.1:6379'
const GEORGES_ID = encodeAccountId('17515', GEORGES_JOINT.iban)

interface Node {
  id: string
  entryReference: string | null
  status: string
  bookingDate: string | null
  valueDate: string | null
  transactionDate: string | null
  amount: { amount: string; currency: string }
  creditDebitIndicatorCode: string
  remittanceInformation: string[]
}
const NODE =
  'id entryReference status bookingDate valueDate transactionDate amount { amount currency } creditDebitIndicatorCode remittanceInformation'

interface SyncAnswer {
  added: Node[]
  modified: Node[]
  removed: string[]
  nextCursor: string
  hasMore: boolean
}

const SYNC = `query Sync($id: ID!, $cursor: String, $first: Int, $refresh: Boolean) {
  transactionsSync(accountId: $id, cursor: $cursor, first: $first, refresh: $refresh) {
    added { ${NODE} } modified { ${NODE} } removed nextCursor hasMore
  }
}`

/** The bank's whole answer for the account, as the gateway read it (a batch read: the bank, or a fresh cache). */
async function readTransactions(gw: TestGateway, token: string): Promise<Node[]> {
  const res = await gw.query(
    `query { account(id: "${GEORGES_ID}") { transactions(first: 500) { edges { node { ${NODE} } } } } }`,
    { token },
  )
  expect(res.errors).toBeUndefined()
  const account = res.data?.account as { transactions: { edges: { node: Node }[] } }
  return account.transactions.edges.map((e) => e.node)
}

/** Every page from `cursor` until `hasMore` is false, merged in order (later pages win). */
async function syncAll(
  gw: TestGateway,
  token: string,
  cursor: string | undefined,
  first = 500,
): Promise<{ added: Node[]; modified: Node[]; removed: string[]; cursor: string; pages: number }> {
  const added: Node[] = []
  const modified: Node[] = []
  const removed: string[] = []
  let at = cursor
  let pages = 0
  for (;;) {
    const res = await syncOnce(gw, token, { cursor: at, first })
    expect(res.errors).toBeUndefined()
    const page = res.data?.transactionsSync as SyncAnswer
    added.push(...page.added)
    modified.push(...page.modified)
    removed.push(...page.removed)
    at = page.nextCursor
    pages += 1
    if (!page.hasMore) return { added, modified, removed, cursor: at, pages }
  }
}

function syncOnce(
  gw: TestGateway,
  token: string,
  vars: { id?: string; cursor?: string | undefined; first?: number; refresh?: boolean },
): Promise<GraphQLResponse> {
  return gw.query(SYNC, { token, variables: { id: GEORGES_ID, ...vars } })
}

const keyOf = (n: Node): string => n.entryReference ?? n.id
const sameContent = (a: Node, b: Node): boolean =>
  JSON.stringify({ ...a, entryReference: null }) === JSON.stringify({ ...b, entryReference: null })

/** What a partner must see between two answers of the bank, by the journal's rules (transaction-journal.ts). */
function expectedChanges(before: Node[], after: Node[]): { added: string[]; modified: string[]; removed: string[] } {
  const old = new Map(before.map((n) => [keyOf(n), n]))
  const now = new Map(after.map((n) => [keyOf(n), n]))
  return {
    added: after.filter((n) => !old.has(keyOf(n))).map((n) => n.id),
    modified: after.filter((n) => old.has(keyOf(n)) && !sameContent(old.get(keyOf(n)) as Node, n)).map((n) => n.id),
    removed: before.filter((n) => n.status === 'OTHR' && !now.has(keyOf(n))).map((n) => n.id),
  }
}

const ids = (nodes: readonly Node[]): string[] => nodes.map((n) => n.id).sort()

const env = {
  SANDBOX_MOVING: 'true',
  SANDBOX_PERSONA_IDS: `${GEORGES},${LEA}`,
  // The batch read two days later must go to the bank, not wait for the policy's spacing.
  CACHE_MIN_BATCH_MAX_AGE_MS: '0',
}

describe('transactionsSync on the embedded store', () => {
  let gw: TestGateway
  let dataDir: string
  const clock = manualClock(T1)

  beforeEach(async () => {
    clock.set(T1)
    dataDir = await seedDataDir()
    gw = await startTestGateway(env, { clock, dataDir })
  })
  afterEach(async () => {
    await gw.close()
    await rm(dataDir, { recursive: true, force: true })
  })

  it('returns exactly the changes after the bank data moved, and continues after a restart', async () => {
    let token = await gw.gateway.devToken(GEORGES)
    const first = await readTransactions(gw, token)
    const start = await syncAll(gw, token, undefined, 60)
    // From the start: every entry of the bank's answer, as added, over several pages.
    expect(start.pages).toBeGreaterThan(1)
    expect(ids(start.added)).toEqual(ids(first))
    expect(start.modified).toEqual([])
    expect(start.removed).toEqual([])
    expect(first.some((n) => n.status === 'OTHR')).toBe(true)

    clock.advance(TWO_DAYS_MS)
    // A development token lives 12 hours: a new one for the new day.
    token = await gw.gateway.devToken(GEORGES)
    const second = await readTransactions(gw, token)
    const expected = expectedChanges(first, second)
    // The sandbox's data moved in every way: new entries, pending ones booked, a pending card dropped.
    expect(expected.added.length).toBeGreaterThan(0)
    expect(expected.modified.length).toBeGreaterThan(0)
    const dropped = first.filter(
      (n) => n.status === 'OTHR' && n.entryReference !== null && !second.some((m) => keyOf(m) === keyOf(n)),
    )
    expect(dropped.length).toBeGreaterThan(0)
    const booked = first.filter(
      (n) => n.status === 'OTHR' && second.some((m) => keyOf(m) === keyOf(n) && m.status === 'BOOK'),
    )
    expect(booked.length).toBeGreaterThan(0)

    const changes = await syncAll(gw, token, start.cursor)
    expect(ids(changes.added)).toEqual([...expected.added].sort())
    expect(ids(changes.modified)).toEqual([...expected.modified].sort())
    expect([...changes.removed].sort()).toEqual([...expected.removed].sort())
    expect(changes.removed).toEqual(expect.arrayContaining(dropped.map((n) => n.id)))
    expect(ids(changes.modified)).toEqual(expect.arrayContaining(booked.map((n) => n.id)))
    for (const m of changes.modified) expect(m).toEqual(second.find((n) => n.id === m.id))
    // Nothing new since: the next cursor is the end.
    expect(await syncAll(gw, token, changes.cursor)).toMatchObject({ added: [], modified: [], removed: [] })

    // A restart on the same DATA_DIR: both cursors mean what they meant.
    await gw.close({ keepData: true })
    gw = await startTestGateway(env, { clock, dataDir })
    const token2 = await gw.gateway.devToken(GEORGES)
    const again = await syncAll(gw, token2, start.cursor)
    expect(ids(again.added)).toEqual(ids(changes.added))
    expect(ids(again.modified)).toEqual(ids(changes.modified))
    expect(again.cursor).toBe(changes.cursor)
    expect(await syncAll(gw, token2, changes.cursor)).toMatchObject({ added: [], modified: [], removed: [] })
  })

  it('refuses a cursor of another account or another PSU, and never calls the bank without refresh', async () => {
    const lea = await gw.gateway.devToken(LEA)
    const leaMain = encodeAccountId('17515', LEA_MAIN.iban)
    const leaSecond = encodeAccountId('17515', LEA_SECOND.iban)
    await gw.query('{ accounts { transactions(first: 1) { totalCount } } }', { token: lea })
    const before = countCalls(gw.gateway.sandbox as SandboxBank)
    const main = await syncOnce(gw, lea, { id: leaMain })
    expect(main.errors).toBeUndefined()
    const cursor = (main.data?.transactionsSync as SyncAnswer).nextCursor

    const otherAccount = await syncOnce(gw, lea, { id: leaSecond, cursor })
    expect(otherAccount.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    const georges = await gw.gateway.devToken(GEORGES)
    await readTransactions(gw, georges)
    const otherPsu = await syncOnce(gw, georges, { cursor })
    expect(otherPsu.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    // LEA's account id is not GEORGES's: NOT_FOUND, as for any other read.
    const foreign = await syncOnce(gw, georges, { id: leaMain })
    expect(foreign.errors?.[0]?.extensions?.code).toBe('NOT_FOUND')
    const tampered = await syncOnce(gw, lea, { id: leaMain, cursor: `${cursor.slice(0, -2)}AA` })
    expect(tampered.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    const tooMany = await syncOnce(gw, lea, { id: leaMain, first: 501 })
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    expect(main.extensions?.unattendedBankCalls).toBe(0)
    // GEORGES's one transactions read is the only call since: the syncs spent nothing.
    const after = countCalls(gw.gateway.sandbox as SandboxBank)
    expect(after.total - before.total).toBe(1)
  })

  it('refresh: true spends exactly one unattended call, says so, and syncs what it read', async () => {
    const token = await gw.gateway.devToken(GEORGES)
    const start = await syncOnce(gw, token, {})
    // No read of the transactions yet: an empty journal, and its cursor.
    expect(start.data?.transactionsSync).toMatchObject({ added: [], modified: [], removed: [], hasMore: false })
    const sandbox = gw.gateway.sandbox as SandboxBank
    const before = countCalls(sandbox, { psuId: GEORGES, method: 'transactions' })
    const allBefore = countCalls(sandbox, { psuId: GEORGES })
    const refreshed = await syncOnce(gw, token, {
      cursor: (start.data?.transactionsSync as SyncAnswer).nextCursor,
      first: 500,
      refresh: true,
    })
    expect(refreshed.errors).toBeUndefined()
    expect(refreshed.extensions?.unattendedBankCalls).toBe(1)
    const after = countCalls(sandbox, { psuId: GEORGES, method: 'transactions' })
    expect(after.batch - before.batch).toBe(1)
    // And nothing else: the account came from the cached list.
    expect(countCalls(sandbox, { psuId: GEORGES }).total - allBefore.total).toBe(1)
    const page = refreshed.data?.transactionsSync as SyncAnswer
    expect(page.added.length).toBeGreaterThan(200)
    expect(ids(page.added)).toEqual(ids(await readTransactions(gw, token)))
  })
  it('disconnectBank deletes the journal with the rest of the bank data we hold', async () => {
    const token = await gw.gateway.devToken(GEORGES)
    await readTransactions(gw, token)
    const ref = { bank: '17515', psu: GEORGES, iban: GEORGES_JOINT.iban }
    expect((await gw.gateway.services.journal.read(ref))?.entries.length).toBeGreaterThan(200)
    const done = await gw.query('mutation { disconnectBank { status } }', { token })
    expect(done.errors).toBeUndefined()
    expect(await gw.gateway.services.journal.read(ref)).toBeUndefined()
  })
})

describe('transactionsSync with a journal bound', () => {
  it('keeps at most JOURNAL_MAX_ENTRIES_PER_ACCOUNT entries, and a later read does not add the trimmed ones back', async () => {
    const clock = manualClock(T1)
    const gw = await startTestGateway({ ...env, JOURNAL_MAX_ENTRIES_PER_ACCOUNT: '100' }, { clock })
    try {
      const token = await gw.gateway.devToken(GEORGES)
      const first = await readTransactions(gw, token)
      expect(first.length).toBeGreaterThan(200)
      const start = await syncAll(gw, token, undefined)
      expect(start.added).toHaveLength(100)
      // The newest 100 of the bank's answer (it lists newest first).
      expect(ids(start.added)).toEqual(ids(first.slice(0, 100)))
      clock.advance(3600_000)
      await readTransactions(gw, token)
      const next = await syncAll(gw, token, start.cursor)
      const fromStart = await syncAll(gw, token, undefined)
      expect(fromStart.added).toHaveLength(100)
      // Only what is new in the hour (none of the trimmed entries came back as added).
      for (const n of next.added) expect(first.some((f) => keyOf(f) === keyOf(n))).toBe(false)
    } finally {
      await gw.close()
    }
  })
})

describe('transactionsSync on two replicas sharing Redis', () => {
  let sandbox: SandboxBank
  const prefix = `stetgw-test-${randomUUID()}:`
  const clock = manualClock(T1)

  beforeEach(async () => {
    clock.set(T1)
    sandbox = await startExternalSandbox(clock, { moving: { since: clock() } })
  })
  afterEach(async () => {
    await sandbox.close()
  })
  afterAll(async () => {
    const client = createClient({ url: REDIS })
    await client.connect()
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      if (keys.length > 0) await client.del(keys)
    }
    await client.quit()
  })

  it('continues on replica B from a cursor replica A gave', async () => {
    const shared = {
      ...env,
      STET_BASE_URL: sandbox.url,
      STORE_URL: REDIS,
      STORE_PREFIX: prefix,
      SANDBOX_PERSONAS: 'true',
      SANDBOX_PERSONA_IDS: GEORGES,
      // Replicas share their token keys (tokens and cursors are sealed or signed with them).
      TOKEN_ENCRYPTION_KEYS: `test:${Buffer.alloc(32, 9).toString('base64url')}`,
    }
    const a = await startTestGateway(shared, { clock })
    const b = await startTestGateway(shared, { clock })
    try {
      let tokenA = await a.gateway.devToken(GEORGES)
      let tokenB = await b.gateway.devToken(GEORGES)
      const first = await readTransactions(a, tokenA)
      const start = await syncAll(a, tokenA, undefined)
      expect(ids(start.added)).toEqual(ids(first))
      expect(await syncAll(b, tokenB, start.cursor)).toMatchObject({ added: [], modified: [], removed: [] })

      clock.advance(TWO_DAYS_MS)
      tokenA = await a.gateway.devToken(GEORGES)
      tokenB = await b.gateway.devToken(GEORGES)
      const second = await readTransactions(b, tokenB)
      const expected = expectedChanges(first, second)
      const onA = await syncAll(a, tokenA, start.cursor)
      const onB = await syncAll(b, tokenB, start.cursor)
      for (const changes of [onA, onB]) {
        expect(ids(changes.added)).toEqual([...expected.added].sort())
        expect(ids(changes.modified)).toEqual([...expected.modified].sort())
        expect([...changes.removed].sort()).toEqual([...expected.removed].sort())
      }
      expect(onA.cursor).toBe(onB.cursor)
      expect(expected.removed.length).toBeGreaterThan(0)
    } finally {
      await a.close()
      await b.close()
    }
  })
})
