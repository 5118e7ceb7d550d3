import type { IncomingMessage } from 'node:http'
import type { Clock } from '../clock.js'
import type { Caller } from './caller.js'
import { UnauthenticatedError, verifyDevToken } from './dev-token.js'
import { presenceFromRequest } from './presence.js'

export interface CallerVerifierOptions {
  readonly devSecret: Uint8Array
  readonly trustedProxies: readonly string[]
  readonly defaultBank: string
  readonly clock: Clock
}

/** Bearer token → Caller. Presence needs a token that says so AND comes from a frontend session (inv. 9). */
export async function verifyCaller(req: IncomingMessage, options: CallerVerifierOptions): Promise<Caller> {
  const auth = req.headers.authorization ?? ''
  const m = /^Bearer\s+(\S+)$/i.exec(auth)
  if (m?.[1] === undefined) throw new UnauthenticatedError('an Authorization: Bearer token is required (npm run token)')
  const claims = await verifyDevToken(options.devSecret, m[1], options.clock)
  const consumer = claims.present ? 'frontend' : 'partner'
  return {
    psuId: claims.psuId,
    consumer,
    presence: consumer === 'frontend' ? presenceFromRequest(req, options.trustedProxies, options.clock()) : undefined,
    banks: claims.banks.length > 0 ? claims.banks : [options.defaultBank],
  }
}
