import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createDevPki } from '../../src/pki/dev-pki.js'
import type { SandboxSession } from '../support/sandbox-session.js'
import { callAis, CLIENT_ID, obtainToken, putConsent, startSession, testPki } from '../support/sandbox-session.js'
import { sha256Digest } from '../support/sign-request.js'
import { LEA, LEA_MAIN, LEA_SECOND } from '../support/sandbox-personas.js'

let session: SandboxSession
let lea: string
const balances = `/accounts/${LEA_MAIN.resourceId}/balances`
const consentBody = {
  balances: [{ iban: LEA_MAIN.iban }, { iban: LEA_SECOND.iban }],
  transactions: [{ iban: LEA_MAIN.iban }, { iban: LEA_SECOND.iban }],
  psuIdentity: false,
  trustedBeneficiaries: false,
}
/** A different key: the QWAC's, or one from another PKI. */
let strangerKeyPem: string

beforeAll(async () => {
  session = await startSession()
  lea = (await obtainToken(session, LEA)).access_token
  await putConsent(session, lea, { balances: [LEA_MAIN.iban, LEA_SECOND.iban] })
  strangerKeyPem = createDevPki({ clientId: CLIENT_ID }).qsealc.keyPem
})
afterAll(async () => {
  await session.bank.close()
})

function expectRefused(
  response: { status: number; json: unknown; headers: Record<string, unknown> },
  what: 'signature' | 'digest',
) {
  expect(response.status).toBe(401)
  expect(response.json).toMatchObject({ status: 401, message: expect.stringContaining(`Invalid ${what}`) })
  // Not mistaken for an expired token: no invalid_token challenge.
  expect(String(response.headers['www-authenticate'] ?? '')).not.toContain('invalid_token')
}

describe('a valid signature', () => {
  it('passes with a keyId ending in _<sha256 of the QSealC>, and with keyId = client_id', async () => {
    expect((await callAis(session, { path: balances, token: lea })).status).toBe(200)
    expect((await callAis(session, { path: balances, token: lea, sign: { keyId: CLIENT_ID } })).status).toBe(200)
  })

  it('passes on a PUT with a body, and with every psu-* header signed', async () => {
    const put = await callAis(session, { method: 'PUT', path: '/consents', token: lea, json: consentBody })
    expect(put.status).toBe(201)
    const psuHeaders = {
      'psu-ip-port': '443',
      'psu-http-method': 'GET',
      'psu-date': 'Tue, 25 Nov 2025 10:00:00 GMT',
      'psu-user-agent': 'Mozilla/5.0',
      'psu-accept-language': 'fr-FR',
      date: 'Tue, 25 Nov 2025 09:00:00 GMT',
    }
    expect((await callAis(session, { path: balances, token: lea, headers: psuHeaders })).status).toBe(200)
  })
})

describe('a tampered request is refused with 401', () => {
  it('when the path changed after signing', async () => {
    const response = await callAis(session, {
      path: balances,
      sentPath: `/accounts/${LEA_SECOND.resourceId}/balances`,
      token: lea,
    })
    expectRefused(response, 'signature')
  })

  it('when the query changed after signing', async () => {
    const path = `/accounts/${LEA_MAIN.resourceId}/transactions?dateFrom=2025-11-20T00:00:00.000Z`
    await putConsent(session, lea, { transactions: [LEA_MAIN.iban] })
    const response = await callAis(session, { path, sentPath: path.replace('11-20', '11-21'), token: lea })
    await putConsent(session, lea, { balances: [LEA_MAIN.iban, LEA_SECOND.iban] })
    expectRefused(response, 'signature')
  })

  it('when the method is not the signed one', async () => {
    const response = await callAis(session, { path: balances, token: lea, sign: { signedMethod: 'post' } })
    expectRefused(response, 'signature')
  })

  it('when the body changed but the old digest was kept', async () => {
    const response = await callAis(session, {
      method: 'PUT',
      path: '/consents',
      token: lea,
      json: consentBody,
      sentBody: Buffer.from(JSON.stringify({ ...consentBody, psuIdentity: true })),
    })
    expectRefused(response, 'digest')
  })

  it('when the digest does not match the body, even though it is signed', async () => {
    const response = await callAis(session, {
      path: balances,
      token: lea,
      sign: { digest: sha256Digest(Buffer.from('something else')) },
    })
    expectRefused(response, 'digest')
  })

  it('when signed with another key', async () => {
    expectRefused(await callAis(session, { path: balances, token: lea, sign: { keyPem: strangerKeyPem } }), 'signature')
    expectRefused(
      await callAis(session, { path: balances, token: lea, sign: { keyPem: testPki().qwac.keyPem } }),
      'signature',
    )
  })

  it('when the keyId designates another certificate', async () => {
    const keyId = `https://tpp.example/certs/qsealc_${'0'.repeat(64)}`
    expectRefused(await callAis(session, { path: balances, token: lea, sign: { keyId } }), 'signature')
  })

  it('when a header is listed but absent', async () => {
    const signedHeaders = ['(request-target)', 'date', 'x-request-id', 'psu-ip-address', 'digest']
    expectRefused(await callAis(session, { path: balances, token: lea, sign: { signedHeaders } }), 'signature')
  })

  it('when psu-ip-address is sent but not signed', async () => {
    const signedHeaders = ['(request-target)', 'x-request-id', 'digest']
    expectRefused(await callAis(session, { path: balances, token: lea, sign: { signedHeaders } }), 'signature')
    const added = await callAis(session, {
      path: balances,
      token: lea,
      unattended: true,
      unsignedHeaders: { 'psu-ip-address': '198.51.100.1' },
    })
    expectRefused(added, 'signature')
  })

  it('when (request-target) or digest is not signed', async () => {
    for (const signedHeaders of [
      ['x-request-id', 'psu-ip-address', 'digest'],
      ['(request-target)', 'x-request-id', 'psu-ip-address'],
    ]) {
      expectRefused(await callAis(session, { path: balances, token: lea, sign: { signedHeaders } }), 'signature')
    }
  })

  it('when the algorithm is not rsa-sha256, or the header is missing', async () => {
    expectRefused(await callAis(session, { path: balances, token: lea, sign: { algorithm: 'hs2019' } }), 'signature')
    expectRefused(await callAis(session, { path: balances, token: lea, sign: false }), 'signature')
  })

  it('and a refused request is not counted', async () => {
    const before = session.bank.stats().totals
    await callAis(session, { path: balances, token: lea, unattended: true, sign: { keyPem: strangerKeyPem } })
    expect(session.bank.stats().totals).toEqual(before)
  })
})

describe('lenient mode (Yolt-style, NOTES §2.3)', () => {
  let lenient: SandboxSession
  let token: string
  beforeAll(async () => {
    lenient = await startSession({ signatureMode: 'lenient' })
    token = (await obtainToken(lenient, LEA)).access_token
  })
  afterAll(async () => {
    await lenient.bank.close()
  })

  it('accepts a well-formed header that would not verify', async () => {
    const signedHeaders = ['(request-target)', 'date', 'digest', 'x-request-id']
    const response = await callAis(lenient, {
      path: '/accounts',
      token,
      sign: { keyPem: strangerKeyPem, signedHeaders },
    })
    expect(response.status).toBe(200)
  })

  it('still refuses a missing or malformed header', async () => {
    expect((await callAis(lenient, { path: '/accounts', token, sign: false })).status).toBe(401)
    const garbled = await callAis(lenient, {
      path: '/accounts',
      token,
      sign: false,
      unsignedHeaders: { signature: 'nonsense' },
    })
    expect(garbled.status).toBe(401)
  })
})
