import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createHash, createPrivateKey, createPublicKey, sign, verify, X509Certificate } from 'node:crypto'
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DevPki } from '../../src/pki/dev-pki.js'
import { createDevPki, loadOrCreateDevPki, sha256FingerprintHex } from '../../src/pki/dev-pki.js'

describe('createDevPki', () => {
  let pki: DevPki
  beforeAll(() => {
    pki = createDevPki({ clientId: 'PSDFR-ACPR-TEST1' })
  })

  it('signs the QWAC, the QSealC and the server certificate with its CA', () => {
    const ca = new X509Certificate(pki.caCertPem)
    expect(ca.ca).toBe(true)
    for (const pair of [pki.qwac, pki.qsealc, pki.server]) {
      const cert = new X509Certificate(pair.certPem)
      expect(cert.ca).toBe(false)
      expect(cert.checkIssued(ca)).toBe(true)
      expect(cert.verify(ca.publicKey)).toBe(true)
    }
  })

  it('names the QWAC after the client_id and serves localhost + 127.0.0.1', () => {
    expect(new X509Certificate(pki.qwac.certPem).subject).toContain('CN=PSDFR-ACPR-TEST1')
    const server = new X509Certificate(pki.server.certPem)
    expect(server.subjectAltName).toContain('DNS:localhost')
    expect(server.subjectAltName).toContain('IP Address:127.0.0.1')
    expect(server.checkHost('localhost')).toBe('localhost')
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1')
  })

  it('pairs each private key with its certificate (RSA 2048)', () => {
    for (const pair of [pki.qwac, pki.qsealc, pki.server]) {
      const key = createPrivateKey(pair.keyPem)
      expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048)
      const data = Buffer.from('signing string')
      const signature = sign('sha256', data, key)
      expect(verify('sha256', data, new X509Certificate(pair.certPem).publicKey, signature)).toBe(true)
      expect(createPublicKey(key).export({ format: 'pem', type: 'spki' })).toBe(
        new X509Certificate(pair.certPem).publicKey.export({ format: 'pem', type: 'spki' }),
      )
    }
  })

  it('fingerprints a certificate as the lower-case hex SHA-256 of its DER', () => {
    const der = new X509Certificate(pki.qsealc.certPem).raw
    const fingerprint = sha256FingerprintHex(pki.qsealc.certPem)
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/)
    expect(fingerprint).toBe(createHash('sha256').update(der).digest('hex'))
  })
})

describe('loadOrCreateDevPki', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dev-pki-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('persists the PEMs with mode 0600 and reloads the same ones', async () => {
    const pkiDir = join(dir, 'nested', 'pki')
    const first = await loadOrCreateDevPki(pkiDir, { clientId: 'PSDFR-ACPR-TEST2' })
    const files = await readdir(pkiDir)
    expect(files.length).toBe(7)
    for (const file of files) {
      expect((await stat(join(pkiDir, file))).mode & 0o777).toBe(0o600)
    }
    const second = await loadOrCreateDevPki(pkiDir, { clientId: 'PSDFR-ACPR-TEST2' })
    expect(second).toEqual(first)
  })

  it('replaces a stored PKI issued for another client_id', async () => {
    const pkiDir = join(dir, 'switch')
    const first = await loadOrCreateDevPki(pkiDir, { clientId: 'PSDFR-ACPR-A' })
    const second = await loadOrCreateDevPki(pkiDir, { clientId: 'PSDFR-ACPR-B' })
    expect(second.qwac.certPem).not.toBe(first.qwac.certPem)
    expect(new X509Certificate(second.qwac.certPem).subject).toContain('CN=PSDFR-ACPR-B')
    expect(await loadOrCreateDevPki(pkiDir, { clientId: 'PSDFR-ACPR-B' })).toEqual(second)
  })

  it('gives processes starting together on one folder one PKI, never a mix of two', async () => {
    const pkiDir = join(dir, 'race', 'pki')
    const all = await Promise.all([0, 1, 2].map(() => loadOrCreateDevPki(pkiDir, { clientId: 'PSDFR-ACPR-RACE' })))
    expect(all[1]).toEqual(all[0])
    expect(all[2]).toEqual(all[0])
    expect(await loadOrCreateDevPki(pkiDir, { clientId: 'PSDFR-ACPR-RACE' })).toEqual(all[0])
    expect(await readdir(join(dir, 'race'))).toEqual(['pki']) // no draft folder left behind
  })
})
