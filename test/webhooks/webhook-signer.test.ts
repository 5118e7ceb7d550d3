/**
 * The webhook signing key: made once under DATA_DIR (0600, the same key on the next start), or read from
 * WEBHOOK_SIGNING_KEY_FILE as a private JWK or a PKCS#8 PEM; its JWKS holds the public half only, and a signature
 * verifies against it with jose over the exact body.
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { compactVerify, createLocalJWKSet, exportJWK, exportPKCS8, generateKeyPair } from 'jose'
import { loadWebhookSigner, type WebhookSigner } from '../../src/webhooks/webhook-signer.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'stetgw-signer-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function verifies(signer: WebhookSigner, body: string): Promise<boolean> {
  const [header, , signature] = (await signer.sign(body)).split('.')
  const jwks = createLocalJWKSet({ keys: [...signer.jwks.keys] })
  try {
    await compactVerify(`${header}.${Buffer.from(body).toString('base64url')}.${signature}`, jwks)
    return true
  } catch {
    return false
  }
}

describe('loadWebhookSigner', () => {
  it('makes a key once under DATA_DIR (0600) and finds the same one again', async () => {
    const first = await loadWebhookSigner({ dataDir: dir })
    const again = await loadWebhookSigner({ dataDir: dir })
    expect(again.kid).toBe(first.kid)
    expect((await stat(path.join(dir, 'webhook-signing-key.json'))).mode & 0o777).toBe(0o600)
    expect(first.jwks.keys).toEqual([expect.objectContaining({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' })])
    expect(first.jwks.keys[0]).not.toHaveProperty('d')
    expect(await verifies(first, '{"id":"a"}')).toBe(true)
  })

  it('reads WEBHOOK_SIGNING_KEY_FILE as a private JWK or a PKCS#8 PEM', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true })
    await writeFile(path.join(dir, 'key.json'), JSON.stringify(await exportJWK(privateKey)))
    await writeFile(path.join(dir, 'key.pem'), await exportPKCS8(privateKey))
    const fromJwk = await loadWebhookSigner({ dataDir: dir, keyFile: path.join(dir, 'key.json') })
    const fromPem = await loadWebhookSigner({ dataDir: dir, keyFile: path.join(dir, 'key.pem') })
    expect(fromPem.kid).toBe(fromJwk.kid)
    expect(await verifies(fromPem, 'body')).toBe(true)
    // A signature over one body is no signature over another.
    const [header, , signature] = (await fromJwk.sign('body')).split('.')
    const jwks = createLocalJWKSet({ keys: [...fromJwk.jwks.keys] })
    await expect(
      compactVerify(`${header}.${Buffer.from('body!').toString('base64url')}.${signature}`, jwks),
    ).rejects.toThrow()
  })

  it('refuses a public key', async () => {
    const { publicKey } = await generateKeyPair('ES256', { extractable: true })
    await writeFile(path.join(dir, 'public.json'), JSON.stringify(await exportJWK(publicKey)))
    await expect(loadWebhookSigner({ dataDir: dir, keyFile: path.join(dir, 'public.json') })).rejects.toThrow()
  })
})
