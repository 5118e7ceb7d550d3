/**
 * The path of one AIS request through the sandbox, in the order a gateway in front of the bank would apply it:
 * X-Request-ID → Signature/Digest → route and method (404/405) → bearer token → the daily limit → token expiry and
 * scope → the handler. The count happens as soon as the request is known to come from a PSU (even with an expired
 * or revoked token): the bank counts what reaches it (DESIGN.md invariant 2), and a 429 is recorded as refused.
 */
import type { IncomingMessage } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import type { AisMethod } from '../stet-api/wire.js'
import type { AisContext, AisHandler } from './ais-context.js'
import { getBalances, getOverdrafts, getTransactionDetails, getTransactions } from './account-resource-handlers.js'
import { getAccounts, getIdentity, putConsents } from './accounts-handlers.js'
import type { BankResponse } from './bank-http.js'
import { BankHttpError, BpceCodeError, headerValue } from './bank-http.js'
import type { ConsentStore } from './consent-store.js'
import type { DailyLimitCounter } from './daily-limit-counter.js'
import type { FaultInjector } from './fault-injector.js'
import type { OAuthAuthority } from './oauth-authority.js'
import { parisDay } from './paris-calendar.js'
import type { Persona } from './personas.js'
import type { MovingData } from './transaction-ledger.js'
import { resourceIdOf } from './personas.js'
import type { SignatureCheck, SignedRequest } from './signature-verifier.js'

interface AisRoute {
  httpMethod: 'GET' | 'PUT'
  aisMethod: AisMethod
  handler: AisHandler
  /** PUT /consents is recorded but not limited (NOTES §11 q9: the bank lists only the read methods). */
  limited: boolean
  accountResourceId?: string
  transactionResourceId?: string
}

export interface AisPipelineDeps {
  oauth: OAuthAuthority
  consents: ConsentStore
  counter: DailyLimitCounter
  verifySignature: (request: SignedRequest) => SignatureCheck
  findPersona: (psuId: string) => Persona | undefined
  now: () => number
  /** Delay before each AIS answer, after the call was counted. */
  latencyMs: number
  limitAnswer: LimitAnswer
  faults: FaultInjector
  moving: MovingData | undefined
}

/**
 * How the bank refuses a call past its daily limit: `429` with its French message (the body BPCE's gateway sent
 * Yolt), or `403-TMRQ`, a 403 whose message is the code `TMRQ` (what Tink's BPCE client reads as the limit, NOTES §5).
 */
export type LimitAnswer = '429' | '403-TMRQ'
export const LIMIT_ANSWERS: readonly LimitAnswer[] = ['429', '403-TMRQ']

/** The bank's real 429 message (NOTES §5, from BPCE's gateway). */
export const LIMIT_MESSAGE = 'Limite des appels par jour dépassée (Erreur H6B-QA03AAH5)'

function limitRefusal(answer: LimitAnswer): BankHttpError {
  return answer === '403-TMRQ' ? new BpceCodeError(403, 'TMRQ') : new BankHttpError(429, LIMIT_MESSAGE)
}
const MAX_REQUEST_ID_LENGTH = 70

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    throw new BankHttpError(404, 'Resource not found')
  }
}

/** `relativePath` is the path under STET_BASE_PATH, e.g. `/accounts/175150009204004305180/balances`. */
function matchRoute(relativePath: string): AisRoute | undefined {
  const segments = relativePath.replace(/\/+$/, '').split('/').slice(1)
  const [first, id, resource, transactionId, details] = segments
  if (segments.length === 1 && first === 'accounts') {
    return { httpMethod: 'GET', aisMethod: 'accounts', handler: getAccounts, limited: true }
  }
  if (segments.length === 1 && first === 'consents') {
    return { httpMethod: 'PUT', aisMethod: 'consents', handler: putConsents, limited: false }
  }
  if (segments.length === 1 && first === 'end-user-identity') {
    return { httpMethod: 'GET', aisMethod: 'identity', handler: getIdentity, limited: true }
  }
  if (first !== 'accounts' || !id) return undefined
  const accountResourceId = decodeSegment(id)
  if (segments.length === 3) {
    const byResource: Partial<Record<string, [AisMethod, AisHandler]>> = {
      balances: ['balances', getBalances],
      transactions: ['transactions', getTransactions],
      overdrafts: ['overdrafts', getOverdrafts],
    }
    const found = resource === undefined ? undefined : byResource[resource]
    if (!found) return undefined
    return { httpMethod: 'GET', aisMethod: found[0], handler: found[1], limited: true, accountResourceId }
  }
  if (segments.length === 5 && resource === 'transactions' && transactionId && details === 'details') {
    return {
      httpMethod: 'GET',
      aisMethod: 'details',
      handler: getTransactionDetails,
      limited: true,
      accountResourceId,
      transactionResourceId: decodeSegment(transactionId),
    }
  }
  return undefined
}

function invalidToken(description: string): BankHttpError {
  // RFC 6750 §3.1 header plus an ErrorModel body naming invalid_token (NOTES §4 "Resource errors").
  return new BankHttpError(401, `invalid_token: ${description}`, {
    'WWW-Authenticate': `Bearer error="invalid_token", error_description="${description}"`,
  })
}

export async function handleAisRequest(
  deps: AisPipelineDeps,
  req: IncomingMessage,
  url: URL,
  relativePath: string,
  body: Buffer,
): Promise<BankResponse> {
  const requestId = headerValue(req, 'x-request-id')
  if (requestId === undefined || requestId === '') throw new BankHttpError(400, 'X-Request-ID header missing')
  if (requestId.length > MAX_REQUEST_ID_LENGTH) throw new BankHttpError(400, 'X-Request-ID longer than 70 characters')

  const method = req.method ?? 'GET'
  const check = deps.verifySignature({
    method,
    target: req.url ?? '/',
    header: (name) => headerValue(req, name),
    body,
  })
  if (!check.ok) {
    throw new BankHttpError(401, `Invalid ${check.failure}: ${check.reason}`)
  }

  const route = matchRoute(relativePath)
  if (!route) throw new BankHttpError(404, 'Resource not found')
  if (method !== route.httpMethod) {
    throw new BankHttpError(405, `Method ${method} not allowed`, { Allow: route.httpMethod })
  }

  const bearer = deps.oauth.inspect(headerValue(req, 'authorization'))
  if (bearer.kind === 'missing') {
    throw new BankHttpError(401, 'Bearer access token missing', { 'WWW-Authenticate': 'Bearer realm="stet"' })
  }
  if (bearer.kind === 'unknown') throw invalidToken('The access token is unknown')
  const psuId = bearer.grant.psuId
  const persona = psuId === undefined ? undefined : deps.findPersona(psuId)
  // A client_credentials token carries no PSU: no AIS data behind it.
  if (!persona) throw new BankHttpError(403, 'The access token is not linked to a PSU')

  const account =
    route.accountResourceId === undefined
      ? undefined
      : persona.accounts.find((candidate) => resourceIdOf(candidate.iban) === route.accountResourceId)
  const now = deps.now()
  const limitKey = {
    clientId: bearer.grant.clientId,
    psuId: persona.psuId,
    iban: route.accountResourceId === undefined ? null : (account?.iban ?? route.accountResourceId),
    method: route.aisMethod,
  }
  const decision = deps.counter.record(limitKey, parisDay(now), headerValue(req, 'psu-ip-address'), route.limited)
  if (decision === 'refused') throw limitRefusal(deps.limitAnswer)
  // A bank that takes time to answer (benchmarks, single-flight tests): the call is in flight meanwhile.
  const leave = deps.counter.enter(limitKey, parisDay(now))
  try {
    if (deps.latencyMs > 0) await sleep(deps.latencyMs)
  } finally {
    leave()
  }
  // A fault a test armed answers in place of everything after the count: the bank failed on a call it received.
  const fault = deps.faults.take({ method, path: relativePath, psuId: persona.psuId })
  if (fault) throw new BpceCodeError(fault.status, fault.message)

  if (bearer.kind === 'expired') throw invalidToken('The access token expired')
  if (bearer.kind === 'revoked') throw invalidToken('The access token was revoked')
  if (!bearer.grant.scope.split(' ').includes('aisp')) {
    throw new BankHttpError(403, 'The access token scope does not allow AIS')
  }

  const context: AisContext = {
    clientId: bearer.grant.clientId,
    persona,
    consent: deps.consents.get(bearer.grant.clientId, persona),
    consents: deps.consents,
    account,
    accountResourceId: route.accountResourceId,
    transactionResourceId: route.transactionResourceId,
    query: url.searchParams,
    body,
    now,
    moving: deps.moving,
  }
  return route.handler(context)
}
