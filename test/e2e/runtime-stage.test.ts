/**
 * The Dockerfile's runtime stage, replayed in a folder (no Docker engine on these machines): package.json +
 * package-lock.json + dist/, `npm ci --omit=dev`, `node dist/main.js`. GraphiQL must load and a persona's query work
 * with production dependencies only. The replay is read from the Dockerfile (its runtime stage's copies, install and
 * command), so the two cannot drift apart, and the image's HEALTHCHECK command is run against the replayed gateway.
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

/** The Dockerfile's runtime stage: its instructions (continuation lines joined), from `FROM … AS runtime` on. */
async function runtimeStage(): Promise<string[]> {
  const text = (await readFile(path.join(root, 'Dockerfile'), 'utf8')).replace(/\\\n\s*/g, ' ')
  const lines = text.split('\n').filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'))
  const start = lines.findIndex((l) => /^FROM \S+ AS runtime$/i.test(l.trim()))
  expect(start).toBeGreaterThan(0)
  return lines.slice(start + 1).map((l) => l.trim())
}

beforeAll(async () => {
  // What the replay below does is what the runtime stage says, instruction by instruction.
  const stage = await runtimeStage()
  expect(stage.filter((l) => l.startsWith('COPY '))).toEqual([
    'COPY package.json package-lock.json ./',
    'COPY --from=build /app/dist ./dist',
  ])
  expect(stage.filter((l) => l.startsWith('RUN '))).toEqual([
    expect.stringMatching(/^RUN npm ci --omit=dev --no-audit --no-fund && /),
  ])
  expect(stage).toContain('ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000 DATA_DIR=/data')
  expect(stage).toContain('CMD ["node", "--no-memory-reducer", "dist/main.js"]')
  folder = await mkdtemp(path.join(tmpdir(), 'stetgw-runtime-'))
  for (const file of ['package.json', 'package-lock.json']) await cp(path.join(root, file), path.join(folder, file))
  await cp(path.join(root, 'dist'), path.join(folder, 'dist'), { recursive: true })
  await promisify(execFile)('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--ignore-scripts=false'], {
    cwd: folder,
    env: { ...process.env, NODE_ENV: 'production' },
  })
  dataDir = await seedDataDir()
  gateway = await spawnGateway(
    // NODE_PATH emptied: nothing outside the folder may be resolved.
    { DATA_DIR: dataDir, NODE_ENV: 'production', GRAPHIQL: 'true', STET_BASE_URL: '', STORE_URL: '', NODE_PATH: '' },
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
    // Every package the lock file marks dev-only (graphiql, react, typescript, jest and what they pull in).
    const lock = JSON.parse(await readFile(path.join(folder, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean }>
    }
    const devOnly = Object.entries(lock.packages).filter(([, p]) => p.dev === true)
    expect(devOnly.map(([name]) => name)).toEqual(
      expect.arrayContaining(['node_modules/graphiql', 'node_modules/react']),
    )
    const installed: string[] = []
    for (const [name] of devOnly)
      if ((await stat(path.join(folder, name)).catch(() => undefined)) !== undefined) installed.push(name)
    expect(installed).toEqual([])
    const pkg = JSON.parse(await readFile(path.join(folder, 'package.json'), 'utf8')) as { dependencies: object }
    expect(Object.keys(pkg.dependencies)).toContain('node-forge')
  })

  it('serves GraphiQL from dist/ and answers a persona query', async () => {
    const url = gateway?.url ?? ''
    const page = await request(`${url}/graphiql`)
    expect(page.statusCode).toBe(200)
    const html = await page.body.text()
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '')
    expect(refs.length).toBeGreaterThanOrEqual(4)
    for (const ref of refs) {
      expect(ref.startsWith('/graphiql/assets/')).toBe(true)
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

  it("the image's HEALTHCHECK command passes against it", async () => {
    const healthcheck = (await runtimeStage()).find((l) => l.startsWith('HEALTHCHECK '))
    const command = JSON.parse(/ CMD (\[.*\])$/.exec(healthcheck ?? '')?.[1] ?? '[]') as string[]
    expect(command.slice(0, 2)).toEqual(['node', '-e'])
    const port = new URL(gateway?.url ?? '').port
    // Exit code 0 is the check passing (execFile rejects on any other).
    await promisify(execFile)(process.execPath, command.slice(1), { cwd: folder, env: { ...process.env, PORT: port } })
  })
})
