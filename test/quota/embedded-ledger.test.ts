import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { fork } from 'node:child_process'
import { once } from 'node:events'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { transformFile } from '@swc/core'
import { EmbeddedLedger } from '../../src/quota/embedded-ledger.js'
import { quotaReserveChannel } from '../../src/quota/quota-diagnostics.js'
import type { QuotaLedger } from '../../src/quota/quota-ledger.js'
import { createQuotaPolicy, StoreUnavailableError } from '../../src/quota/quota-ledger.js'
import type { LedgerHarness, LedgerOpenOptions } from './ledger-contract.js'
import { describeLedgerContract, grantedOf, HOUR, keyOf, paris, TestClock } from './ledger-contract.js'

class EmbeddedHarness implements LedgerHarness {
  dir = ''
  readonly #open: QuotaLedger[] = []

  async reset(): Promise<void> {
    this.dir = await mkdtemp(join(tmpdir(), 'quota-ledger-'))
  }

  open(options: LedgerOpenOptions): QuotaLedger {
    const ledger = new EmbeddedLedger({ dir: this.dir, ...options })
    this.#open.push(ledger)
    return ledger
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.#open.splice(0).map((ledger) => ledger.close()))
    await rm(this.dir, { recursive: true, force: true })
  }
}

const harness = new EmbeddedHarness()
describeLedgerContract('EmbeddedLedger', harness)

describe('EmbeddedLedger: store loss (invariant 6)', () => {
  afterEach(() => harness.cleanup())

  it('refuses every key of an empty store found at start unless trustEmptyStore, until the lost windows pass', async () => {
    await harness.reset()
    const clock = new TestClock(paris('2026-02-10T20:00'))
    const ledger = harness.open({ clock: clock.read, trustEmptyStore: false })
    const until = paris('2026-02-11T20:00') // both windows: max(next Paris midnight, lostAt + 24 h)
    expect(await ledger.reserve(keyOf())).toMatchObject({ kind: 'refused', reason: 'store-lost', nextAllowedAt: until })
    expect(await ledger.reserve(keyOf({ psu: 'another' }))).toMatchObject({ kind: 'refused', reason: 'store-lost' })
    expect(await ledger.status(keyOf())).toMatchObject({ exhaustedUntil: until, nextAllowedAt: until, remaining: 0 })
    // A restart does not reset the loss: the epoch with its lostAt is durable.
    await ledger.close()
    const restarted = harness.open({ clock: clock.read, trustEmptyStore: true })
    expect(await restarted.reserve(keyOf())).toMatchObject({ kind: 'refused', reason: 'store-lost' })
    clock.now = until - 1
    expect(await restarted.reserve(keyOf())).toMatchObject({ kind: 'refused', reason: 'store-lost' })
    clock.now = until
    expect(grantedOf(await restarted.reserve(keyOf())).used).toBe(1)
  })

  it('sees a wiped DATA_DIR at the next start as lost (calendar-day: until Paris midnight)', async () => {
    await harness.reset()
    const clock = new TestClock(paris('2026-02-10T10:00'))
    const policy = createQuotaPolicy({ windows: 'calendar-day' })
    const first = harness.open({ clock: clock.read, policy, trustEmptyStore: true })
    for (let i = 0; i < 4; i++) grantedOf(await first.reserve(keyOf()))
    await first.close()
    await rm(harness.dir, { recursive: true, force: true })
    clock.now = paris('2026-02-10T11:00')
    const afterWipe = harness.open({ clock: clock.read, policy, trustEmptyStore: false })
    expect(await afterWipe.reserve(keyOf())).toMatchObject({
      kind: 'refused',
      reason: 'store-lost',
      nextAllowedAt: paris('2026-02-11T00:00'),
    })
  })

  it('keeps the epoch across restarts: a known store is not lost', async () => {
    await harness.reset()
    const clock = new TestClock(paris('2026-02-10T10:00'))
    const first = harness.open({ clock: clock.read, trustEmptyStore: true })
    grantedOf(await first.reserve(keyOf()))
    await first.close()
    const second = harness.open({ clock: clock.read, trustEmptyStore: false })
    expect(grantedOf(await second.reserve(keyOf())).used).toBe(2)
  })

  it('publishes each outcome on gateway:quota:reserve without PSU identifiers', async () => {
    await harness.reset()
    const events: unknown[] = []
    const listener = (event: unknown): void => {
      events.push(event)
    }
    quotaReserveChannel.subscribe(listener)
    try {
      const ledger = harness.open({ clock: new TestClock(paris('2026-02-10T10:00')).read, trustEmptyStore: true })
      for (let i = 0; i < 5; i++) await ledger.reserve(keyOf())
    } finally {
      quotaReserveChannel.unsubscribe(listener)
    }
    expect(events).toHaveLength(5)
    expect(events[0]).toEqual({ store: 'embedded', bank: 'caisse-epargne', method: 'balances', kind: 'granted' })
    expect(events[4]).toEqual({
      store: 'embedded',
      bank: 'caisse-epargne',
      method: 'balances',
      kind: 'refused',
      reason: 'limit',
    })
  })

  it('fails closed once closed', async () => {
    await harness.reset()
    const ledger = harness.open({ clock: new TestClock(paris('2026-02-10T10:00')).read, trustEmptyStore: true })
    await ledger.close()
    await expect(ledger.reserve(keyOf())).rejects.toBeInstanceOf(StoreUnavailableError)
  })
})

/**
 * Durability (invariant 3): a child process reserves through the real EmbeddedLedger and is killed with SIGKILL as
 * soon as its reserve resolves. The grants must be there for the next process. (A SIGKILL keeps the OS page cache,
 * so this proves the commit happened before the promise resolved; the fsync itself is lmdb's `flushed`, awaited.)
 */
describe('EmbeddedLedger: durability across a crash', () => {
  const root = fileURLToPath(new URL('../../', import.meta.url))
  let build = ''

  beforeAll(async () => {
    // Node 20 cannot run .ts: compile the ledger's sources with swc into a folder that resolves the project's node_modules.
    await mkdir(join(root, 'node_modules', '.cache'), { recursive: true })
    build = await mkdtemp(join(root, 'node_modules', '.cache', 'quota-durability-'))
    await writeFile(join(build, 'package.json'), JSON.stringify({ type: 'module' }))
    const sources = [
      'src/errors.ts',
      'src/clock.ts',
      'src/redis/psu-hash-tag.ts',
      ...(await readdir(join(root, 'src/quota'))).map((f) => `src/quota/${f}`),
    ]
    for (const source of sources.filter((s) => s.endsWith('.ts'))) {
      const { code } = await transformFile(join(root, source), {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'es6' },
        sourceMaps: false,
      })
      const target = join(build, source.replace(/\.ts$/, '.js'))
      await mkdir(dirname(target), { recursive: true })
      await writeFile(target, code)
    }
    await writeFile(
      join(build, 'child.js'),
      `import { EmbeddedLedger } from './src/quota/embedded-ledger.js'
const [dir, now, key] = process.argv.slice(2)
const ledger = new EmbeddedLedger({ dir, trustEmptyStore: true, clock: () => Number(now) })
for (let i = 0; i < 4; i++) {
  const outcome = await ledger.reserve(JSON.parse(key))
  process.send?.({ kind: outcome.kind, used: outcome.used })
}
setInterval(() => {}, 1000) // never closes: the parent kills it
`,
    )
  })

  afterAll(async () => {
    await rm(build, { recursive: true, force: true })
    await harness.cleanup()
  })

  it('keeps four grants made by a process killed right after its last reserve resolved', async () => {
    await harness.reset()
    const now = paris('2026-02-10T10:00')
    const child = fork(join(build, 'child.js'), [harness.dir, String(now), JSON.stringify(keyOf())], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    })
    const messages: unknown[] = []
    await new Promise<void>((resolve) => {
      child.on('message', (message) => {
        messages.push(message)
        if (messages.length === 4) {
          child.kill('SIGKILL')
          resolve()
        }
      })
    })
    await once(child, 'exit')
    expect(messages).toEqual([1, 2, 3, 4].map((used) => ({ kind: 'granted', used })))
    const ledger = harness.open({ clock: () => now + HOUR, trustEmptyStore: false })
    expect(await ledger.reserve(keyOf())).toMatchObject({ kind: 'refused', reason: 'limit', used: 4 })
  })
})
