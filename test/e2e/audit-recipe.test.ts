/**
 * The README's audit export recipe, as written (the shell block under "The audit trail of unattended calls"), against
 * `npm start` in sandbox mode: the only changes are the gateway's address and where audit.ndjson is written. After the
 * personas' linking and a partner's read, the export holds their calls and the check prints nothing (no key past 4).
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from '@jest/globals'
import { issueDevToken, loadOrCreateDevSigningKey } from '../../src/auth/dev-token.js'
import { spawnGateway } from '../support/processes.js'
import { LEA } from '../support/sandbox-personas.js'
import { postGraphQL, seedDataDir } from '../support/test-gateway.js'

const root = new URL('../../', import.meta.url).pathname
const run = promisify(execFile)
const cleanups: (() => Promise<unknown>)[] = []
afterAll(async () => {
  for (const fn of cleanups.reverse()) await fn()
})

async function readmeRecipe(): Promise<string> {
  const readme = await readFile(path.join(root, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('### The audit trail of unattended calls'))
  const m = /```sh\n([\s\S]*?)```/.exec(section)
  if (m?.[1] === undefined) throw new Error('no shell block in the audit section of the README')
  return m[1]
}

describe('README: exporting the audit trail', () => {
  it('runs as written: the export holds the linking and the partner read, and no key is past four', async () => {
    const dataDir = await seedDataDir()
    const out = await mkdtemp(path.join(tmpdir(), 'stetgw-audit-recipe-'))
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }))
    cleanups.push(() => rm(out, { recursive: true, force: true }))
    const gateway = await spawnGateway({ DATA_DIR: dataDir })
    cleanups.push(() => gateway.stop())
    const partner = await issueDevToken(
      await loadOrCreateDevSigningKey(dataDir),
      { psuId: LEA, present: false, banks: [] },
      { clock: Date.now, ttlSeconds: 600 },
    )
    const read = await postGraphQL(gateway.url, '{ accounts { balances { amount { amount } } } }', { token: partner })
    expect(read.extensions?.unattendedBankCalls).toBeGreaterThan(0)

    const file = path.join(out, 'audit.ndjson')
    const recipe = (await readmeRecipe())
      .replaceAll('http://localhost:4000', gateway.url)
      .replaceAll('audit.ndjson', file)
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', recipe], {
      cwd: root,
      env: { ...process.env, DATA_DIR: dataDir },
    })
    expect(stdout).toBe('')
    const entries = (await readFile(file, 'utf8'))
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { psu: string; method: string; reason: string; outcome: string })
    expect(entries.some((e) => e.psu === LEA && e.method === 'consents' && e.reason === 'LINKING')).toBe(true)
    expect(entries.some((e) => e.psu === LEA && e.method === 'balances' && e.reason === 'PARTNER_QUERY')).toBe(true)
    expect(entries.every((e) => e.outcome === 'OK')).toBe(true)
    // The check is no empty pipe: with a threshold of 0 it lists every key with its count.
    const counted = await run('bash', ['-euo', 'pipefail', '-c', recipe.replace('.calls > 4', '.calls > 0')], {
      cwd: root,
      env: { ...process.env, DATA_DIR: dataDir },
    })
    const keys = counted.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { psu: string; method: string; calls: number })
    expect(keys.find((k) => k.psu === LEA && k.method === 'accounts')?.calls).toBe(
      entries.filter((e) => e.psu === LEA && e.method === 'accounts').length,
    )
    expect(keys.reduce((sum, k) => sum + k.calls, 0)).toBe(entries.length)
  })
})
