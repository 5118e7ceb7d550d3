import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { Agent, request } from 'undici'
import type { DevPki } from '../../src/pki/dev-pki.js'
import { createDevPki } from '../../src/pki/dev-pki.js'
import type { SandboxSession } from '../support/sandbox-session.js'
import { callAis, CLIENT_ID, obtainToken, startSession, testPki } from '../support/sandbox-session.js'
import { LEA } from '../support/sandbox-personas.js'

let pki: DevPki
let session: SandboxSession
let withQwac: Agent
const agents: Agent[] = []

function agent(connect: ConstructorParameters<typeof Agent>[0]): Agent {
  const created = new Agent(connect)
  agents.push(created)
  return created
}

beforeAll(async () => {
  pki = testPki()
  withQwac = agent({ connect: { ca: pki.caCertPem, cert: pki.qwac.certPem, key: pki.qwac.keyPem } })
  session = await startSession({
    tls: { keyPem: pki.server.keyPem, certPem: pki.server.certPem, caPem: pki.caCertPem },
    dispatcher: withQwac,
  })
})
afterAll(async () => {
  await session.bank.close()
  await Promise.all(agents.map((created) => created.close()))
})

describe('mutual TLS (QWAC on every call, NOTES §1)', () => {
  it('serves https and accepts a client presenting the QWAC, for OAuth and AIS calls', async () => {
    expect(session.bank.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    const token = await obtainToken(session, LEA)
    const response = await callAis(session, { path: '/accounts', token: token.access_token })
    expect(response.status).toBe(200)
  })

  // TLS 1.3 sends the client's certificate after the handshake completes, so the client only sees the server close
  // the socket before any HTTP answer; TLS 1.2 shows the refusal inside the handshake itself.
  it('refuses at the TLS layer a client with no certificate', async () => {
    const anonymous = agent({ connect: { ca: pki.caCertPem } })
    await expect(request(`${session.bank.url}/sandbox/stats`, { dispatcher: anonymous })).rejects.toMatchObject({
      code: 'UND_ERR_SOCKET',
    })
    const anonymous12 = agent({ connect: { ca: pki.caCertPem, maxVersion: 'TLSv1.2' } })
    await expect(request(`${session.bank.url}/sandbox/stats`, { dispatcher: anonymous12 })).rejects.toMatchObject({
      code: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
    })
  })

  it('refuses at the TLS layer a client certificate signed by another CA', async () => {
    const other = createDevPki({ clientId: CLIENT_ID })
    const connect = { ca: pki.caCertPem, cert: other.qwac.certPem, key: other.qwac.keyPem }
    const stranger = agent({ connect })
    await expect(request(`${session.bank.url}/sandbox/stats`, { dispatcher: stranger })).rejects.toMatchObject({
      code: 'UND_ERR_SOCKET',
    })
    const stranger12 = agent({ connect: { ...connect, maxVersion: 'TLSv1.2' } })
    await expect(request(`${session.bank.url}/sandbox/stats`, { dispatcher: stranger12 })).rejects.toMatchObject({
      code: 'ECONNRESET',
    })
  })

  it('is verified by the client too: the server certificate chains to the dev CA and names 127.0.0.1', async () => {
    const other = createDevPki({ clientId: CLIENT_ID })
    const wrongTrust = agent({ connect: { ca: other.caCertPem, cert: pki.qwac.certPem, key: pki.qwac.keyPem } })
    await expect(request(`${session.bank.url}/sandbox/stats`, { dispatcher: wrongTrust })).rejects.toMatchObject({
      code: 'CERT_SIGNATURE_FAILURE',
    })
    const ok = await request(`${session.bank.url}/sandbox/stats`, { dispatcher: withQwac })
    expect(ok.statusCode).toBe(200)
    await ok.body.text()
  })
})
