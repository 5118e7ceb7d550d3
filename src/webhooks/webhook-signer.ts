/**
 * Signs every webhook delivery (issue 17): a JWS (RFC 7515) over the exact body, ES256, sent in `Webhook-Signature` as
 * a compact serialisation with a detached payload (RFC 7515 Appendix F: `header..signature`). The receiver puts the
 * base64url of the body it received between the dots and verifies with jose's `compactVerify` against the gateway's
 * JWKS (`GET /.well-known/webhook-jwks.json`): a body changed by one byte, or signed by anyone else, fails.
 *
 * The key is `WEBHOOK_SIGNING_KEY_FILE` (a private EC P-256 JWK or a PKCS#8 PEM), or made once under DATA_DIR
 * (`webhook-signing-key.json`, 0600) as the development token key is: replicas sharing DATA_DIR share it; replicas
 * that do not must be given the file, or a receiver would meet a key another replica's JWKS does not list.
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import {
  calculateJwkThumbprint,
  CompactSign,
  exportJWK,
  generateKeyPair,
  importJWK,
  importPKCS8,
  type CryptoKey,
  type JWK,
} from 'jose'
import { readOrCreateSecretFile } from '../config/secret-file.js'

const ALG = 'ES256'
const KEY_FILE = 'webhook-signing-key.json'

export interface WebhookSigner {
  readonly kid: string
  /** The public half, as served at the JWKS URL. */
  readonly jwks: { readonly keys: readonly JWK[] }
  /** `header..signature` over `body`. */
  sign(body: string): Promise<string>
}

export async function loadWebhookSigner(options: { dataDir: string; keyFile?: string }): Promise<WebhookSigner> {
  const text =
    options.keyFile === undefined
      ? await readOrCreateSecretFile(path.join(options.dataDir, KEY_FILE), async () => {
          const { privateKey } = await generateKeyPair(ALG, { extractable: true })
          return JSON.stringify(await exportJWK(privateKey))
        })
      : await readFile(options.keyFile, 'utf8')
  let privateKey: CryptoKey
  let privateJwk: JWK
  if (text.trimStart().startsWith('{')) {
    privateJwk = JSON.parse(text) as JWK
    privateKey = (await importJWK(privateJwk, ALG)) as CryptoKey
  } else {
    privateKey = await importPKCS8(text, ALG, { extractable: true })
    privateJwk = await exportJWK(privateKey)
  }
  if (privateJwk.d === undefined) throw new TypeError('the webhook signing key must be a private EC P-256 key')
  const { d: _d, ...publicJwk } = privateJwk
  const kid = await calculateJwkThumbprint({ kty: publicJwk.kty, crv: publicJwk.crv, x: publicJwk.x, y: publicJwk.y })
  const served: JWK = {
    kty: publicJwk.kty,
    crv: publicJwk.crv,
    x: publicJwk.x,
    y: publicJwk.y,
    kid,
    alg: ALG,
    use: 'sig',
  }
  const encoder = new TextEncoder()
  return {
    kid,
    jwks: { keys: [served] },
    sign: async (body) => {
      const jws = await new CompactSign(encoder.encode(body)).setProtectedHeader({ alg: ALG, kid }).sign(privateKey)
      const [header, , signature] = jws.split('.')
      return `${header ?? ''}..${signature ?? ''}`
    },
  }
}
