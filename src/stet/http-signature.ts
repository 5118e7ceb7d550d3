/**
 * STET request signing: draft-cavage-http-signatures-10 with `rsa-sha256` (RSASSA-PKCS1-v1_5 over SHA-256), the way
 * NOTES.md §2 recommends for the bank's 1.6.2 gateway:
 * - signed: `(request-target) date x-request-id [content-type] [every psu-* sent, in PSU_HEADERS order] digest` (§2.4 Rec);
 *   a verifier recomputes the string from `headers`, so a header is listed only if it is sent;
 * - the header value has the parameters in the order keyId, algorithm, headers, signature, no space after commas (§2.2);
 * - `Digest: SHA-256=<base64>` over the exact body bytes, also on a GET (the digest of zero bytes) (§2.5).
 * Yolt's production quirks (`post` in every request-target, the empty digest on PUT) are deliberately not copied (§2.3).
 */
import { createHash, createPrivateKey, sign, X509Certificate, type KeyObject } from 'node:crypto'
import { PSU_HEADERS } from '../stet-api/wire.js'

/** `SHA-256=` + base64 of the SHA-256 of zero bytes (NOTES §2.5). */
export const EMPTY_BODY_DIGEST = 'SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='

/** RFC 3230-style digest of the exact bytes sent (a string is taken as UTF-8). */
export function computeDigest(body: Uint8Array | string): string {
  return `SHA-256=${createHash('sha256').update(body).digest('base64')}`
}

/** What is signed: the request line and the headers already set on the request, names in lower case. */
export interface SignatureInput {
  method: string
  /** The path and query exactly as on the request line (percent-encoding included), no scheme or host. */
  pathWithQuery: string
  /** Lower-case names; must hold `date`, `x-request-id` and `digest`; `content-type` and `psu-*` when sent. */
  headers: Record<string, string>
}

const psuHeaderNames: readonly string[] = PSU_HEADERS

/** The `headers` parameter, in signing order (NOTES §2.4 Rec). Throws a TypeError when a mandatory header is missing. */
export function signedHeaderNames(headers: Record<string, string>): string[] {
  for (const required of ['date', 'x-request-id', 'digest']) {
    if (headers[required] === undefined)
      throw new TypeError(`signRequest: the "${required}" header must be set before signing`)
  }
  for (const name of Object.keys(headers)) {
    if (name !== name.toLowerCase()) throw new TypeError(`signRequest: header names must be lower-case, got "${name}"`)
    if (name.startsWith('psu-') && !psuHeaderNames.includes(name)) {
      throw new TypeError(`signRequest: "${name}" is not a STET PSU context header`)
    }
  }
  const names = ['(request-target)', 'date', 'x-request-id']
  if (headers['content-type'] !== undefined) names.push('content-type')
  for (const psu of psuHeaderNames) if (headers[psu] !== undefined) names.push(psu)
  names.push('digest')
  return names
}

/** The draft-10 signing string: one `name: value` line per signed header, joined with `\n`, no trailing newline (§2.3). */
export function buildSigningString(
  input: SignatureInput,
  names: readonly string[] = signedHeaderNames(input.headers),
): string {
  return names
    .map((name) => {
      if (name === '(request-target)') return `(request-target): ${input.method.toLowerCase()} ${input.pathWithQuery}`
      const value = input.headers[name]
      if (value === undefined) throw new TypeError(`signRequest: "${name}" is listed but not set`)
      return `${name}: ${value}`
    })
    .join('\n')
}

export interface SignRequestInput extends SignatureInput {
  keyId: string
  /** The QSealC private key (PKCS#8 or PKCS#1 PEM). */
  privateKeyPem: string
}

/**
 * Parsing the PEM costs about twice the RSA signature itself (bench/RESULTS.md profile: 965 µs per signature with
 * the parse, 309 µs without), and a gateway signs every bank call with the same one or two keys.
 */
const parsedKeys = new Map<string, KeyObject>()

function privateKeyOf(pem: string): KeyObject {
  let key = parsedKeys.get(pem)
  if (key === undefined) {
    key = createPrivateKey(pem)
    if (parsedKeys.size >= 16) parsedKeys.clear()
    parsedKeys.set(pem, key)
  }
  return key
}

/** The `Signature` header value: `keyId="…",algorithm="rsa-sha256",headers="…",signature="<base64>"`. */
export function signRequest(input: SignRequestInput): string {
  if (input.keyId.includes('"')) throw new TypeError('signRequest: keyId may not contain a double quote')
  const names = signedHeaderNames(input.headers)
  const signingString = buildSigningString(input, names)
  const signature = sign('sha256', Buffer.from(signingString, 'utf8'), privateKeyOf(input.privateKeyPem)).toString(
    'base64',
  )
  return `keyId="${input.keyId}",algorithm="rsa-sha256",headers="${names.join(' ')}",signature="${signature}"`
}

/** SHA-256 over the certificate's DER, 64 lower-case hex characters (NOTES §2.6). */
export function certificateSha256Hex(certPem: string): string {
  return createHash('sha256').update(new X509Certificate(certPem).raw).digest('hex')
}

/**
 * The default keyId: a URL where we publish the QSealC, ending in `_<sha256 hex of its DER>` (STET 1.6.3.1 Part 1
 * §3.5.1.2, NOTES §2.6 Rec). Configurable, because the gateway may expect the client_id instead (NOTES §11 q3).
 */
export function defaultKeyId(host: string, qsealcCertPem: string): string {
  return `https://${host}/qsealc_${certificateSha256Hex(qsealcCertPem)}`
}
