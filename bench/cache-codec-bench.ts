/**
 * What the cache encoding costs a warm dashboard read (issue 18: no more than 10 % slower for the new encoding).
 * A dashboard of 5 accounts reads 17 cache entries (the account list, and per account balances, transaction window
 * and overdraft, plus identity). For windows of the benchmark personas' size (~15 transactions) and of a busy
 * account (120), it measures per dashboard, the old texts (plain JSON) and the new (cache-codec.ts) side by side in
 * one process, interleaved in blocks (the machine is shared: only the ratio within one run means anything):
 *  - `hot hit`: the warm path as it runs, the hot tier (decoded-entries.ts) finding each text the store answered
 *    (a fresh string each read, as a store reply is);
 *  - `decode`: a hot-tier miss, each text decoded;
 *  - `encode`: writing the 17 entries.
 *
 *   npm run bench:codec
 */
import { deserializeCacheText, serializeCacheText } from '../src/cache/cache-codec.js'
import { DecodedEntries } from '../src/cache/decoded-entries.js'
import { frenchIban, type PersonaAccount } from '../src/sandbox/personas.js'
import { transactionsOf } from '../src/sandbox/transaction-ledger.js'
import { toAccount, toBalance, toTransaction } from '../src/services/stet-mapping.js'

const now = Date.now()
const expires = now + 7 * 86_400_000

function accountsOf(perDay: [number, number]): PersonaAccount[] {
  return Array.from({ length: 5 }, (_, i) => ({
    iban: frenchIban('17515', '90079', `${perDay.join('')}0000${String(i).padStart(5, '0')}`),
    name: 'CODEC BENCH',
    usage: 'PRIV' as const,
    psuStatus: 'Account Holder',
    balance: `${100 + i}.00`,
    overdraftAllowed: 0,
    activity: { minPerDay: perDay[0], maxPerDay: perDay[1], daysBack: 61, professional: false },
  }))
}

/** The 17 entries of one dashboard, as `{value, expires}` (what keyv hands the codec). */
function dashboardEntries(perDay: [number, number], transactions: number): unknown[] {
  const accounts = accountsOf(perDay)
  const entry = (value: unknown): unknown => ({ value: { value, fetchedAt: now, psuPresent: true }, expires })
  const list = accounts.flatMap(
    (a) =>
      toAccount('17515', {
        resourceId: a.iban.slice(4, 25),
        accountId: { iban: a.iban, currency: 'EUR' },
        name: a.name,
        cashAccountType: 'CACC',
        usage: a.usage,
        psuStatus: a.psuStatus,
        _links: { balances: { href: '/b' }, transactions: { href: '/t' }, overdrafts: { href: '/o' } },
      }) ?? [],
  )
  const entries = [entry(list), entry({ fullName: 'CODEC BENCH', firstName: 'CODEC', lastName: 'BENCH' })]
  for (const a of accounts) {
    const balance = toBalance({
      name: a.name,
      balanceAmount: { amount: a.balance, currency: 'EUR' },
      balanceType: 'CLBD',
    })
    const window = transactionsOf(a, now)
      .slice(0, transactions)
      .map(({ resource }) =>
        toTransaction(resource.resourceId ? { ...resource, _links: { details: { href: '/d' } } } : resource),
      )
    entries.push(entry([balance]), entry(window), entry({ allowedAmount: { amount: '0', currency: 'EUR' } }))
  }
  return entries
}

interface Codec {
  readonly name: string
  readonly encode: (data: unknown) => string
  readonly decode: (text: string) => unknown
}

const CODECS: readonly Codec[] = [
  { name: 'before (JSON)', encode: (d) => JSON.stringify(d), decode: (t) => JSON.parse(t) },
  { name: 'after (cache-codec)', encode: (d) => serializeCacheText(d as never), decode: deserializeCacheText },
]

/** µs per dashboard, median of the blocks. */
function measure(work: () => void, perBlock: number, blocks: number[]): void {
  const start = process.hrtime.bigint()
  for (let i = 0; i < perBlock; i++) work()
  blocks.push(Number(process.hrtime.bigint() - start) / 1000 / perBlock)
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN

function run(label: string, perDay: [number, number], transactions: number): string[] {
  const entries = dashboardEntries(perDay, transactions)
  const rows: string[] = []
  const results = CODECS.map((codec) => {
    const texts = entries.map((e) => codec.encode(e))
    const tier = new DecodedEntries({ maxBytes: 32 * 1024 * 1024 })
    // Fresh strings per read, made beforehand (a store reply is a new string each time).
    const replies = Array.from({ length: 64 }, () => texts.map((t) => Buffer.from(t).toString()))
    let r = 0
    return {
      codec,
      bytes: texts.reduce((n, t) => n + Buffer.byteLength(t), 0),
      hot: [] as number[],
      decode: [] as number[],
      encode: [] as number[],
      hit: () => {
        for (const text of replies[r++ % replies.length] ?? []) tier.decode(text, codec.decode)
      },
      miss: () => {
        for (const text of texts) codec.decode(text)
      },
      write: () => {
        for (const e of entries) codec.encode(e)
      },
    }
  })
  // Warm-up: V8 optimises both codecs before anything is timed.
  for (const x of results) {
    for (let i = 0; i < 50; i++) {
      x.hit()
      x.miss()
      x.write()
    }
  }
  for (let block = 0; block < 15; block++) {
    for (const x of block % 2 === 0 ? results : [...results].reverse()) {
      measure(x.hit, 200, x.hot)
      measure(x.miss, 20, x.decode)
      measure(x.write, 10, x.encode)
    }
  }
  const [before] = results
  for (const x of results) {
    const ratio = (a: number[], b: number[] | undefined): string =>
      b === undefined ? '' : ` (${((median(a) / median(b)) * 100).toFixed(0)} %)`
    rows.push(
      `| ${label} | ${x.codec.name} | ${(x.bytes / 1024).toFixed(1)} KB | ${median(x.hot).toFixed(1)} µs${ratio(x.hot, before?.hot)} | ` +
        `${median(x.decode).toFixed(0)} µs${ratio(x.decode, before?.decode)} | ${median(x.encode).toFixed(0)} µs${ratio(x.encode, before?.encode)} |`,
    )
  }
  return rows
}

console.log(
  '| dashboard (5 accounts, 17 entries) | encoding | stored | warm read (hot hit) | hot-tier miss (decode) | write |',
)
console.log('| --- | --- | --- | --- | --- | --- |')
for (const row of run('~30 transactions per account (0–1 a day)', [0, 1], 120)) console.log(row)
for (const row of run('120 transactions per account', [2, 3], 120)) console.log(row)
