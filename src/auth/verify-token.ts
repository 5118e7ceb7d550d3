/**
 * Verifies one bearer JWT against a `TokenProfile` with jose, and reads what the gateway needs from its claims.
 * Everything a token must prove is required here, whatever the profile: a signature by a known key with an allowed
 * asymmetric algorithm, `exp`, the issuer and audience when configured, `typ` when configured, `iat` when a maximum
 * age is set, and a PSU claim that can be used in keys. A refusal says why in a short sentence, never jose's detail.
 */
import { errors, jwtVerify, type JWTPayload } from 'jose'
import type { Clock } from '../clock.js'
import type { ClaimMapping, PresentRule } from '../config/auth-config.js'
import type { TokenProfile } from './token-profile.js'
import { UnauthenticatedError } from './unauthenticated-error.js'

export interface VerifiedToken {
  readonly psuId: string
  /** The token says the PSU is at the keyboard (its profile's present rule matched). */
  readonly present: boolean
  /** Bank codes from the banks claim; empty when the token names none. */
  readonly banks: readonly string[]
  /** The OAuth client the token was issued to (the client claim), when it names one. */
  readonly clientId: string | undefined
  /** When this verification stops holding by the token's own claims: `exp`, or `iat` + the maximum age (epoch ms). */
  readonly validUntilMs: number
}

export interface VerifyTokenOptions {
  readonly clock: Clock
  readonly clockToleranceSeconds: number
  readonly maxTokenAgeSeconds: number | undefined
}

/**
 * The PSU id goes into quota, cache and token keys (`tpp|bank|psu|…`, Redis hash tags `{bank:psu}`): no separator,
 * brace or space may appear in it, so one PSU can never name another's keys (DESIGN inv. 7, 8).
 */
const PSU_ID = /^[A-Za-z0-9._@:+-]{1,128}$/
const BANK_CODE = /^\d{5}$/

export async function verifyToken(
  token: string,
  profile: TokenProfile,
  options: VerifyTokenOptions,
): Promise<VerifiedToken> {
  const { claims } = profile
  let payload: JWTPayload
  try {
    ;({ payload } = await jwtVerify(token, profile.keys, {
      algorithms: [...profile.algorithms],
      ...(profile.issuers.length > 0 ? { issuer: [...profile.issuers] } : {}),
      ...(profile.audiences.length > 0 ? { audience: [...profile.audiences] } : {}),
      ...(profile.typ === undefined ? {} : { typ: profile.typ }),
      clockTolerance: options.clockToleranceSeconds,
      ...(options.maxTokenAgeSeconds === undefined ? {} : { maxTokenAge: options.maxTokenAgeSeconds }),
      requiredClaims: ['exp', ...(options.maxTokenAgeSeconds === undefined ? [] : ['iat'])],
      currentDate: new Date(options.clock()),
    }))
  } catch (error) {
    throw new UnauthenticatedError(`the bearer token is refused: ${reasonOf(error)}`, { cause: error })
  }
  const psuId = payload[claims.psuClaim]
  if (typeof psuId !== 'string' || !PSU_ID.test(psuId)) {
    throw new UnauthenticatedError(
      `the bearer token is refused: its "${claims.psuClaim}" claim must name the PSU (letters, digits and ._@:+- only, at most 128)`,
    )
  }
  // `exp` is required above; `iat` too whenever a maximum age is set.
  const expMs = (payload.exp ?? 0) * 1000
  const ageLimitMs =
    options.maxTokenAgeSeconds === undefined ? expMs : ((payload.iat ?? 0) + options.maxTokenAgeSeconds) * 1000
  return {
    psuId,
    present: isPresent(payload, claims.present),
    banks: banksOf(payload, claims),
    clientId: clientOf(payload, claims),
    validUntilMs: Math.min(expMs, ageLimitMs),
  }
}

/** Only an exact match counts: a look-alike scope, a string "true" for a boolean, a claim of another name is not present. */
export function isPresent(payload: JWTPayload, rule: PresentRule | undefined): boolean {
  if (rule === undefined) return false
  const value = payload[rule.claim]
  if (rule.kind === 'equals') return value === rule.value
  const values = typeof value === 'string' ? value.split(' ') : Array.isArray(value) ? value : []
  return values.some((v) => v === rule.value)
}

/** Only a non-empty string names a client: anything else is a token of no particular partner. */
function clientOf(payload: JWTPayload, claims: ClaimMapping): string | undefined {
  const value = payload[claims.clientClaim]
  return typeof value === 'string' && value !== '' ? value : undefined
}

function banksOf(payload: JWTPayload, claims: ClaimMapping): string[] {
  const value = payload[claims.banksClaim]
  if (value === undefined) return []
  const banks = typeof value === 'string' ? value.split(' ').filter(Boolean) : value
  if (!Array.isArray(banks) || !banks.every((b): b is string => typeof b === 'string' && BANK_CODE.test(b))) {
    throw new UnauthenticatedError(
      `the bearer token is refused: its "${claims.banksClaim}" claim must list 5-digit bank codes`,
    )
  }
  return banks
}

function reasonOf(error: unknown): string {
  // jose reports a token past the maximum age as JWTExpired on `iat`.
  if (error instanceof errors.JWTExpired) return error.claim === 'iat' ? 'it is too old' : 'it has expired'
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'iss':
        return 'its issuer is not accepted'
      case 'aud':
        return 'its audience is not this gateway'
      case 'nbf':
        return 'it is not valid yet'
      case 'iat':
        return error.reason === 'check_failed' ? 'it is too old (or issued in the future)' : 'it has no valid "iat"'
      case 'typ':
        return 'its type ("typ") is not accepted'
      case 'exp':
        return 'it has no valid expiry ("exp")'
      default:
        return `its "${error.claim}" claim is missing or invalid`
    }
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return 'its signing algorithm is not accepted'
  }
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return 'it is not signed by a known key'
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'its signature does not verify'
  if (error instanceof errors.JWTInvalid || error instanceof errors.JWSInvalid) return 'it is not a well-formed JWT'
  if (error instanceof UnauthenticatedError) return error.message
  return 'its signing keys could not be obtained'
}
