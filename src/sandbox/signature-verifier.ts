/**
 * Verifies the TPP's HTTP `Signature` (draft-cavage-10, NOTES §2) and `Digest` (NOTES §2.5) on every AIS request,
 * against the QSealC the TPP registered. Strict mode is what NOTES §2.4 "Rec (sandbox)" asks for:
 * `(request-target)` and `digest` signed, every `psu-*` header that was sent signed, no listed header absent, keyId
 * ending in `_<sha256 fingerprint>` (or equal to the client_id, as Yolt sent it, §2.6), RSASSA-PKCS1-v1_5 SHA-256.
 * Lenient mode only checks that the header is well formed (Yolt-style signatures that BPCE let through, §2.3, §11 q2).
 *
 * A failure is answered 401 with an ErrorModel whose message starts with "Invalid signature" or "Invalid digest",
 * and without `WWW-Authenticate: Bearer error="invalid_token"`, so that a client never mistakes it for an expired
 * token and refreshes in a loop. The bank's real answer is unknown (NOTES §11 q2); this is our choice.
 */
import { createHash, verify, X509Certificate } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { PSU_HEADERS } from '../stet-api/wire.js'

export type SignatureMode = 'strict' | 'lenient'

export interface SignedRequest {
  /** Upper- or lower-case HTTP method. */
  method: string
  /** Path and query exactly as on the request line. */
  target: string
  /** Lower-case header names, repeated values joined with ", ". */
  header: (name: string) => string | undefined
  body: Buffer
}

export type SignatureCheck = { ok: true } | { ok: false; failure: 'signature' | 'digest'; reason: string }

export interface SignatureVerifierOptions {
  certificatePem: string
  clientId: string
  mode: SignatureMode
}

interface SignatureParams {
  keyId: string
  algorithm?: string
  headers?: string
  signature: string
}

const PARAM_PATTERN = /\s*([A-Za-z]+)="([^"]*)"\s*(?:,|$)/y

/** Parses `keyId="…",algorithm="…",headers="…",signature="…"`; `undefined` when malformed. */
export function parseSignatureHeader(value: string): SignatureParams | undefined {
  const params = new Map<string, string>()
  PARAM_PATTERN.lastIndex = 0
  while (PARAM_PATTERN.lastIndex < value.length) {
    const start = PARAM_PATTERN.lastIndex
    const match = PARAM_PATTERN.exec(value)
    if (!match || PARAM_PATTERN.lastIndex === start) return undefined
    const [, name = '', paramValue = ''] = match
    if (params.has(name)) return undefined
    params.set(name, paramValue)
  }
  const keyId = params.get('keyId')
  const signature = params.get('signature')
  if (!keyId || !signature || !/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) return undefined
  return { keyId, algorithm: params.get('algorithm'), headers: params.get('headers'), signature }
}

/** SHA-256 of zero bytes, the Digest every bodiless request carries (NOTES §2.5). */
export function digestOf(body: Buffer): string {
  return `SHA-256=${createHash('sha256').update(body).digest('base64')}`
}

function fail(failure: 'signature' | 'digest', reason: string): SignatureCheck {
  return { ok: false, failure, reason }
}

export function createSignatureVerifier(options: SignatureVerifierOptions): (request: SignedRequest) => SignatureCheck {
  const certificate = new X509Certificate(options.certificatePem)
  const publicKey: KeyObject = certificate.publicKey
  const fingerprint = createHash('sha256').update(certificate.raw).digest('hex')

  return (request) => {
    const header = request.header('signature')
    if (header === undefined) return fail('signature', 'Signature header missing')
    const params = parseSignatureHeader(header)
    if (!params) return fail('signature', 'Signature header malformed')
    if (options.mode === 'lenient') return { ok: true }

    if (!(params.keyId === options.clientId || params.keyId.endsWith(`_${fingerprint}`))) {
      return fail('signature', 'keyId does not designate the registered QSealC')
    }
    if (params.algorithm !== 'rsa-sha256') return fail('signature', 'algorithm must be rsa-sha256')
    if (params.headers === undefined || params.headers.trim() === '') return fail('signature', 'headers missing')
    const signedHeaders = params.headers.trim().split(/ +/)
    if (!signedHeaders.includes('(request-target)')) return fail('signature', '(request-target) not signed')
    if (!signedHeaders.includes('digest')) return fail('signature', 'digest not signed')
    for (const name of PSU_HEADERS) {
      if (request.header(name) !== undefined && !signedHeaders.includes(name)) {
        return fail('signature', `${name} sent but not signed`)
      }
    }

    const lines: string[] = []
    for (const name of signedHeaders) {
      if (name !== name.toLowerCase()) return fail('signature', `header name ${name} not in lower case`)
      if (name === '(request-target)') {
        lines.push(`(request-target): ${request.method.toLowerCase()} ${request.target}`)
        continue
      }
      const value = request.header(name)
      if (value === undefined) return fail('signature', `${name} signed but absent`)
      lines.push(`${name}: ${value}`)
    }
    const isValid = verify(
      'sha256',
      Buffer.from(lines.join('\n'), 'utf8'),
      publicKey,
      Buffer.from(params.signature, 'base64'),
    )
    if (!isValid) return fail('signature', 'signature does not verify')

    const digest = request.header('digest') ?? ''
    const sha256 = digest
      .split(',')
      .map((part) => part.trim())
      .find((part) => part.toUpperCase().startsWith('SHA-256='))
    if (sha256 === undefined) return fail('digest', 'no SHA-256 digest')
    if (sha256.slice('SHA-256='.length) !== digestOf(request.body).slice('SHA-256='.length)) {
      return fail('digest', 'digest does not match the body')
    }
    return { ok: true }
  }
}
