/**
 * A throw-away PKI for development and tests: one CA that signs the TPP's QWAC (mTLS client certificate), its QSealC
 * (the key that signs every STET request, NOTES §2) and the sandbox bank's server certificate. Nothing here is a
 * qualified certificate; it only reproduces the shape of the bank's setup (QWAC on the wire, QSealC behind keyId).
 */
import { createHash, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto'
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import forge from 'node-forge'
import type { Clock } from '../clock.js'
import { systemClock } from '../clock.js'

export interface KeyAndCertPem {
  keyPem: string
  certPem: string
}

export interface DevPki {
  caCertPem: string
  /** mTLS client certificate; its CN and organizationIdentifier are the TPP's client_id (BANK Eligibility). */
  qwac: KeyAndCertPem
  /** The signing certificate whose SHA-256 fingerprint ends the Signature keyId (NOTES §2.6). */
  qsealc: KeyAndCertPem
  /** `localhost` + 127.0.0.1, for the sandbox bank's HTTPS listener. */
  server: KeyAndCertPem
}

export interface DevPkiOptions {
  /** The TPP's organisation identifier (OID), e.g. `PSDFR-ACPR-SANDBOX`. */
  clientId?: string
  /** Sets the certificates' validity start; defaults to the system clock. */
  clock?: Clock
}

const DEFAULT_CLIENT_ID = 'PSDFR-ACPR-SANDBOX'
const VALIDITY_YEARS = 5
/** X.520 organizationIdentifier, where eIDAS certificates carry the PSD2 authorisation number (ETSI TS 119 495). */
const ORGANIZATION_IDENTIFIER_OID = '2.5.4.97'

interface ForgeKeyPair {
  keyPem: string
  privateKey: forge.pki.rsa.PrivateKey
  publicKey: forge.pki.rsa.PublicKey
}

/** node:crypto generates RSA keys natively (pure-JS forge takes seconds per key); forge only signs the certificates. */
function generateRsaKeyPair(): ForgeKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  })
  return {
    keyPem: privateKey,
    privateKey: forge.pki.privateKeyFromPem(privateKey),
    publicKey: forge.pki.publicKeyFromPem(publicKey),
  }
}

/** A positive serial (the high bit cleared), random so that re-created PKIs never collide. */
function randomSerialHex(): string {
  const bytes = randomBytes(16)
  bytes[0] = (bytes[0] ?? 0) & 0x7f
  return bytes.toString('hex')
}

interface IssueRequest {
  subject: forge.pki.CertificateField[]
  publicKey: forge.pki.rsa.PublicKey
  extensions: object[]
  issuer?: { subject: forge.pki.CertificateField[]; privateKey: forge.pki.rsa.PrivateKey }
  /** Self-signed when no issuer is given. */
  selfKey?: forge.pki.rsa.PrivateKey
  notBefore: Date
}

function issueCertificate(request: IssueRequest): string {
  const cert = forge.pki.createCertificate()
  cert.publicKey = request.publicKey
  cert.serialNumber = randomSerialHex()
  cert.validity.notBefore = request.notBefore
  const notAfter = new Date(request.notBefore.getTime())
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + VALIDITY_YEARS)
  cert.validity.notAfter = notAfter
  cert.setSubject(request.subject)
  cert.setIssuer(request.issuer ? request.issuer.subject : request.subject)
  cert.setExtensions(request.extensions)
  const signingKey = request.issuer ? request.issuer.privateKey : request.selfKey
  if (!signingKey) throw new Error('issueCertificate needs either an issuer or a selfKey')
  cert.sign(signingKey, forge.md.sha256.create())
  return forge.pki.certificateToPem(cert)
}

function tppSubject(commonName: string, clientId: string): forge.pki.CertificateField[] {
  return [
    { name: 'commonName', value: commonName },
    { name: 'organizationName', value: 'Stet Gateway Dev TPP' },
    { name: 'countryName', value: 'FR' },
    { type: ORGANIZATION_IDENTIFIER_OID, value: clientId },
  ]
}

/** Creates a fresh CA and the three certificates it signs. Takes a few hundred milliseconds (four RSA 2048 keys). */
export function createDevPki(options: DevPkiOptions = {}): DevPki {
  const clientId = options.clientId ?? DEFAULT_CLIENT_ID
  const clock = options.clock ?? systemClock
  // A day in the past so that a peer whose clock is slightly behind still accepts the certificates.
  const notBefore = new Date(clock() - 24 * 3600 * 1000)

  const caKeys = generateRsaKeyPair()
  const caSubject: forge.pki.CertificateField[] = [
    { name: 'commonName', value: 'Stet Gateway Dev CA' },
    { name: 'organizationName', value: 'Stet Gateway Dev' },
    { name: 'countryName', value: 'FR' },
  ]
  const caCertPem = issueCertificate({
    subject: caSubject,
    publicKey: caKeys.publicKey,
    selfKey: caKeys.privateKey,
    notBefore,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      { name: 'subjectKeyIdentifier' },
    ],
  })
  const issuer = { subject: caSubject, privateKey: caKeys.privateKey }

  const qwacKeys = generateRsaKeyPair()
  const qwacCertPem = issueCertificate({
    subject: tppSubject(clientId, clientId),
    publicKey: qwacKeys.publicKey,
    issuer,
    notBefore,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', clientAuth: true },
    ],
  })

  const qsealcKeys = generateRsaKeyPair()
  const qsealcCertPem = issueCertificate({
    subject: tppSubject(`${clientId} QSealC`, clientId),
    publicKey: qsealcKeys.publicKey,
    issuer,
    notBefore,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
    ],
  })

  const serverKeys = generateRsaKeyPair()
  const serverCertPem = issueCertificate({
    subject: [
      { name: 'commonName', value: 'localhost' },
      { name: 'organizationName', value: 'Stet Gateway Dev Sandbox Bank' },
    ],
    publicKey: serverKeys.publicKey,
    issuer,
    notBefore,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  })

  return {
    caCertPem,
    qwac: { keyPem: qwacKeys.keyPem, certPem: qwacCertPem },
    qsealc: { keyPem: qsealcKeys.keyPem, certPem: qsealcCertPem },
    server: { keyPem: serverKeys.keyPem, certPem: serverCertPem },
  }
}

/** Lower-case hex SHA-256 of the certificate's DER: the suffix of a STET keyId (NOTES §2.6). */
export function sha256FingerprintHex(certPem: string): string {
  return createHash('sha256').update(new X509Certificate(certPem).raw).digest('hex')
}

const PKI_FILES = {
  caCertPem: 'ca.crt.pem',
  qwacKeyPem: 'qwac.key.pem',
  qwacCertPem: 'qwac.crt.pem',
  qsealcKeyPem: 'qsealc.key.pem',
  qsealcCertPem: 'qsealc.crt.pem',
  serverKeyPem: 'server.key.pem',
  serverCertPem: 'server.crt.pem',
} as const

type PkiFileName = keyof typeof PKI_FILES

async function readPkiFiles(dir: string): Promise<Record<PkiFileName, string> | undefined> {
  const entries = await Promise.all(
    (Object.keys(PKI_FILES) as PkiFileName[]).map(async (name) => {
      try {
        return [name, await readFile(join(dir, PKI_FILES[name]), 'utf8')] as const
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
        throw error
      }
    }),
  )
  const found: Partial<Record<PkiFileName, string>> = {}
  for (const entry of entries) {
    if (!entry) return undefined
    found[entry[0]] = entry[1]
  }
  return found as Record<PkiFileName, string>
}

function qwacCommonName(certPem: string): string | undefined {
  const match = /(?:^|\n)CN=([^\n]*)/.exec(new X509Certificate(certPem).subject)
  return match?.[1]
}

function pkiOf(stored: Record<PkiFileName, string>): DevPki {
  return {
    caCertPem: stored.caCertPem,
    qwac: { keyPem: stored.qwacKeyPem, certPem: stored.qwacCertPem },
    qsealc: { keyPem: stored.qsealcKeyPem, certPem: stored.qsealcCertPem },
    server: { keyPem: stored.serverKeyPem, certPem: stored.serverCertPem },
  }
}

async function writePkiFiles(dir: string, contents: Record<PkiFileName, string>): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 })
  for (const name of Object.keys(PKI_FILES) as PkiFileName[]) {
    const path = join(dir, PKI_FILES[name])
    await writeFile(path, contents[name], { mode: 0o600 })
    // `mode` only applies when the file is created: tighten a replaced one too.
    await chmod(path, 0o600)
  }
}

/**
 * Loads the PEMs kept under `dir`, or creates a new PKI there (directory 0700, files 0600: they hold private keys).
 * A stored PKI issued for another client_id is replaced, since the QWAC's identity must match the client_id.
 */
export async function loadOrCreateDevPki(dir: string, options: DevPkiOptions = {}): Promise<DevPki> {
  const clientId = options.clientId ?? DEFAULT_CLIENT_ID
  const stored = await readPkiFiles(dir)
  if (stored && qwacCommonName(stored.qwacCertPem) === clientId) {
    return pkiOf(stored)
  }
  const pki = createDevPki({ ...options, clientId })
  const contents: Record<PkiFileName, string> = {
    caCertPem: pki.caCertPem,
    qwacKeyPem: pki.qwac.keyPem,
    qwacCertPem: pki.qwac.certPem,
    qsealcKeyPem: pki.qsealc.keyPem,
    qsealcCertPem: pki.qsealc.certPem,
    serverKeyPem: pki.server.keyPem,
    serverCertPem: pki.server.certPem,
  }
  if (stored === undefined) {
    // First start: the whole PKI is written in a private folder and renamed into place, so processes starting
    // together on one DATA_DIR never mix two PKIs' files; the loser of the rename uses the winner's.
    const draft = `${dir}.${process.pid}.${randomBytes(4).toString('hex')}`
    await writePkiFiles(draft, contents)
    try {
      await rename(draft, dir)
      return pki
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error
    } finally {
      await rm(draft, { recursive: true, force: true })
    }
    const winner = await readPkiFiles(dir)
    if (winner && qwacCommonName(winner.qwacCertPem) === clientId) return pkiOf(winner)
  }
  await writePkiFiles(dir, contents)
  return pki
}
