/**
 * `npm run capacity` (issue 18): how many bytes one PSU takes in the store, by kind (ledger, cache, tokens), and what
 * that makes for 100 k and 1 M PSUs. Fills a store with synthetic PSUs through the gateway's own store code (the
 * ledger's reservations, FreshnessCache writes with the store's cache codec, sealed token and connection records),
 * then measures it:
 *  - Redis (one it starts on a free port, or `--redis-url`): `MEMORY USAGE` of every key under the run's prefix, and
 *    the `used_memory` delta of the server;
 *  - embedded (lmdb in a temporary DATA_DIR): the bytes of every key and value per database, and the files' size.
 *
 * Each PSU has `--accounts` accounts, each a window of `--transactions` transactions from the sandbox's own generator
 * (src/sandbox/transaction-ledger.ts: the bank's shapes, amounts, labels, references and dates), mapped as the gateway
 * maps the bank's answer; the cache holds what a day of reads leaves: the account list, and per account its balances
 * and its transaction window. The ledger holds `--reserves` grants per key (4: a day's whole budget spent).
 *
 *   npm run capacity -- --psus 10000 --accounts 2 --transactions 120 [--store redis|embedded|both] [--redis-url …]
 *   [--json file]
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import { open } from 'lmdb'
import { createClient, type RedisClientType } from 'redis'
import { FreshnessCache } from '../src/cache/freshness-cache.js'
import { silentLogger } from '../src/observability/logger.js'
import { createQuotaPolicy, type QuotaKeyParts } from '../src/quota/quota-ledger.js'
import { frenchIban, type PersonaAccount } from '../src/sandbox/personas.js'
import { transactionsOf } from '../src/sandbox/transaction-ledger.js'
import { toAccount, toBalance, toTransaction } from '../src/services/stet-mapping.js'
import type { TransactionRecord } from '../src/services/records.js'
import type { AccountResource, BalanceResource } from '../src/stet-api/wire.js'
import { RecordSealer } from '../src/stet/record-sealer.js'
import type { StateStoreDeps, StateStores } from '../src/stores/state-stores.js'

export interface CapacityArgs {
  readonly psus: number
  readonly accounts: number
  readonly transactions: number
  readonly reserves: number
  readonly stores: readonly ('redis' | 'embedded')[]
  readonly redisUrl: string | undefined
}

/** Bytes by kind for one store, and how many keys/rows of each. */
export interface StoreMeasure {
  readonly store: 'redis' | 'embedded'
  readonly psus: number
  readonly transactions: number
  readonly bytes: { readonly ledger: number; readonly cache: number; readonly tokens: number }
  readonly keys: { readonly ledger: number; readonly cache: number; readonly tokens: number }
  /** Redis: `used_memory` after − before; embedded: the lmdb files' allocated size. */
  readonly total: number
  /** What the store holds before any PSU (Redis: the witness; embedded: empty databases). */
  readonly fixed: number
}

const TPP = 'PSDFR-ACPR-SANDBOX'
const BANK = '17515'
const DAY_MS = 24 * 3600_000
const CONCURRENCY = 16

export function parseCapacityArgs(argv: readonly string[]): CapacityArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      psus: { type: 'string', default: '1000' },
      accounts: { type: 'string', default: '2' },
      transactions: { type: 'string', default: '120' },
      reserves: { type: 'string', default: '4' },
      store: { type: 'string', default: 'both' },
      'redis-url': { type: 'string' },
      json: { type: 'string' },
    },
  })
  const count = (name: string, raw: string, min: number): number => {
    const n = Number(raw)
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min} (got "${raw}")`)
    return n
  }
  const store = values.store
  if (store !== 'redis' && store !== 'embedded' && store !== 'both') {
    throw new Error(`--store must be redis, embedded or both (got "${store}")`)
  }
  return {
    psus: count('psus', values.psus, 1),
    accounts: count('accounts', values.accounts, 1),
    transactions: count('transactions', values.transactions, 1),
    reserves: count('reserves', values.reserves, 0),
    stores: store === 'both' ? ['redis', 'embedded'] : [store],
    redisUrl: values['redis-url'],
  }
}

/** One synthetic PSU's accounts: IBANs unique per PSU, a busy retail profile (2–3 a day over 61 days). */
function accountsOf(psu: number, accounts: number): PersonaAccount[] {
  const list: PersonaAccount[] = []
  for (let i = 0; i < accounts; i++) {
    const number = `${String(psu).padStart(8, '0')}${String(i).padStart(3, '0')}`
    list.push({
      iban: frenchIban(BANK, '90078', number),
      name: `CAPACITY ${psu}`,
      usage: 'PRIV',
      psuStatus: 'Account Holder',
      balance: ((psu % 997) * 13.37 + i).toFixed(2),
      overdraftAllowed: 0,
      activity: { minPerDay: 2, maxPerDay: 3, daysBack: 61, professional: psu % 4 === 3 },
    })
  }
  return list
}

function resourceIdOf(iban: string): string {
  return iban.slice(4, 25)
}

/**
 * The generator walks each day of the window with luxon's zone maths (tens of ms per account here): windows are
 * drawn from a pool of this many generated accounts. Each entry is compressed alone, so sharing a window between two
 * accounts changes no entry's size.
 */
const WINDOW_POOL = 128
const windowPool = new Map<number, TransactionRecord[]>()

function windowOf(account: number, transactions: number, now: number): TransactionRecord[] {
  const slot = account % WINDOW_POOL
  const known = windowPool.get(slot)
  if (known !== undefined) return known
  const [generated] = accountsOf(1_000_000 + slot, 1)
  const resourceId = resourceIdOf(generated?.iban ?? '')
  const window = (generated === undefined ? [] : transactionsOf(generated, now))
    .slice(0, transactions)
    .map(({ resource }) =>
      toTransaction(
        resource.resourceId
          ? {
              ...resource,
              _links: {
                details: {
                  href: `/stet/psd2/v1.6.2/accounts/${resourceId}/transactions/${resource.resourceId}/details`,
                },
              },
            }
          : resource,
      ),
    )
  windowPool.set(slot, window)
  return window
}

async function fillOne(
  stores: StateStores,
  cache: FreshnessCache,
  psu: number,
  args: CapacityArgs,
  now: number,
): Promise<number> {
  const psuId = `CAP${String(psu).padStart(7, '0')}`
  const accounts = accountsOf(psu, args.accounts)
  const key = (iban: string | undefined, method: QuotaKeyParts['method']): QuotaKeyParts => ({
    tpp: TPP,
    bank: BANK,
    psu: psuId,
    ...(iban === undefined ? {} : { iban }),
    method,
  })
  // The cache keys BankReader uses (`cacheKey`): the quota key, under the PSU's hash tag when the build has one.
  const cacheKeyOf = (parts: QuotaKeyParts): string => cacheKeyFor(parts)
  let transactions = 0
  const balance = (account: PersonaAccount): BalanceResource => ({
    name: account.name,
    balanceAmount: { amount: account.balance, currency: 'EUR' },
    balanceType: 'CLBD',
    referenceDate: new Date(now).toISOString().slice(0, 10),
  })
  const resources: AccountResource[] = accounts.map((account) => {
    const resourceId = resourceIdOf(account.iban)
    const base = `/stet/psd2/v1.6.2/accounts/${resourceId}`
    return {
      resourceId,
      bicFi: 'CEPAFRPP751',
      accountId: { iban: account.iban, currency: 'EUR' },
      name: account.name,
      usage: account.usage,
      cashAccountType: 'CACC',
      psuStatus: account.psuStatus,
      balances: [balance(account)],
      _links: {
        balances: { href: `${base}/balances` },
        transactions: { href: `${base}/transactions`, templated: true },
      },
    }
  })
  const accountRecords = resources.flatMap((resource) => toAccount(BANK, resource) ?? [])
  const entry = <T>(value: T): { value: T; fetchedAt: number; psuPresent: boolean } => ({
    value,
    fetchedAt: now,
    psuPresent: false,
  })
  const writes: Promise<unknown>[] = [cache.set(cacheKeyOf(key(undefined, 'accounts')), entry(accountRecords))]
  const quotaKeys: QuotaKeyParts[] = [key(undefined, 'accounts')]
  for (const [i, account] of accounts.entries()) {
    const window = windowOf(psu * args.accounts + i, args.transactions, now)
    transactions += window.length
    writes.push(cache.set(cacheKeyOf(key(account.iban, 'transactions')), entry(window)))
    writes.push(cache.set(cacheKeyOf(key(account.iban, 'balances')), entry([toBalance(balance(account))])))
    quotaKeys.push(key(account.iban, 'balances'), key(account.iban, 'transactions'))
  }
  for (const parts of quotaKeys) {
    for (let r = 0; r < args.reserves; r++) {
      const outcome = await stores.ledger.reserve(parts)
      if (outcome.kind !== 'granted') throw new Error(`the ledger refused reservation ${r + 1} of ${psuId}`)
    }
  }
  const ref = { bank: BANK, psuId }
  writes.push(
    stores.tokenStore.set(ref, {
      accessToken: randomBytes(32).toString('base64url'),
      accessTokenExpiresAt: now + 3600_000,
      refreshToken: randomBytes(32).toString('base64url'),
      refreshTokenExpiresAt: now + 180 * DAY_MS,
      refreshedAt: now,
    }),
    stores.connections.set(ref, {
      authorizedAt: now,
      consent: {
        balances: accounts.map((a) => a.iban),
        transactions: accounts.map((a) => a.iban),
        overdrafts: [],
        psuIdentity: false,
        grantedAt: now,
      },
    }),
  )
  await Promise.all(writes)
  return transactions
}

/** Set by `main` from the build's BankReader: its `cacheKey` for these parts. */
let cacheKeyFor: (parts: QuotaKeyParts) => string = () => {
  throw new Error('cacheKeyFor not set')
}

/** Before any store is open: generating blocks the event loop, which a store's reply deadline would take for silence. */
function generateWindows(args: CapacityArgs, now: number): void {
  for (let account = 0; account < Math.min(WINDOW_POOL, args.psus * args.accounts); account++) {
    windowOf(account, args.transactions, now)
  }
}

async function fill(stores: StateStores, args: CapacityArgs, now: number): Promise<number> {
  const cache = new FreshnessCache(stores.keyv, { retentionMs: 7 * DAY_MS, hotMaxBytes: 0 })
  let next = 0
  let transactions = 0
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, args.psus) }, async () => {
      while (next < args.psus) {
        const psu = next++
        const filled = await fillOne(stores, cache, psu, args, now)
        transactions += filled
      }
    }),
  )
  return transactions
}

async function deps(): Promise<StateStoreDeps> {
  return {
    policy: createQuotaPolicy(),
    tpp: TPP,
    clock: Date.now,
    testClock: false,
    logger: silentLogger as never,
    sealer: new RecordSealer([{ kid: 'capacity', key: new Uint8Array(randomBytes(32)) }]),
  }
}

type Kind = 'ledger' | 'cache' | 'tokens'

function kindOfRedisKey(key: string, prefix: string): Kind | undefined {
  const rest = key.slice(prefix.length)
  if (rest.startsWith('quota:')) return 'ledger'
  if (rest.startsWith('cache:')) return 'cache'
  if (rest.startsWith('tokens:') || rest.startsWith('connection:')) return 'tokens'
  return undefined
}

async function measureRedis(args: CapacityArgs, url: string, now: number): Promise<StoreMeasure> {
  const { openRedisStores } = await import('../src/stores/redis-stores.js')
  const admin = createClient({ url }) as RedisClientType
  await admin.connect()
  const prefix = `capacity-${randomBytes(4).toString('hex')}:`
  const usedMemory = async (): Promise<number> => {
    const info = await admin.info('memory')
    return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? NaN)
  }
  const before = await usedMemory()
  const stores = await openRedisStores({ url, prefix, trustEmptyStore: true }, await deps())
  // The store's first use writes its witness: measured apart, it is the same for 1 PSU or 1 M.
  await stores.ledger.status({ tpp: TPP, bank: BANK, psu: 'CAPACITY-WARMUP', method: 'accounts' })
  const fixedKeys = await admin.keys(`${prefix}*`)
  let fixed = 0
  for (const key of fixedKeys) fixed += (await admin.memoryUsage(key)) ?? 0
  const transactions = await fill(stores, args, now)
  await stores.close()
  const bytes = { ledger: 0, cache: 0, tokens: 0 }
  const keys = { ledger: 0, cache: 0, tokens: 0 }
  const fixedSet = new Set(fixedKeys)
  let batch: string[] = []
  const flush = async (): Promise<void> => {
    const multi = admin.multi()
    for (const key of batch) multi.memoryUsage(key)
    const sizes = (await multi.exec()) as unknown as (number | null)[]
    batch.forEach((key, i) => {
      const kind = kindOfRedisKey(key, prefix)
      if (kind === undefined) return
      bytes[kind] += sizes[i] ?? 0
      keys[kind]++
    })
    batch = []
  }
  for await (const found of admin.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
    for (const key of Array.isArray(found) ? found : [found]) {
      if (fixedSet.has(key)) continue
      batch.push(key)
      if (batch.length >= 1000) await flush()
    }
  }
  if (batch.length > 0) await flush()
  const after = await usedMemory()
  // Leave the server as we found it.
  for await (const found of admin.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
    const list = Array.isArray(found) ? found : [found]
    if (list.length > 0) await admin.unlink(list)
  }
  await admin.close()
  return { store: 'redis', psus: args.psus, transactions, bytes, keys, total: after - before - fixed, fixed }
}

async function allocatedBytes(dir: string): Promise<number> {
  let total = 0
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) total += await allocatedBytes(full)
    else if (entry.isFile()) total += (await stat(full)).blocks * 512
  }
  return total
}

async function lmdbBytes(dir: string): Promise<{ bytes: number; rows: number }> {
  const db = open<Buffer, string>({ path: dir, encoding: 'binary', readOnly: true })
  let bytes = 0
  let rows = 0
  for (const { key, value } of db.getRange()) {
    bytes += Buffer.byteLength(String(key)) + value.length
    rows++
  }
  await db.close()
  return { bytes, rows }
}

async function measureEmbedded(args: CapacityArgs, now: number): Promise<StoreMeasure> {
  const { openEmbeddedStores } = await import('../src/stores/embedded-stores.js')
  const dataDir = await mkdtemp(path.join(tmpdir(), 'stetgw-capacity-'))
  try {
    const stores = await openEmbeddedStores({ dataDir, trustEmptyStore: true }, await deps())
    await stores.ledger.status({ tpp: TPP, bank: BANK, psu: 'CAPACITY-WARMUP', method: 'accounts' })
    const fixed = await allocatedBytes(dataDir)
    const transactions = await fill(stores, args, now)
    await stores.close()
    const ledger = await lmdbBytes(path.join(dataDir, 'quota'))
    const cache = await lmdbBytes(path.join(dataDir, 'cache'))
    const tokens = await lmdbBytes(path.join(dataDir, 'tokens'))
    const total = (await allocatedBytes(dataDir)) - fixed
    return {
      store: 'embedded',
      psus: args.psus,
      transactions,
      bytes: { ledger: ledger.bytes, cache: cache.bytes, tokens: tokens.bytes },
      keys: { ledger: ledger.rows, cache: cache.rows, tokens: tokens.rows },
      total,
      fixed,
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true })
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0))
    })
  })
}

/** A Redis of our own (no persistence, nothing on disk): the measure is then of our keys alone. */
async function startRedis(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort()
  const child = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  })
  const url = `redis://127.0.0.1:${port}`
  for (let i = 0; i < 200; i++) {
    const client = createClient({ url, socket: { reconnectStrategy: false } })
    client.on('error', () => undefined)
    try {
      await client.connect()
      await client.close()
      return { url, child }
    } catch {
      await sleep(50)
    }
  }
  child.kill('SIGKILL')
  throw new Error('redis-server did not start')
}

const kb = (bytes: number): string =>
  bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${bytes} B`

export function renderTable(measures: readonly StoreMeasure[], args: CapacityArgs): string {
  const lines = [
    `${args.psus} PSUs × ${args.accounts} accounts × ${args.transactions} transactions, ${args.reserves} grants per key`,
    '',
    '| store | per PSU: ledger | cache | tokens | all | cache per transaction | 100 k PSUs | 1 M PSUs | measured total |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ]
  for (const m of measures) {
    const perPsu = (n: number): number => Math.round(n / m.psus)
    const all = m.bytes.ledger + m.bytes.cache + m.bytes.tokens
    const perTx = m.transactions === 0 ? 0 : m.bytes.cache / m.transactions
    const total = m.store === 'redis' ? `used_memory +${kb(m.total)}` : `files +${kb(m.total)}`
    lines.push(
      `| ${m.store} | ${perPsu(m.bytes.ledger)} B | ${perPsu(m.bytes.cache)} B | ${perPsu(m.bytes.tokens)} B | ` +
        `${perPsu(all)} B | ${perTx.toFixed(0)} B | ${kb((all / m.psus) * 1e5)} | ${kb((all / m.psus) * 1e6)} | ${total} |`,
    )
  }
  return lines.join('\n')
}

export async function runCapacity(args: CapacityArgs): Promise<StoreMeasure[]> {
  const { BankReader } = await import('../src/services/bank-reader.js')
  // Only its key naming is used (`cacheKey` reads nothing but the TPP): the keys are the ones the build writes.
  const reader = new BankReader({ tpp: TPP } as never)
  cacheKeyFor = (parts) =>
    reader.cacheKey({ psuId: parts.psu } as never, {
      bank: parts.bank,
      method: parts.method,
      ...(parts.iban === undefined ? {} : { iban: parts.iban }),
    })
  const now = Date.now()
  generateWindows(args, now)
  const measures: StoreMeasure[] = []
  for (const store of args.stores) {
    if (store === 'embedded') {
      measures.push(await measureEmbedded(args, now))
      continue
    }
    const own = args.redisUrl === undefined ? await startRedis() : undefined
    try {
      measures.push(await measureRedis(args, args.redisUrl ?? own?.url ?? '', now))
    } finally {
      own?.child.kill('SIGKILL')
    }
  }
  return measures
}

/** What `npm run capacity -- <argv>` prints (and writes with `--json`). */
export async function capacityMain(argv: readonly string[]): Promise<{ table: string; measures: StoreMeasure[] }> {
  const args = parseCapacityArgs(argv)
  const jsonOut = parseArgs({ args: [...argv], options: { json: { type: 'string' } }, strict: false }).values.json
  const measures = await runCapacity(args)
  if (typeof jsonOut === 'string') await writeFile(jsonOut, JSON.stringify({ args, measures }, null, 2))
  return { table: renderTable(measures, args), measures }
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  capacityMain(process.argv.slice(2)).then(
    ({ table }) => console.log(table),
    (error: unknown) => {
      console.error(error)
      process.exit(1)
    },
  )
}
