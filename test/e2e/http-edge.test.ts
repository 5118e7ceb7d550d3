/**
 * The HTTP edge (issue 14, "HTTP" and "Production mode"): GET for queries without a preflight header, CSRF kept for
 * cookie-bearing requests, CORS by allow-list, the node:http server's own bounds, GraphiQL's development token only
 * to a loopback client in sandbox mode, production mode, the response byte budget and the operation deadline.
 */
import { connect, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { request } from 'undici'
import { loadConfig } from '../../src/config/config.js'
import { startGateway } from '../../src/server.js'
import { startExternalSandbox } from '../support/external-sandbox.js'
import { countCalls } from '../support/sandbox-counts.js'
import { LEA } from '../support/sandbox-personas.js'
import { seedDataDir, startTestGateway, type TestGateway } from '../support/test-gateway.js'

const QUERY = '{ accounts { iban } }'

async function get(
  t: TestGateway,
  query: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, unknown>; body: Record<string, unknown> }> {
  const res = await request(`${t.gateway.url}/graphql?${new URLSearchParams({ query }).toString()}`, { headers })
  return { status: res.statusCode, headers: res.headers, body: (await res.body.json()) as Record<string, unknown> }
}

describe('default settings', () => {
  let t: TestGateway
  let token: string
  beforeAll(async () => {
    t = await startTestGateway()
    token = await t.gateway.devToken(LEA)
  })
  afterAll(async () => {
    await t.close()
  })

  it('HOST defaults to 127.0.0.1 (the Dockerfile sets 0.0.0.0)', () => {
    expect(loadConfig({}).http.host).toBe('127.0.0.1')
  })

  it('a GET query needs no preflight header: a bearer header cannot be forged cross-site', async () => {
    const res = await get(t, QUERY, { authorization: `Bearer ${token}` })
    expect(res.status).toBe(200)
    expect(res.body.errors).toBeUndefined()
    expect((res.body.data as { accounts: unknown[] }).accounts.length).toBeGreaterThan(0)
  })

  it('a request carrying cookies must be preflighted (CSRF), GET or form-like POST', async () => {
    const withCookie = await get(t, QUERY, { authorization: `Bearer ${token}`, cookie: 'session=1' })
    expect(withCookie.status).toBe(400)
    expect((withCookie.body.errors as { extensions: { code: string } }[])[0]?.extensions.code).toBe('BAD_REQUEST')
    const preflighted = await get(t, QUERY, {
      authorization: `Bearer ${token}`,
      cookie: 'session=1',
      'apollo-require-preflight': 'true',
    })
    expect(preflighted.status).toBe(200)
    const form = await request(`${t.gateway.url}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, cookie: 'session=1', 'content-type': 'text/plain' },
      body: JSON.stringify({ query: QUERY }),
    })
    expect(form.statusCode).toBe(400)
    await form.body.dump()
  })

  it('no CORS_ORIGINS: no Access-Control-Allow-Origin, and a preflight is refused', async () => {
    const res = await get(t, QUERY, { authorization: `Bearer ${token}`, origin: 'https://evil.example' })
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
    const preflight = await request(`${t.gateway.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    })
    expect(preflight.statusCode).toBe(403)
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined()
    await preflight.body.dump()
  })

  it('GraphiQL embeds the development token for a loopback client only, never through a proxy', async () => {
    const local = await request(`${t.gateway.url}/graphiql`)
    expect(local.headers['cache-control']).toBe('no-store')
    expect(await local.body.text()).toMatch(/Bearer ey/)
    const proxied = await request(`${t.gateway.url}/graphiql`, { headers: { 'x-forwarded-for': '203.0.113.9' } })
    const page = await proxied.body.text()
    expect(page).not.toMatch(/Bearer ey/)
    expect(page).toContain('npm run token')
  })

  it('introspection and the standard directives work outside production', async () => {
    const res = await t.query(
      '{ __schema { directives { name } } a: __typename @skip(if: true) b: __typename @include(if: true) }',
      { token },
    )
    expect(res.errors).toBeUndefined()
    const names = (res.data?.__schema as { directives: { name: string }[] }).directives.map((d) => d.name)
    expect(names).toEqual(expect.arrayContaining(['skip', 'include', 'deprecated', 'specifiedBy', 'cacheOnly']))
    expect(res.data).toMatchObject({ b: 'Query' })
    expect(res.data).not.toHaveProperty('a')
  })
})

describe('CORS_ORIGINS', () => {
  let t: TestGateway
  beforeAll(async () => {
    t = await startTestGateway({ CORS_ORIGINS: 'https://app.example.com', SANDBOX_PERSONAS: 'false' })
  })
  afterAll(async () => {
    await t.close()
  })

  it('an allowed origin gets its preflight and its Allow-Origin; another gets neither', async () => {
    const preflight = await request(`${t.gateway.url}/graphql`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    })
    expect(preflight.statusCode).toBe(204)
    expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example.com')
    expect(String(preflight.headers['access-control-allow-headers'])).toContain('authorization')
    expect(preflight.headers['access-control-allow-credentials']).toBeUndefined()
    await preflight.body.dump()
    const token = await t.gateway.devToken(LEA)
    const allowed = await get(t, '{ __typename }', {
      authorization: `Bearer ${token}`,
      origin: 'https://app.example.com',
    })
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com')
    expect(allowed.headers.vary).toContain('Origin')
    const other = await get(t, '{ __typename }', {
      authorization: `Bearer ${token}`,
      origin: 'https://other.example.com',
    })
    expect(other.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('CORS_ORIGINS must be origins', () => {
    expect(() => loadConfig({ CORS_ORIGINS: 'https://app.example.com/path' })).toThrow(/CORS_ORIGINS must list origins/)
  })
})

describe('production mode (NODE_ENV=production)', () => {
  let t: TestGateway
  let token: string
  beforeAll(async () => {
    t = await startTestGateway({ NODE_ENV: 'production', SANDBOX_PERSONAS: 'false' })
    token = await t.gateway.devToken(LEA)
  })
  afterAll(async () => {
    await t.close()
  })

  it('introspection is refused and field suggestions are not given', async () => {
    const introspection = await t.query('{ __schema { types { name } } }', { token })
    expect(introspection.status).toBe(400)
    expect(introspection.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED')
    const typo = await t.query('{ acounts { iban } }', { token })
    expect(typo.errors?.[0]?.message).not.toMatch(/Did you mean/)
  })

  it('GraphiQL is off', async () => {
    const res = await request(`${t.gateway.url}/graphiql`)
    expect(res.statusCode).toBe(404)
    await res.body.dump()
  })

  it('STET_ENVIRONMENT=live is production too; GRAPHIQL=true brings GraphiQL back', () => {
    const live = {
      STET_ENVIRONMENT: 'live',
      STET_CLIENT_ID: 'PSDFR-ACPR-13807',
      STET_QSEALC_KEY_FILE: '/k.pem',
      STET_QWAC_CERT_FILE: '/c.pem',
      STET_QWAC_KEY_FILE: '/ck.pem',
      AUTH_PUBLIC_KEYS: '/keys/idp.pem',
      AUTH_ISSUER: 'https://idp.example',
      AUTH_AUDIENCE: 'stet-gateway',
      TOKEN_ENCRYPTION_KEYS: `k1:${'A'.repeat(43)}`,
    }
    expect(loadConfig(live)).toMatchObject({ production: true, http: { graphiql: false } })
    expect(loadConfig({ ...live, GRAPHIQL: 'true' }).http.graphiql).toBe(true)
    expect(loadConfig({}).production).toBe(false)
  })
})

describe('the server bounds', () => {
  let t: TestGateway
  beforeAll(async () => {
    t = await startTestGateway({
      HTTP_HEADERS_TIMEOUT_MS: '300',
      HTTP_MAX_CONNECTIONS: '2',
      LIMIT_RESPONSE_BYTES: '2000',
      SANDBOX_PERSONAS: 'false',
    })
  })
  afterAll(async () => {
    await t.close()
  })

  const open = (): Promise<Socket> =>
    new Promise((resolve, reject) => {
      const socket = connect(t.gateway.port, '127.0.0.1', () => resolve(socket))
      socket.once('error', reject)
    })
  const closed = (socket: Socket): Promise<string> =>
    new Promise((resolve) => {
      let text = ''
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()))
      socket.once('close', () => resolve(text))
    })

  it('a client that never finishes its headers is cut off (HTTP_HEADERS_TIMEOUT_MS)', async () => {
    const socket = await open()
    socket.write('POST /graphql HTTP/1.1\r\nHost: x\r\n')
    expect(await closed(socket)).toMatch(/^HTTP\/1.1 408/)
  })

  it('connections past HTTP_MAX_CONNECTIONS are dropped; the others are served', async () => {
    // Let the server finish closing the previous test's socket: it counts until its own 'close'.
    await new Promise((resolve) => setTimeout(resolve, 300))
    const sockets = [await open(), await open(), await open()]
    const answers = sockets.map(closed)
    for (const s of sockets) s.write('GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    const texts = await Promise.all(answers)
    expect(
      texts.map((text) => (/^HTTP\/1.1 200/.test(text) ? 'served' : text === '' ? 'dropped' : text)).sort(),
    ).toEqual(['dropped', 'served', 'served'])
  })

  it('a response over LIMIT_RESPONSE_BYTES is dropped whole, with RESPONSE_TOO_LARGE and no bank call', async () => {
    const token = await t.gateway.devToken(LEA)
    const sandbox = t.gateway.sandbox
    if (sandbox === undefined) throw new Error('embedded sandbox expected')
    const before = countCalls(sandbox, { psuId: LEA }).total
    const res = await t.query('{ __schema { types { name fields { name } } } }', { token })
    expect(res.errors?.[0]?.extensions).toEqual({ code: 'RESPONSE_TOO_LARGE', maxBytes: 2000 })
    expect(res.data).toBeNull()
    expect(countCalls(sandbox, { psuId: LEA }).total).toBe(before)
  })
})

describe('LIMIT_OPERATION_TIMEOUT_MS', () => {
  it('a slow operation is answered OPERATION_TIMEOUT, and no bank read starts for it afterwards', async () => {
    const bank = await startExternalSandbox(undefined, { latencyMs: 600 })
    const dataDir = await seedDataDir()
    const gateway = await startGateway(
      loadConfig({
        DATA_DIR: dataDir,
        PORT: '0',
        LOG_LEVEL: 'silent',
        STET_BASE_URL: bank.url,
        SANDBOX_PERSONAS: 'true',
        SANDBOX_PERSONA_IDS: LEA,
        LIMIT_OPERATION_TIMEOUT_MS: '300',
      }),
    )
    try {
      // Present: the account list goes to the bank (600 ms) and the balances would follow it.
      const token = await gateway.devToken(LEA, { present: true })
      const res = await request(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ accounts { iban balances { type } } }' }),
      })
      expect(res.statusCode).toBe(503)
      const body = (await res.body.json()) as { errors: { extensions: { code: string } }[] }
      expect(body.errors[0]?.extensions.code).toBe('OPERATION_TIMEOUT')
      // The account list in flight ends (600 ms); the balances it would have led to never start.
      await new Promise((resolve) => setTimeout(resolve, 1_500))
      expect(countCalls(bank, { psuId: LEA, method: 'accounts' }).present).toBe(1)
      expect(countCalls(bank, { psuId: LEA, method: 'balances' }).total).toBe(0)
    } finally {
      await gateway.close()
      await bank.close()
    }
  }, 60_000)
})
