/**
 * The README's "Other ways to run", as written (each process with the recipe's settings; DATA_DIR, ports and the
 * Redis prefix made private to the test): a standalone sandbox with a gateway pointed at it, from another DATA_DIR
 * sharing the development PKI through STET_DEV_PKI_DIR; and two gateway replicas on Redis in front of ONE sandbox.
 * (The embedded start, `npm start` alone, is test/e2e/npm-start.test.ts.)
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { createClient } from 'redis'
import { request } from 'undici'
import { issueDevToken, loadOrCreateDevSigningKey } from '../../src/auth/dev-token.js'
import { freePort, spawnGateway, type GatewayProcess } from '../support/processes.js'
import { postGraphQL, seedDataDir } from '../support/test-gateway.js'

const root = new URL('../../', import.meta.url).pathname
const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const cleanups: (() => Promise<unknown>)[] = []
afterAll(async () => {
  for (const fn of cleanups.reverse()) await fn()
})

/** `npm run sandbox` (what it runs), resolved once it prints where it listens. */
async function spawnSandbox(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['dist/sandbox/main.js'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  cleanups.push(async () => {
    if (child.exitCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  })
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString()
      const m = /listening on (http\S+)/.exec(out)
      if (m?.[1] !== undefined) resolve(m[1])
    })
    child.stderr.on('data', (c: Buffer) => (out += c.toString()))
    child.once('exit', (code) => reject(new Error(`sandbox exited ${String(code)}: ${out}`)))
  })
  return { url, child }
}

async function partnerToken(dataDir: string, psuId: string): Promise<string> {
  return issueDevToken(
    await loadOrCreateDevSigningKey(dataDir),
    { psuId, present: false, banks: [] },
    { clock: Date.now, ttlSeconds: 600 },
  )
}

const LEA_QUERY = '{ accounts { iban balances { amount { amount } } } }'
const LEA_ACCOUNT = { iban: 'FR7617515000920400430518020', balances: [{ amount: { amount: '-150.00' } }] }

async function started(gateway: GatewayProcess): Promise<GatewayProcess> {
  cleanups.push(() => gateway.stop())
  return gateway
}

describe('README: the standalone sandbox with a gateway pointed at it', () => {
  it('works from another DATA_DIR when both name the same STET_DEV_PKI_DIR, and says ready', async () => {
    const sandboxData = await seedDataDir()
    const gatewayData = await mkdtemp(path.join(tmpdir(), 'stetgw-gw-'))
    cleanups.push(() => rm(sandboxData, { recursive: true, force: true }))
    cleanups.push(() => rm(gatewayData, { recursive: true, force: true }))
    const port = await freePort()
    // npm run sandbox
    const sandbox = await spawnSandbox({ SANDBOX_PORT: String(port), DATA_DIR: sandboxData })
    // STET_BASE_URL=http://127.0.0.1:4010 SANDBOX_PERSONAS=true STET_DEV_PKI_DIR=… npm start
    const gateway = await started(
      await spawnGateway({
        DATA_DIR: gatewayData,
        STET_BASE_URL: sandbox.url,
        SANDBOX_PERSONAS: 'true',
        STET_DEV_PKI_DIR: path.join(sandboxData, 'pki'),
        STORE_URL: '',
      }),
    )
    expect((await request(`${gateway.url}/readyz`)).statusCode).toBe(200)
    const res = await postGraphQL(gateway.url, LEA_QUERY, { token: await partnerToken(gatewayData, '9999999901') })
    expect(res.errors).toBeUndefined()
    expect(res.data?.accounts).toContainEqual(LEA_ACCOUNT)
  }, 120_000)
})

describe('README: two replicas on Redis, one sandbox for both', () => {
  it('both answer, for the same token, from one bank', async () => {
    const dataDir = await seedDataDir()
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }))
    const prefix = `stetgw-test-${randomUUID()}:`
    cleanups.push(async () => {
      const client = createClient({ url: REDIS })
      await client.connect()
      for await (const keys of client.scanIterator({ MATCH: `*${prefix}*`, COUNT: 500 }))
        if (keys.length > 0) await client.del(keys)
      await client.quit()
    })
    const sandbox = await spawnSandbox({ SANDBOX_PORT: String(await freePort()), DATA_DIR: dataDir })
    const env = {
      DATA_DIR: dataDir,
      STORE_URL: REDIS,
      STORE_PREFIX: prefix,
      STET_BASE_URL: sandbox.url,
      SANDBOX_PERSONAS: 'true',
    }
    const [a, b] = await Promise.all([spawnGateway(env), spawnGateway(env)])
    await started(a)
    await started(b)
    const token = await partnerToken(dataDir, '9999999901')
    for (const gateway of [a, b]) {
      const res = await postGraphQL(gateway.url, LEA_QUERY, { token })
      expect(res.errors).toBeUndefined()
      expect(res.data?.accounts).toContainEqual(LEA_ACCOUNT)
      expect((await request(`${gateway.url}/readyz`)).statusCode).toBe(200)
    }
    // One bank behind both: the second replica's read was served from the shared cache.
    const stats = (await (await request(`${sandbox.url}/sandbox/stats`)).body.json()) as {
      keys: { psuId: string; method: string; batch: number }[]
    }
    const leaBalances = stats.keys.filter((k) => k.psuId === '9999999901' && k.method === 'balances')
    expect(leaBalances.reduce((n, k) => n + k.batch, 0)).toBe(2) // two accounts, read once for both replicas
  }, 120_000)
})
