/**
 * Development callers (sandbox mode only, until real caller authentication lands): an HS256 JWT signed with a
 * secret kept under DATA_DIR. `present: true` makes it a frontend session where the PSU is at the keyboard; without
 * it, a partner/batch caller. Presence still needs the socket address: the token alone never carries an IP.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { jwtVerify, SignJWT } from 'jose'
import type { Clock } from '../clock.js'
import { GatewayError } from '../errors.js'

const ISSUER = 'stet-gateway-dev'
const AUDIENCE = 'stet-gateway'

export class UnauthenticatedError extends GatewayError {
  readonly code = 'UNAUTHENTICATED'
}

export interface DevTokenClaims {
  readonly psuId: string
  readonly present: boolean
  readonly banks: readonly string[]
}

export async function loadOrCreateDevSecret(dataDir: string): Promise<Uint8Array> {
  const file = path.join(dataDir, 'dev-token.secret')
  try {
    return Buffer.from((await readFile(file, 'utf8')).trim(), 'base64url')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  await mkdir(dataDir, { recursive: true })
  const secret = randomBytes(32)
  // 'wx': two processes starting together must not overwrite each other's secret.
  await writeFile(file, secret.toString('base64url'), { mode: 0o600, flag: 'wx' }).catch(async (error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  })
  return Buffer.from((await readFile(file, 'utf8')).trim(), 'base64url')
}

export async function issueDevToken(
  secret: Uint8Array,
  claims: DevTokenClaims,
  options: { clock: Clock; ttlSeconds: number },
): Promise<string> {
  const iat = Math.floor(options.clock() / 1000)
  return new SignJWT({ present: claims.present, banks: [...claims.banks] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.psuId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + options.ttlSeconds)
    .sign(secret)
}

export async function verifyDevToken(secret: Uint8Array, token: string, clock: Clock): Promise<DevTokenClaims> {
  try {
    const { payload } = await jwtVerify(token, secret, {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256'],
      currentDate: new Date(clock()),
    })
    const banks = Array.isArray(payload.banks) ? payload.banks.filter((b): b is string => typeof b === 'string') : []
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new Error('no subject')
    return { psuId: payload.sub, present: payload.present === true, banks }
  } catch (error) {
    throw new UnauthenticatedError('the bearer token is invalid or expired', { cause: error })
  }
}
