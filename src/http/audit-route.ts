/**
 * `GET /audit/unattended?from=…&to=…`: the trail of unattended bank calls as NDJSON, one call per line, for an
 * operator only (a token matching AUTH_OPERATOR_CLAIM; `npm run token -- --operator` in sandbox mode). No token or a
 * refused one is 401; a PSU's or a partner's token is 403. The answer is streamed with backpressure: a year of calls
 * costs the memory of one page of records, never the whole range.
 *
 * `from` and `to` are ISO 8601 dates or date-times with an offset. A date is a bank day (Europe/Paris): `from` starts at
 * its midnight, `to` takes the whole day (`from=2026-12-01&to=2026-12-01` is that one day). A date-time is an instant;
 * `to` is exclusive. `to` defaults to now.
 */
import { once } from 'node:events'
import type { IncomingMessage } from 'node:http'
import { DateTime } from 'luxon'
import type { Caller } from '../auth/caller.js'
import type { Clock } from '../clock.js'
import { GatewayError } from '../errors.js'
import { sendError, type Route } from './gateway-http.js'

export interface AuditRouteDeps {
  readonly verifyCaller: (req: IncomingMessage) => Promise<Caller>
  /** The entries whose call time is in `[from, to)`, in call order. */
  readonly entries: (range: { from: number; to: number }) => AsyncIterable<unknown>
  readonly clock: Clock
}

const DATE = /^\d{4}-\d{2}-\d{2}$/
/** A date-time must say its offset: a bare local time would mean whatever zone the server runs in. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/

export function auditRoute(deps: AuditRouteDeps): Route {
  return {
    method: 'GET',
    path: '/audit/unattended',
    handler: async (req, res, url) => {
      res.setHeader('cache-control', 'no-store')
      let caller: Caller
      try {
        caller = await deps.verifyCaller(req)
      } catch (error) {
        return sendError(
          res,
          401,
          'UNAUTHENTICATED',
          error instanceof GatewayError ? error.message : 'authentication failed',
        )
      }
      if (caller.operator !== true) return sendError(res, 403, 'FORBIDDEN', 'the audit trail is for operators only')
      const fromRaw = url.searchParams.get('from')
      const toRaw = url.searchParams.get('to')
      if (fromRaw === null)
        return sendError(res, 400, 'BAD_REQUEST', 'from is required (an ISO 8601 date or date-time)')
      const from = instantOf(fromRaw, 'start')
      const to = toRaw === null ? deps.clock() : instantOf(toRaw, 'end')
      if (from === undefined || to === undefined)
        return sendError(
          res,
          400,
          'BAD_REQUEST',
          'from and to must be ISO 8601 dates (2026-12-01) or date-times with an offset (2026-12-01T08:00:00Z)',
        )
      if (to < from) return sendError(res, 400, 'BAD_REQUEST', 'to must not be before from')
      res.statusCode = 200
      res.setHeader('content-type', 'application/x-ndjson; charset=utf-8')
      for await (const entry of deps.entries({ from, to })) {
        if (res.write(`${JSON.stringify(entry)}\n`)) continue
        // The client reads slowly: wait for it (or for it to leave, which ends the read of the store too).
        await Promise.race([once(res, 'drain'), once(res, 'close')])
        if (res.destroyed) return
      }
      res.end()
    },
  }
}

/** A bank day's bound (`start`: its midnight; `end`: the next one), or the instant a date-time names. */
function instantOf(raw: string, bound: 'start' | 'end'): number | undefined {
  if (DATE.test(raw)) {
    const day = DateTime.fromISO(raw, { zone: 'Europe/Paris' })
    if (!day.isValid) return undefined
    return (bound === 'start' ? day.startOf('day') : day.startOf('day').plus({ days: 1 })).toMillis()
  }
  if (!DATE_TIME.test(raw)) return undefined
  const at = DateTime.fromISO(raw, { setZone: true })
  return at.isValid ? at.toMillis() : undefined
}
