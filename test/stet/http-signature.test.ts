import { createHash, verify, X509Certificate } from 'node:crypto'
import { describe, expect, it } from '@jest/globals'
import {
  buildSigningString,
  computeDigest,
  defaultKeyId,
  EMPTY_BODY_DIGEST,
  signedHeaderNames,
  signRequest,
} from '../../src/stet/http-signature.js'
import { createDevPki, sha256FingerprintHex } from '../../src/pki/dev-pki.js'
import { generateSigningKey } from './fake-bank.js'

const CONSENT_BODY =
  '{"balances":[{"iban":"FR7617515000920400430518020"}],"transactions":[{"iban":"FR7617515000920400430518020"}],"psuIdentity":false,"trustedBeneficiaries":false}'

describe('computeDigest (NOTES §2.5 vectors)', () => {
  it('hashes the empty body to the well-known SHA-256', () => {
    expect(computeDigest('')).toBe('SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=')
    expect(computeDigest(new Uint8Array(0))).toBe(EMPTY_BODY_DIGEST)
  })

  it('hashes the consent body vector, as a string and as bytes', () => {
    const expected = 'SHA-256=3oCws1riis8d9Z0tMiumCSYPfSdlfUc8NoZhVhnaYHY='
    expect(computeDigest(CONSENT_BODY)).toBe(expected)
    expect(computeDigest(Buffer.from(CONSENT_BODY, 'utf8'))).toBe(expected)
  })
})

describe('signedHeaderNames / buildSigningString (NOTES §2.3–2.4)', () => {
  const base = {
    date: 'Tue, 25 Nov 2025 10:00:00 GMT',
    'x-request-id': '3f1c0000-0000-4000-8000-000000000000',
    digest: EMPTY_BODY_DIGEST,
  }

  it('signs (request-target) date x-request-id digest on a batch GET', () => {
    expect(signedHeaderNames(base)).toEqual(['(request-target)', 'date', 'x-request-id', 'digest'])
  })

  it('puts content-type then every psu-* sent, in PSU_HEADERS order, before digest', () => {
    const headers = {
      ...base,
      'psu-user-agent': 'Mozilla/5.0',
      'content-type': 'application/json',
      'psu-ip-address': '192.168.0.1',
      'psu-device-id': 'device-1',
      'psu-ip-port': '443',
    }
    expect(signedHeaderNames(headers)).toEqual([
      '(request-target)',
      'date',
      'x-request-id',
      'content-type',
      'psu-ip-address',
      'psu-ip-port',
      'psu-user-agent',
      'psu-device-id',
      'digest',
    ])
  })

  it('builds the NOTES §2.3 example exactly (lower-case method, path with query, no trailing newline)', () => {
    const headers = { ...base, 'psu-ip-address': '192.168.0.1' }
    expect(buildSigningString({ method: 'GET', pathWithQuery: '/stet/psd2/v1.6.2/accounts', headers })).toBe(
      [
        '(request-target): get /stet/psd2/v1.6.2/accounts',
        'date: Tue, 25 Nov 2025 10:00:00 GMT',
        'x-request-id: 3f1c0000-0000-4000-8000-000000000000',
        'psu-ip-address: 192.168.0.1',
        `digest: ${EMPTY_BODY_DIGEST}`,
      ].join('\n'),
    )
    const withQuery = buildSigningString({
      method: 'GET',
      pathWithQuery: '/stet/psd2/v1.6.2/accounts/1/transactions?dateFrom=2025-01-01T00:00:00.000%2B01:00',
      headers: base,
    })
    expect(withQuery.split('\n')[0]).toBe(
      '(request-target): get /stet/psd2/v1.6.2/accounts/1/transactions?dateFrom=2025-01-01T00:00:00.000%2B01:00',
    )
  })

  it('refuses to sign without date, x-request-id or digest, with upper-case names, or an unknown psu-* header', () => {
    expect(() => signedHeaderNames({ date: 'x', 'x-request-id': 'y' })).toThrow(TypeError)
    expect(() => signedHeaderNames({ ...base, Date: 'x' })).toThrow(TypeError)
    expect(() => signedHeaderNames({ ...base, 'psu-foo': 'x' })).toThrow(TypeError)
  })
})

describe('signRequest', () => {
  const { privateKeyPem, publicKeyPem } = generateSigningKey()
  const headers = {
    date: 'Tue, 25 Nov 2025 10:00:00 GMT',
    'x-request-id': 'req-1',
    'content-type': 'application/json',
    digest: computeDigest(CONSENT_BODY),
    'psu-ip-address': '192.168.0.1',
  }

  it('emits keyId, algorithm, headers, signature in that order, no spaces after commas, and a verifiable signature', () => {
    const value = signRequest({
      method: 'PUT',
      pathWithQuery: '/stet/psd2/v1.6.2/consents',
      headers,
      keyId: 'https://tpp.example/qsealc_abc',
      privateKeyPem,
    })
    const match = /^keyId="([^"]+)",algorithm="rsa-sha256",headers="([^"]+)",signature="([A-Za-z0-9+/]+=*)"$/.exec(
      value,
    )
    expect(match).not.toBeNull()
    expect(match?.[1]).toBe('https://tpp.example/qsealc_abc')
    expect(match?.[2]).toBe('(request-target) date x-request-id content-type psu-ip-address digest')
    const signingString = buildSigningString({ method: 'PUT', pathWithQuery: '/stet/psd2/v1.6.2/consents', headers })
    const ok = verify('sha256', Buffer.from(signingString), publicKeyPem, Buffer.from(match?.[3] ?? '', 'base64'))
    expect(ok).toBe(true)
  })

  it('refuses a keyId with a double quote', () => {
    expect(() => signRequest({ method: 'GET', pathWithQuery: '/', headers, keyId: 'a"b', privateKeyPem })).toThrow(
      TypeError,
    )
  })
})

describe('defaultKeyId (NOTES §2.6)', () => {
  it('ends in _<64 hex SHA-256 of the QSealC DER>', () => {
    const pki = createDevPki()
    const keyId = defaultKeyId('tpp.example', pki.qsealc.certPem)
    const expected = createHash('sha256').update(new X509Certificate(pki.qsealc.certPem).raw).digest('hex')
    expect(keyId).toBe(`https://tpp.example/qsealc_${expected}`)
    expect(keyId).toMatch(/_[0-9a-f]{64}$/)
    expect(expected).toBe(sha256FingerprintHex(pki.qsealc.certPem))
  })
})
