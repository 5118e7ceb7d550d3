/**
 * The README's capacity recipe (`npm run capacity -- …`, bench/capacity.ts), run at a tiny size: the recipe's own
 * arguments read from the README with only the number of PSUs made small, against a Redis the script starts itself
 * and an embedded store in a temporary DATA_DIR. What it reports is what it filled: a ledger, cache and token share
 * per PSU on both stores, a cache within 100 bytes per transaction, and the table the README prints.
 */
import { readFile } from 'node:fs/promises'
import { describe, expect, it, jest } from '@jest/globals'
import { capacityMain } from '../../bench/capacity.js'

jest.setTimeout(120_000)

const root = new URL('../../', import.meta.url).pathname

describe('npm run capacity (README recipe, tiny size)', () => {
  it('fills both stores through the gateway’s store code and reports bytes per PSU by kind', async () => {
    const readme = await readFile(`${root}README.md`, 'utf8')
    const recipe = /npm run capacity -- (--psus \d+[^\n`]*)/.exec(readme)?.[1]
    expect(recipe).toBeDefined()
    const argv = (recipe ?? '').trim().split(/\s+/)
    expect(argv).toEqual(expect.arrayContaining(['--accounts', '2', '--transactions', '120']))
    argv[argv.indexOf('--psus') + 1] = '3'
    const pkg = JSON.parse(await readFile(`${root}package.json`, 'utf8')) as { scripts: Record<string, string> }
    expect(pkg.scripts.capacity).toBe('node dist-bench/bench/capacity.js')
    expect(pkg.scripts.precapacity).toContain('tsc -p tsconfig.bench.json')

    const { table, measures } = await capacityMain(argv)
    expect(measures.map((m) => m.store)).toEqual(['redis', 'embedded'])
    for (const m of measures) {
      expect(m.psus).toBe(3)
      expect(m.transactions).toBe(3 * 2 * 120)
      // Per PSU: the account list + (balances, window) per account, the same 5 quota keys (lmdb: + its epoch record),
      // a token and a connection record; in lmdb also the connection's row in the scheduler's connection index (on
      // Redis that index is one set for all PSUs, outside the per-PSU keys counted here).
      expect(m.keys).toEqual({ ledger: m.store === 'redis' ? 15 : 16, cache: 15, tokens: m.store === 'redis' ? 6 : 9 })
      expect(m.bytes.ledger).toBeGreaterThan(0)
      expect(m.bytes.tokens).toBeGreaterThan(0)
      expect(m.bytes.cache / m.transactions).toBeLessThanOrEqual(100)
    }
    expect(table).toMatch(/^3 PSUs × 2 accounts × 120 transactions, 4 grants per key/)
    expect(table).toMatch(
      /\| redis \| \d+ B \| \d+ B \| \d+ B \| \d+ B \| \d+ B \| [\d.]+ (MB|GB) \| [\d.]+ (MB|GB) \|/,
    )
    expect(table).toMatch(/\| embedded \| \d+ B \|/)
  })
})
