/**
 * `AUTH_PUBLIC_KEYS`: the identity provider's public keys from files, for a gateway that must not depend on a JWKS
 * endpoint. Each file is either a JWKS (`{"keys":[…]}`, kids as given) or one PEM public key (`PUBLIC KEY`, SPKI) or
 * certificate (`CERTIFICATE`), whose kid is the file name without its extension (`idp-2026.pem` → `idp-2026`), so a
 * rotation is a file added beside the old one. A token without a kid matches a key only when exactly one fits.
 */
import { createPublicKey } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { createLocalJWKSet, exportJWK, type JSONWebKeySet, type JWK, type JWTVerifyGetKey } from 'jose'

export class PublicKeysInvalidError extends Error {
  constructor(file: string, reason: string, options?: { cause?: unknown }) {
    super(`AUTH_PUBLIC_KEYS: ${file}: ${reason}`, options)
    this.name = 'PublicKeysInvalidError'
  }
}

export async function loadPublicKeys(files: readonly string[]): Promise<JWTVerifyGetKey> {
  const keys: JWK[] = []
  for (const file of files) keys.push(...(await keysOf(file)))
  return createLocalJWKSet({ keys })
}

async function keysOf(file: string): Promise<JWK[]> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new PublicKeysInvalidError(file, 'cannot be read', { cause: error })
  }
  if (text.trimStart().startsWith('{')) {
    let set: JSONWebKeySet
    try {
      set = JSON.parse(text) as JSONWebKeySet
    } catch (error) {
      throw new PublicKeysInvalidError(file, 'is not valid JSON', { cause: error })
    }
    if (!Array.isArray(set.keys) || set.keys.length === 0) {
      throw new PublicKeysInvalidError(file, 'is not a JWKS ({"keys":[…]} with at least one key)')
    }
    for (const jwk of set.keys) {
      // A private or shared key in a file of public keys is a mistake someone must see, not a key to use.
      if (jwk.kty === 'oct') throw new PublicKeysInvalidError(file, 'holds a symmetric (oct) key: never accepted')
      if (jwk.d !== undefined) throw new PublicKeysInvalidError(file, 'holds a private key: give only public keys')
    }
    return set.keys
  }
  if (!/-----BEGIN (PUBLIC KEY|CERTIFICATE)-----/.test(text)) {
    throw new PublicKeysInvalidError(file, 'is neither a JWKS nor a PEM public key or certificate')
  }
  try {
    const jwk = await exportJWK(createPublicKey(text))
    return [{ ...jwk, kid: path.basename(file).replace(/\.[^.]*$/, ''), use: 'sig' }]
  } catch (error) {
    throw new PublicKeysInvalidError(file, 'holds no usable public key', { cause: error })
  }
}
