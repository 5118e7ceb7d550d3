/**
 * Callers end to end (issue 14): real HTTP → gateway → embedded sandbox bank, with a real identity provider (JWKS
 * over http on port 0, accepted in sandbox mode beside the development tokens). The sandbox's own counters are the
 * referee: a present call is one that reached the bank with `PSU-IP-Address`, and the sandbox records the address.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { UnsecuredJWT } from 'jose'
import { request } from 'undici'
import { sha256Hex } from '../../src/auth/trusted-documents.js'
import type { SandboxBank } from '../../src/sandbox/sandbox-bank.js'
import { startIdentityProvider, type TestIdentityProvider } from '../support/identity-provider.js'
import { countCalls } from '../support/sandbox-counts.js'
import { CLAIRE, GEORGES, GILLES, LEA, MARC, TECHNCO } from '../support/sandbox-personas.js'
import { startTestGateway, type GraphQLResponse, type TestGateway } from '../support/test-gateway.js'

const IDENTITY = '{ identity { fullName } }'
const ACCOUNTS = 'query PartnerAccounts { accounts { iban } }'
/** Registered for the partner `partner-a` alone (TRUSTED_DOCUMENTS `partner-a=…`). */
const OVERDRAFTS = 'query PartnerOverdrafts { accounts { iban overdraft { allowedAmount { amount } } } }'

let idp: TestIdentityProvider
let direct: TestGateway
let proxied: TestGateway
let manifestDir: string

function sandboxOf(t: TestGateway): SandboxBank {
  const s = t.gateway.sandbox
  if (s === undefined) throw new Error('the test gateway runs an embedded sandbox')
  return s
}

/** The PSU-IP-Address values the sandbox saw for a PSU. */
function addressesSeen(t: TestGateway, psuId: string): string[] {
  return [
    ...new Set(
      sandboxOf(t)
        .stats()
        .keys.flatMap((k) => (k.psuId === psuId ? k.psuIpAddresses : [])),
    ),
  ]
}

/** One request, and the calls it made reach the bank for this PSU, by the sandbox's count. */
async function attempt(
  t: TestGateway,
  psuId: string,
  token: string,
  headers: Record<string, string> = {},
  query = IDENTITY,
): Promise<{ res: GraphQLResponse; batch: number; present: number }> {
  const before = countCalls(sandboxOf(t), { psuId })
  const res = await t.query(query, { token, headers })
  const after = countCalls(sandboxOf(t), { psuId })
  return {
    res,
    batch: after.batch + after.refused - before.batch - before.refused,
    present: after.present - before.present,
  }
}

async function post(t: TestGateway, body: unknown, token?: string, headers: Record<string, string> = {}) {
  const res = await request(`${t.gateway.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...headers,
    },
    body: JSON.stringify(body),
  })
  const text = await res.body.text()
  return { status: res.statusCode, text, json: JSON.parse(text) as Omit<GraphQLResponse, 'status'> }
}

const idpToken = (claims: Record<string, unknown>) => idp.sign(claims)

beforeAll(async () => {
  idp = await startIdentityProvider()
  manifestDir = await mkdtemp(path.join(tmpdir(), 'stetgw-callers-'))
  const manifest = path.join(manifestDir, 'persisted-documents.json')
  await writeFile(manifest, JSON.stringify({ [sha256Hex(ACCOUNTS)]: ACCOUNTS }))
  const partnerA = path.join(manifestDir, 'partner-a.json')
  await writeFile(partnerA, JSON.stringify({ [sha256Hex(OVERDRAFTS)]: OVERDRAFTS }))
  const auth = {
    AUTH_JWKS_URL: idp.jwksUrl,
    AUTH_ISSUER: idp.issuer,
    AUTH_AUDIENCE: idp.audience,
    AUTH_PRESENT_CLAIM: 'scope:psu_present',
  }
  // `direct`: callers connect straight to it; its only trusted proxies are elsewhere, so loopback peers are not.
  // `proxied`: the test client stands for a reverse proxy on loopback; partners must use trusted documents.
  ;[direct, proxied] = await Promise.all([
    startTestGateway({ ...auth, TRUSTED_PROXIES: '10.0.0.0/8, fd00::/8' }),
    startTestGateway({
      ...auth,
      TRUSTED_PROXIES: '127.0.0.0/8, ::1',
      TRUSTED_DOCUMENTS: `${manifest},partner-a=${partnerA}`,
    }),
  ])
})
afterAll(async () => {
  await Promise.all([direct?.close(), proxied?.close(), idp?.stop()])
  await rm(manifestDir, { recursive: true, force: true })
})

describe('forged presence never reaches the bank as a present call', () => {
  it('a partner sending PSU-IP-Address and X-Forwarded-For: one unattended call, no present call', async () => {
    const forged = { 'psu-ip-address': '198.51.100.66', 'x-forwarded-for': '198.51.100.66' }
    const dev = await attempt(direct, LEA, await direct.gateway.devToken(LEA), forged)
    expect(dev).toMatchObject({ batch: 1, present: 0 })
    const viaIdp = await attempt(direct, CLAIRE, await idpToken({ sub: CLAIRE, scope: 'aisp' }), forged)
    expect(viaIdp).toMatchObject({ batch: 1, present: 0 })
    expect(addressesSeen(direct, LEA)).toEqual([])
    expect(addressesSeen(direct, CLAIRE)).toEqual([])
  })

  it("a partner token with the present claim's look-alikes is a partner", async () => {
    const lookAlikes: [string, Record<string, unknown>][] = [
      [GEORGES, { scope: 'aisp psu_present_x' }],
      [GILLES, { scope: ['PSU_PRESENT', 'psu_present '], psu_present: true, present: true }],
      [MARC, { scp: 'psu_present', scope: 'psu_presentpsu_present' }],
    ]
    for (const [psuId, claims] of lookAlikes) {
      const r = await attempt(direct, psuId, await idpToken({ sub: psuId, ...claims }), {
        'x-forwarded-for': '198.51.100.66',
      })
      expect({ psuId, batch: r.batch, present: r.present }).toEqual({ psuId, batch: 1, present: 0 })
      expect(r.res.extensions?.unattendedBankCalls).toBe(1)
    }
  })

  it("from an untrusted peer, X-Forwarded-For is ignored: a present PSU's call carries the socket's address", async () => {
    const token = await idpToken({ sub: TECHNCO, scope: 'aisp psu_present' })
    const r = await attempt(direct, TECHNCO, token, {
      'x-forwarded-for': '198.51.100.7',
      'psu-ip-address': '198.51.100.7',
    })
    expect(r).toMatchObject({ batch: 0, present: 1 })
    expect(addressesSeen(direct, TECHNCO)).toEqual(['127.0.0.1'])
  })

  it('through a trusted proxy, a partner with X-Forwarded-For is still a partner', async () => {
    const r = await attempt(
      proxied,
      GEORGES,
      await proxied.gateway.devToken(GEORGES),
      {
        'x-forwarded-for': '198.51.100.7',
      },
      ACCOUNTS,
    )
    expect(r.present).toBe(0)
    expect(r.res.errors).toBeUndefined()
    expect(addressesSeen(proxied, GEORGES)).toEqual([])
  })
})

describe('behind a trusted proxy', () => {
  it("a present PSU's call carries the client address X-Forwarded-For gives, read right to left", async () => {
    const token = await idpToken({ sub: LEA, scope: 'psu_present' })
    const r = await attempt(proxied, LEA, token, { 'x-forwarded-for': '6.6.6.6, 198.51.100.7' })
    expect(r).toMatchObject({ batch: 0, present: 1 })
    expect(r.res.extensions?.unattendedBankCalls).toBe(0)
    // 6.6.6.6 is what the client wrote; 198.51.100.7 is what our proxy saw. Never the proxy's own address.
    expect(addressesSeen(proxied, LEA)).toEqual(['198.51.100.7'])
  })

  it('with no client hop before the proxy, the PSU counts as absent: an unattended call, no present one', async () => {
    const token = await proxied.gateway.devToken(CLAIRE, { present: true })
    const r = await attempt(proxied, CLAIRE, token)
    expect(r).toMatchObject({ batch: 1, present: 0 })
    expect(addressesSeen(proxied, CLAIRE)).toEqual([])
  })
})

describe('trusted documents (TRUSTED_DOCUMENTS) for partners', () => {
  const id = sha256Hex(ACCOUNTS)
  const apq = (sha256Hash: string) => ({ persistedQuery: { version: 1, sha256Hash } })

  it('a registered document runs by APQ hash, by documentId, or by its text', async () => {
    const token = await idpToken({ sub: LEA })
    for (const body of [
      { extensions: apq(id) },
      { documentId: `sha256:${id}` },
      { query: ACCOUNTS },
      { query: ACCOUNTS, extensions: apq(id) },
    ]) {
      const res = await post(proxied, body, token)
      expect(res.status).toBe(200)
      expect(res.json.errors).toBeUndefined()
      expect((res.json.data?.accounts as unknown[]).length).toBeGreaterThan(0)
    }
  })

  it('an unregistered document is refused before it runs (no bank call); an unknown id is PERSISTED_QUERY_NOT_FOUND', async () => {
    const token = await proxied.gateway.devToken(GILLES)
    const before = sandboxOf(proxied).stats().totals
    const text = await post(proxied, { query: IDENTITY }, token)
    expect(text.status).toBe(400)
    expect(text.json.errors?.[0]?.extensions).toEqual({ code: 'OPERATION_NOT_ALLOWED' })
    const unknown = await post(proxied, { extensions: apq(sha256Hex(IDENTITY)) }, token)
    expect(unknown.json.errors?.[0]?.extensions).toEqual({ code: 'PERSISTED_QUERY_NOT_FOUND' })
    const mismatch = await post(proxied, { query: IDENTITY, extensions: apq(id) }, token)
    expect(mismatch.json.errors?.[0]?.extensions).toEqual({ code: 'OPERATION_NOT_ALLOWED' })
    expect(sandboxOf(proxied).stats().totals).toEqual(before)
  })

  it('frontends are not restricted, and what a frontend registers through APQ does not become a partner document', async () => {
    const frontend = await idpToken({ sub: MARC, scope: 'psu_present' })
    const xff = { 'x-forwarded-for': '198.51.100.9' }
    const registered = await post(proxied, { query: IDENTITY, extensions: apq(sha256Hex(IDENTITY)) }, frontend, xff)
    expect(registered.json.errors?.map((e) => e.extensions?.code) ?? []).not.toContain('OPERATION_NOT_ALLOWED')
    expect(registered.json.data).toHaveProperty('identity')
    // Apollo's APQ cache now holds it for anyone who sends the hash; a partner is still refused.
    expect((await post(proxied, { extensions: apq(sha256Hex(IDENTITY)) }, frontend, xff)).json.data).toHaveProperty(
      'identity',
    )
    const partner = await post(proxied, { extensions: apq(sha256Hex(IDENTITY)) }, await idpToken({ sub: MARC }))
    expect(partner.json.errors?.[0]?.extensions).toEqual({ code: 'PERSISTED_QUERY_NOT_FOUND' })
  })
})

describe('trusted documents per partner (TRUSTED_DOCUMENTS client=file, the client_id claim)', () => {
  const id = sha256Hex(OVERDRAFTS)
  const apq = { persistedQuery: { version: 1, sha256Hash: id } }

  it("a partner runs its own documents and the shared ones; another partner's are refused before any bank call", async () => {
    for (const token of [
      await idpToken({ sub: LEA, client_id: 'partner-a' }),
      await proxied.gateway.devToken(LEA, { clientId: 'partner-a' }),
    ]) {
      for (const body of [{ extensions: apq }, { query: OVERDRAFTS }, { query: ACCOUNTS }]) {
        const res = await post(proxied, body, token)
        expect(res.json.errors).toBeUndefined()
        expect((res.json.data?.accounts as unknown[]).length).toBeGreaterThan(0)
      }
    }
    const others = [
      await idpToken({ sub: LEA, client_id: 'partner-b' }), // another partner
      await idpToken({ sub: LEA }), // no client named: the shared documents only
      await idpToken({ sub: LEA, client_id: ['partner-a'] }), // not a string: no client
      await proxied.gateway.devToken(LEA, { clientId: 'partner-b' }),
    ]
    for (const token of others) {
      const before = sandboxOf(proxied).stats().totals
      expect((await post(proxied, { query: OVERDRAFTS }, token)).json.errors?.[0]?.extensions).toEqual({
        code: 'OPERATION_NOT_ALLOWED',
      })
      expect((await post(proxied, { extensions: apq }, token)).json.errors?.[0]?.extensions).toEqual({
        code: 'PERSISTED_QUERY_NOT_FOUND',
      })
      expect(sandboxOf(proxied).stats().totals).toEqual(before)
      // The shared list still applies to them.
      expect((await post(proxied, { query: ACCOUNTS }, token)).json.errors).toBeUndefined()
    }
  })
})

describe('bad tokens', () => {
  it('are HTTP 401 with UNAUTHENTICATED, no stack trace, and no bank call', async () => {
    const iat = Math.floor(Date.now() / 1000)
    const none = new UnsecuredJWT({ sub: LEA, scope: 'psu_present' })
      .setIssuer(idp.issuer)
      .setAudience(idp.audience)
      .setIssuedAt(iat)
      .setExpirationTime(iat + 600)
      .encode()
    const expired = await idp.sign({ sub: LEA, iat: iat - 7200, exp: iat - 3600 })
    const otherAudience = await idp.sign({ sub: LEA, aud: 'someone-else' })
    const before = sandboxOf(direct).stats().totals
    for (const token of [undefined, 'garbage', none, expired, otherAudience]) {
      const res = await post(direct, { query: IDENTITY }, token)
      expect(res.status).toBe(401)
      expect(res.json.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED' })
      expect(res.text).not.toMatch(/\bat \S+ \(|\.ts:\d+|stack/i)
    }
    expect(sandboxOf(direct).stats().totals).toEqual(before)
  })
})
