/**
 * The Dockerfile's runtime stage, replayed in a folder (no Docker engine on these machines): package.json +
 * package-lock.json + dist/, `npm ci --omit=dev`, `node dist/main.js`. GraphiQL must load and a persona's query work
 * with production dependencies only.
 */
import { execFile } from 'node:child_process'
import { cp, mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { request } from 'undici'
import { issueDevToken, loadOrCreateDevSigningKey } from '../../src/auth/dev-token.js'
import { spawnGateway, type GatewayProcess } from '../support/processes.js'
import { postGraphQL, seedDataDir } from '../support/test-gateway.js'

const root = new URL('../../', import.meta.url).pathname
let folder = ''
let dataDir = ''
let gateway: GatewayProcess | undefined

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'stetgw-runtime-'))
  for (const file of ['package.json', 'package-lock.json']) await cp(path.join(root, file), path.join(folder, file))
  await cp(path.join(root, 'dist'), path.join(folder, 'dist'), { recursive: true })
  await promisify(execFile)('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--ignore-scripts=false'], {
    cwd: folder,
    env: { ...process.env, NODE_ENV: 'production' },
  })
  dataDir = await seedDataDir()
  gateway = await spawnGateway(
    { DATA_DIR: dataDir, NODE_ENV: 'production', GRAPHIQL: 'true', STET_BASE_URL: '', STORE_URL: '' },
    { cwd: folder },
  )
}, 300_000)

afterAll(async () => {
  await gateway?.stop()
  await rm(folder, { recursive: true, force: true })
  await rm(dataDir, { recursive: true, force: true })
})

describe('the runtime stage (npm ci --omit=dev + dist/)', () => {
  it('holds no development package', async () => {
    for (const dev of ['graphiql', 'react', 'typescript', 'jest'])
      expect(await stat(path.join(folder, 'node_modules', dev)).catch(() => undefined)).toBeUndefined()
    const pkg = JSON.parse(await readFile(path.join(folder, 'package.json'), 'utf8')) as { dependencies: object }
    expect(Object.keys(pkg.dependencies)).toContain('node-forge')
  })

  it('serves GraphiQL from dist/ and answers a persona query', async () => {
    const url = gateway?.url ?? ''
    const page = await request(`${url}/graphiql`)
    expect(page.statusCode).toBe(200)
    const html = await page.body.text()
    for (const ref of [...html.matchAll(/(?:src|href)="(\/graphiql\/assets\/[^"]+)"/g)].map((m) => m[1] ?? '')) {
      const asset = await request(`${url}${ref}`)
      expect(asset.statusCode).toBe(200)
      expect((await asset.body.arrayBuffer()).byteLength).toBeGreaterThan(1000)
    }
    const token = await issueDevToken(
      await loadOrCreateDevSigningKey(dataDir),
      { psuId: '9999999901', present: false, banks: [] },
      { clock: Date.now, ttlSeconds: 600 },
    )
    const res = await postGraphQL(url, '{ accounts { iban balances { amount { amount } } } }', { token })
    expect(res.errors).toBeUndefined()
    expect(res.data?.accounts).toContainEqual({
      iban: 'FR7617515000920400430518020',
      balances: [{ amount: { amount: '-150.00' } }],
    })
    expect((await request(`${url}/readyz`)).statusCode).toBe(200)
  })
})
