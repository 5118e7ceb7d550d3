import type { IncomingMessage } from 'node:http'
import type { Clock } from '../clock.js'
import type { Caller } from './caller.js'
import { UnauthenticatedError, verifyDevToken } from './dev-token.js'
import { presenceFromRequest } from './presence.js'

export interface CallerVerifierOptions {
  /** Development tokens are accepted only when this is true (sandbox mode); otherwise every token is refused. */
  readonly devTokens: boolean
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
  // Fail closed: until real caller authentication exists, a gateway not in sandbox mode accepts no caller at all, so
  // a development token minted earlier on the same DATA_DIR can never reach a live bank (nor claim presence there).
  if (!options.devTokens) throw new UnauthenticatedError('no caller authentication is configured for this environment')
  const claims = await verifyDevToken(options.devSecret, m[1], options.clock)
  const consumer = claims.present ? 'frontend' : 'partner'
  return {
    psuId: claims.psuId,
    consumer,
    presence: consumer === 'frontend' ? presenceFromRequest(req, options.trustedProxies, options.clock()) : undefined,
    banks: claims.banks.length > 0 ? claims.banks : [options.defaultBank],
  }
}
