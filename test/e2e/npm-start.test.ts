/**
 * What a newcomer does on a fresh clone: `npm start` (the built entry it runs, and once `npm start` itself), a token
 * from `npm run token`, a query for LEA's account and balance, and GraphiQL served entirely from local assets (no
 * internet).
 */
import { execFile, spawn } from 'node:child_process'
import { rm } from 'node:fs/promises'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { request } from 'undici'
import { spawnGateway, type GatewayProcess } from '../support/processes.js'
import { postGraphQL, seedDataDir } from '../support/test-gateway.js'

const root = new URL('../../', import.meta.url).pathname
let gateway: GatewayProcess
let baseUrl = ''
let dataDir = ''

beforeAll(async () => {
  dataDir = await seedDataDir()
  // The defaults `npm start` runs with: the embedded sandbox, the embedded store.
  gateway = await spawnGateway({ DATA_DIR: dataDir, STET_BASE_URL: '', STORE_URL: '' })
  baseUrl = gateway.url
}, 90_000)

afterAll(async () => {
  await gateway.stop()
  await rm(dataDir, { recursive: true, force: true })
})

describe('npm start on the embedded sandbox', () => {
  it("answers LEA's account and balance with a token from `npm run token`", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['dist/auth/dev-token-cli.js', '--psu', '9999999901'],
      {
        cwd: root,
        env: { ...process.env, DATA_DIR: dataDir },
      },
    )
    const token = stdout.trim()
    const res = await postGraphQL(baseUrl, '{ accounts { iban name balances { amount { amount currency } } } }', {
      token,
    })
    expect(res.errors).toBeUndefined()
    expect(res.data?.accounts).toContainEqual({
      iban: 'FR7617515000920400430518020',
      name: 'LEA SANDBOXA',
      balances: [{ amount: { amount: '-150.00', currency: 'EUR' } }],
    })
  })

  it('`npm run -s token` prints the token alone; --help answers; a bad option is one line, exit 2', async () => {
    const run = promisify(execFile)
    const { stdout } = await run('npm', ['run', '-s', 'token', '--', '--psu', '9999999901'], {
      cwd: root,
      env: { ...process.env, DATA_DIR: dataDir },
    })
    expect(stdout).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n$/)
    const help = await run(process.execPath, ['dist/auth/dev-token-cli.js', '--help'], { cwd: root })
    expect(help.stdout).toMatch(/^usage: npm run -s token -- --psu/)
    // --client: a partner token for one OAuth client (its own TRUSTED_DOCUMENTS), as the README's recipe makes it.
    const client = await run(
      process.execPath,
      ['dist/auth/dev-token-cli.js', '--psu', '9999999901', '--client', 'partner-a'],
      { cwd: root, env: { ...process.env, DATA_DIR: dataDir } },
    )
    const payload = JSON.parse(Buffer.from(client.stdout.trim().split('.')[1] ?? '', 'base64url').toString('utf8'))
    expect(payload).toMatchObject({ sub: '9999999901', client_id: 'partner-a', present: false })
    const bad = await run(process.execPath, ['dist/auth/dev-token-cli.js', '--nope'], { cwd: root }).catch(
      (error: { code: number; stderr: string }) => error,
    )
    expect((bad as { code: number }).code).toBe(2)
    expect((bad as { stderr: string }).stderr).not.toMatch(/\n\s+at /) // no stack trace
    // `npm run token` builds first when dist/ is older than the sources (a source edited during the run): tsc's time.
  }, 120_000)

  it('`npm start` itself, as the README says: the gateway on the embedded sandbox, linking the personas', async () => {
    const own = await seedDataDir()
    // Its own process group: npm, the shell it runs the script in, and node are stopped together, by this id.
    const child = spawn('npm', ['start'], {
      cwd: root,
      env: { ...process.env, DATA_DIR: own, PORT: '0', HOST: '127.0.0.1', STET_BASE_URL: '', STORE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = ''
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString()
          const m = /GraphQL:\s+(http:\/\/\S+)\/graphql/.exec(out)
          if (m?.[1] !== undefined) resolve(m[1])
        })
        child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()))
        void exited.then((code) => reject(new Error(`npm start exited with ${String(code)}: ${out}`)))
      })
      expect((await request(`${url}/healthz`)).statusCode).toBe(200)
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['dist/auth/dev-token-cli.js', '--psu', '9999999901'],
        { cwd: root, env: { ...process.env, DATA_DIR: own } },
      )
      const res = await postGraphQL(url, '{ accounts { iban } }', { token: stdout.trim() })
      expect(res.errors).toBeUndefined()
      expect(res.data?.accounts).toContainEqual({ iban: 'FR7617515000920400430518020' })
    } finally {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM')
      await exited
      await rm(own, { recursive: true, force: true })
    }
  }, 90_000)

  it('serves GraphiQL with only local assets, opening on an example and a persona header', async () => {
    const page = await request(`${baseUrl}/graphiql`)
    expect(page.statusCode).toBe(200)
    const html = await page.body.text()
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '')
    expect(refs.length).toBeGreaterThanOrEqual(4)
    for (const ref of refs) {
      expect(ref.startsWith('/graphiql/assets/')).toBe(true)
      const asset = await request(`${baseUrl}${ref}`)
      expect(asset.statusCode).toBe(200)
      expect((await asset.body.arrayBuffer()).byteLength).toBeGreaterThan(1000)
    }
    expect(html).not.toMatch(/https?:\/\/(?!localhost)[a-z0-9.-]+\.[a-z]{2,}\//i)
    expect(html).toContain('query Dashboard')
    expect(html).toContain('Bearer ey')
  })
})
