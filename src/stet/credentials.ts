/**
 * The TPP's secrets, read once at start (STYLE.md B4 "Secrets"): the QSealC signing key and Signature keyId, the QWAC
 * for mTLS, and the keys that seal tokens at rest. In sandbox mode without files, the development PKI and a token key
 * are made under DATA_DIR (0600 files in 0700 folders) and reused on the next start, so links survive restarts.
 * Nothing here is ever logged.
 */
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { Config } from '../config/config.js'
import { readOrCreateSecretFile } from '../config/secret-file.js'
import { defaultKeyId } from './http-signature.js'
import type { SealingKey } from './record-sealer.js'

export interface Credentials {
  readonly signingKeyPem: string
  readonly keyId: string
  readonly tls: { certPem: string; keyPem: string; caPem?: string } | undefined
  /** The QSealC the embedded sandbox verifies signatures with (development PKI only). */
  readonly tppCertificatePem: string | undefined
  readonly sandboxTls: { keyPem: string; certPem: string; caPem: string } | undefined
  /** Oldest first; the last seals new records. */
  readonly tokenKeys: readonly SealingKey[]
}

type CredentialsConfig = Pick<Config, 'dataDir' | 'stet' | 'sandbox' | 'tokenKeys'>

export async function loadCredentials(config: CredentialsConfig): Promise<Credentials> {
  const tokenKeys = config.tokenKeys ?? [await loadOrCreateSandboxTokenKey(config.dataDir)]
  const creds = config.stet.credentials
  if (creds.kind === 'dev-pki') {
    const { loadOrCreateDevPki } = await import('../pki/dev-pki.js')
    const pki = await loadOrCreateDevPki(creds.dir, { clientId: config.stet.clientId })
    const tls = config.sandbox.tls
      ? { certPem: pki.qwac.certPem, keyPem: pki.qwac.keyPem, caPem: pki.caCertPem }
      : undefined
    return {
      signingKeyPem: pki.qsealc.keyPem,
      keyId: config.stet.keyId ?? defaultKeyId('localhost', pki.qsealc.certPem),
      tls,
      tppCertificatePem: pki.qsealc.certPem,
      sandboxTls: config.sandbox.tls
        ? { keyPem: pki.server.keyPem, certPem: pki.server.certPem, caPem: pki.caCertPem }
        : undefined,
      tokenKeys,
    }
  }
  const read = (file: string | undefined): Promise<string | undefined> =>
    file === undefined ? Promise.resolve(undefined) : readFile(file, 'utf8')
  const [signingKeyPem, certPem, keyPem, caPem] = await Promise.all([
    readFile(creds.qsealcKeyFile, 'utf8'),
    read(creds.qwacCertFile),
    read(creds.qwacKeyFile),
    read(creds.caFile),
  ])
  return {
    signingKeyPem,
    keyId: config.stet.keyId ?? config.stet.clientId,
    tls:
      certPem === undefined || keyPem === undefined
        ? undefined
        : { certPem, keyPem, ...(caPem === undefined ? {} : { caPem }) },
    tppCertificatePem: undefined,
    sandboxTls: undefined,
    tokenKeys,
  }
}

/**
 * Sandbox mode without TOKEN_ENCRYPTION_KEYS: one key under DATA_DIR/keys, made at first start. Replicas sharing a
 * DATA_DIR may start together: the first to link its key into place wins, the others read that one.
 */
export async function loadOrCreateSandboxTokenKey(dataDir: string): Promise<SealingKey> {
  const file = path.join(dataDir, 'keys', 'token-encryption-key')
  const text = await readOrCreateSecretFile(file, () => `sandbox-1:${randomBytes(32).toString('base64url')}\n`)
  const [kid, encoded] = text.trim().split(':')
  const key = Buffer.from(encoded ?? '', 'base64url')
  if (kid === undefined || key.byteLength !== 32) throw new Error(`${file} does not hold a kid:base64url 32-byte key`)
  return { kid, key: new Uint8Array(key) }
}
