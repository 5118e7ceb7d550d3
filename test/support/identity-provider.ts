/**
 * A real identity provider for the caller tests: its own key pairs, a JWKS served over HTTP on port 0 (stoppable,
 * so tests can take the endpoint down), and a signer for tokens with any claims and header.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose'

export interface IdpKey {
  readonly kid: string
  readonly alg: string
  readonly privateKey: CryptoKey
  readonly publicJwk: JWK
  readonly publicPem: string
}

export interface TestIdentityProvider {
  /** The JWKS URL (`http://127.0.0.1:<port>/jwks.json`). */
  readonly jwksUrl: string
  readonly issuer: string
  readonly audience: string
  /** JWKS requests the endpoint answered. */
  readonly jwksRequests: number
  /** The keys the JWKS publishes. */
  readonly published: IdpKey[]
  newKey(alg: 'RS256' | 'ES256', kid: string): Promise<IdpKey>
  /** Signs `claims` (iss, aud, iat, exp 10 min by default, unless given: `undefined` removes one). */
  sign(claims: JWTPayload, options?: { key?: IdpKey; kid?: string | null; typ?: string; now?: number }): Promise<string>
  /** Closes the JWKS endpoint (connections refused from now on). */
  stop(): Promise<void>
}

export async function startIdentityProvider(
  options: { issuer?: string; audience?: string } = {},
): Promise<TestIdentityProvider> {
  const published: IdpKey[] = []
  let jwksRequests = 0
  const server: Server = createServer((req, res) => {
    jwksRequests++
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ keys: published.map((k) => k.publicJwk) }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const issuer = options.issuer ?? 'https://idp.example.test/'
  const audience = options.audience ?? 'stet-gateway-test'

  const newKey = async (alg: 'RS256' | 'ES256', kid: string): Promise<IdpKey> => {
    const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true })
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' }
    return { kid, alg, privateKey, publicJwk, publicPem: await exportSPKI(publicKey) }
  }
  published.push(await newKey('RS256', 'idp-rs-1'))

  return {
    jwksUrl: `http://127.0.0.1:${port}/jwks.json`,
    issuer,
    audience,
    get jwksRequests() {
      return jwksRequests
    },
    published,
    newKey,
    sign: async (claims, opts = {}) => {
      const key = opts.key ?? published[0]
      if (key === undefined) throw new Error('no key')
      const nowSeconds = Math.floor((opts.now ?? Date.now()) / 1000)
      const payload: JWTPayload = { iss: issuer, aud: audience, iat: nowSeconds, exp: nowSeconds + 600, ...claims }
      for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name]
      const kid = opts.kid === undefined ? key.kid : opts.kid
      return new SignJWT(payload)
        .setProtectedHeader({ alg: key.alg, typ: opts.typ ?? 'JWT', ...(kid === null ? {} : { kid }) })
        .sign(key.privateKey)
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
