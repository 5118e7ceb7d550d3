/**
 * The test side's own draft-cavage-10 signer (NOTES §2), written independently of the gateway's STET client so that
 * the sandbox tests never pass only because the same code signs and verifies. It can also sign wrongly on purpose.
 */
import { createHash, sign } from 'node:crypto'
import { PSU_HEADERS } from '../../src/stet-api/wire.js'

export interface RequestToSign {
  method: string
  /** Path and query exactly as they will be on the request line. */
  target: string
  /** Lower-case header names. */
  headers: Record<string, string>
  body?: Buffer
}

export interface SignOptions {
  /** The PEM private key of the QSealC. */
  keyPem: string
  keyId: string
  /** Override the `headers` list (default: every header present, in a fixed order, plus (request-target) and digest). */
  signedHeaders?: string[]
  /** Override the Digest header value (default: the SHA-256 of the body). */
  digest?: string
  /** Sign this method instead of the real one (the string then differs from what the server rebuilds). */
  signedMethod?: string
  /** Sign this target instead of the real one. */
  signedTarget?: string
  algorithm?: string
}

const ORDER = ['date', 'x-request-id', 'content-type', ...PSU_HEADERS]

export function sha256Digest(body: Buffer): string {
  return `SHA-256=${createHash('sha256').update(body).digest('base64')}`
}

/** Returns the request's headers plus `digest` and `signature`. */
export function signRequest(request: RequestToSign, options: SignOptions): Record<string, string> {
  const headers: Record<string, string> = { ...request.headers }
  headers.digest = options.digest ?? sha256Digest(request.body ?? Buffer.alloc(0))
  const signedHeaders = options.signedHeaders ?? [
    '(request-target)',
    ...ORDER.filter((name) => headers[name] !== undefined),
    'digest',
  ]
  const method = (options.signedMethod ?? request.method).toLowerCase()
  const target = options.signedTarget ?? request.target
  const signingString = signedHeaders
    .map((name) =>
      name === '(request-target)' ? `(request-target): ${method} ${target}` : `${name}: ${headers[name] ?? ''}`,
    )
    .join('\n')
  const signature = sign('sha256', Buffer.from(signingString, 'utf8'), options.keyPem).toString('base64')
  headers.signature =
    `keyId="${options.keyId}",algorithm="${options.algorithm ?? 'rsa-sha256'}",` +
    `headers="${signedHeaders.join(' ')}",signature="${signature}"`
  return headers
}
