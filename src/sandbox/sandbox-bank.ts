/**
 * The repository's own STET 1.6.2 AIS sandbox bank, behaving like Caisse d'Epargne / BPCE's (bank-notes.md, NOTES.md),
 * including what hurts: the 4-a-day limit, the mixed consent model, string amounts, signatures checked, mTLS.
 * It is the referee of the gateway's quota in every later test, so it imports nothing of the gateway: only the wire
 * types, the dev PKI, the clock and npm packages (DESIGN.md "Who imports whom").
 */
import { createServer as createHttpServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import type { Clock } from '../clock.js'
import { systemClock } from '../clock.js'
import { OAUTH_AUTHORIZE_PATH, OAUTH_REVOKE_PATH, OAUTH_TOKEN_PATH, STET_BASE_PATH } from '../stet-api/wire.js'
import type { LimitAnswer } from './ais-pipeline.js'
import { handleAisRequest, LIMIT_ANSWERS } from './ais-pipeline.js'
import type { BankResponse } from './bank-http.js'
import { BankHttpError, BpceCodeError, errorResponse, headerValue, PLAIN_JSON, readBody, send } from './bank-http.js'
import { ConsentStore } from './consent-store.js'
import type { SandboxStats } from './daily-limit-counter.js'
import { DailyLimitCounter } from './daily-limit-counter.js'
import type { SandboxFault } from './fault-injector.js'
import { FaultInjector } from './fault-injector.js'
import { LOGIN_PAGE_HEADERS } from './login-page.js'
import type { OAuthAnswer } from './oauth-authority.js'
import { OAuthAuthority } from './oauth-authority.js'
import { loginHints, personaFinder } from './personas.js'
import { openSandboxPersistence } from './sandbox-persistence.js'
import type { SignatureMode } from './signature-verifier.js'
import { createSignatureVerifier } from './signature-verifier.js'

export type { LimitAnswer } from './ais-pipeline.js'
export type { SandboxStats, SandboxStatsKey } from './daily-limit-counter.js'
export type { SandboxFault } from './fault-injector.js'
export { SANDBOX_OTP } from './login-page.js'
export { NO_ACCOUNT_PSU } from './personas.js'

export interface SandboxOptions {
  /** Default 0 (ephemeral). */
  port?: number
  /** Default 127.0.0.1. */
  host?: string
  /** When given: HTTPS with mTLS; the client must present a certificate signed by `caPem` (the QWAC). */
  tls?: { keyPem: string; certPem: string; caPem: string }
  /** The TPP's QSealC: its public key verifies every `Signature`. */
  tppCertificatePem: string
  /** The TPP's OID, e.g. `PSDFR-ACPR-SANDBOX`; /authorize and /token require it. */
  clientId: string
  /** Default 3600, the bank's sandbox value (BANK Sandbox). */
  accessTokenTtlSeconds?: number
  /** Default 4 (BANK Limits). */
  dailyLimit?: number
  /** Default strict; lenient = well-formed only (Yolt-style, NOTES §2.3). */
  signatureMode?: SignatureMode
  /** Default systemClock. */
  clock?: Clock
  /** Delay every AIS answer by this much (a bank that takes time: benchmarks, single-flight tests). Default 0. */
  latencyMs?: number
  /** Also serve the benchmark personas (BENCH_PERSONAS in personas.ts). Default false. */
  benchPersonas?: boolean
  /**
   * Where the bank keeps its tokens, consents and daily counters across restarts (created 0700, files 0600; see
   * sandbox-persistence.ts). Absent: memory only, gone when the process ends (unit tests).
   */
  dataDir?: string
  /** How the daily limit refuses: `429` (default) or `403-TMRQ`, a 403 with BPCE's code TMRQ (NOTES §5). */
  limitAnswer?: LimitAnswer
}

export interface SandboxBank {
  /** e.g. `http://127.0.0.1:41234` (`https` with tls). */
  readonly url: string
  readonly port: number
  /** The same data as `GET /sandbox/stats`. */
  stats(): SandboxStats
  /** The `X-Request-ID` of the last 1000 requests received (AIS and OAuth), oldest first: what the bank was sent. */
  receivedRequestIds(): readonly string[]
  /** Lets tests move time (midnight in Paris, token expiry). */
  setClock(clock: Clock): void
  /**
   * Arms a fault: the next request matching it (one-shot, or `times` requests) is answered with `status` and the
   * BPCE-style body `{timestamp, status, message, path}` instead of the bank's answer. An AIS call it answers is
   * counted like any other, and its handler does not run (fault-injector.ts).
   */
  failNext(fault: SandboxFault): void
  /**
   * The PSU withdraws this TPP's access at the bank (out of the TPP's sight): its refresh and access tokens are
   * revoked, so the gateway's next refresh is refused `invalid_grant`. Returns how many refresh tokens were live.
   */
  revokePsuAccess(psuId: string): number
  /** How many refresh tokens of this PSU the bank would still honour (one per linked connection). */
  liveRefreshTokens(psuId: string): number
  /** How many answers the armed faults still hold (0 once every fault fired). */
  pendingFaults(): number
  /** Disarms every fault. */
  clearFaults(): void
  /** Resolves once the state changed so far is on disk (it always is before an answer leaves). */
  flushed(): Promise<void>
  close(): Promise<void>
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  const chosen = value ?? fallback
  if (!Number.isInteger(chosen) || chosen <= 0) throw new TypeError(`${name} must be a positive integer, got ${value}`)
  return chosen
}

function oauthResponse(answer: OAuthAnswer): BankResponse {
  if (answer.status === 302) return { status: 302, headers: { Location: answer.location, 'Cache-Control': 'no-store' } }
  if ('html' in answer) {
    return {
      status: answer.status,
      text: answer.html,
      contentType: 'text/html; charset=utf-8',
      headers: { ...LOGIN_PAGE_HEADERS },
    }
  }
  if (answer.body === undefined) return { status: 200 }
  return { status: answer.status, body: answer.body, contentType: PLAIN_JSON, headers: { 'Cache-Control': 'no-store' } }
}

export async function startSandboxBank(options: SandboxOptions): Promise<SandboxBank> {
  const dailyLimit = positiveInteger(options.dailyLimit, 4, 'dailyLimit')
  const accessTokenTtlSeconds = positiveInteger(options.accessTokenTtlSeconds, 3600, 'accessTokenTtlSeconds')
  let clock: Clock = options.clock ?? systemClock
  const now = () => clock()
  const limitAnswer = options.limitAnswer ?? '429'
  if (!LIMIT_ANSWERS.includes(limitAnswer))
    throw new TypeError(`limitAnswer must be one of ${LIMIT_ANSWERS.join(', ')}, got ${String(limitAnswer)}`)
  const benchPersonas = options.benchPersonas ?? false
  const findPersona = personaFinder({ benchPersonas })
  const oauth = new OAuthAuthority({
    clientId: options.clientId,
    accessTokenTtlSeconds,
    now,
    findPersona,
    loginHints: loginHints({ benchPersonas }),
  })
  const consents = new ConsentStore()
  const counter = new DailyLimitCounter(dailyLimit)
  const faults = new FaultInjector()
  const persistence = await openSandboxPersistence(options.dataDir, {
    'oauth.json': oauth,
    'consents.json': consents,
    'daily-counters.json': counter,
  })
  const verifySignature = createSignatureVerifier({
    certificatePem: options.tppCertificatePem,
    clientId: options.clientId,
    mode: options.signatureMode ?? 'strict',
  })
  const deps = {
    oauth,
    consents,
    counter,
    verifySignature,
    findPersona,
    now,
    latencyMs: options.latencyMs ?? 0,
    limitAnswer,
    faults,
  }

  /** An armed fault on an OAuth endpoint (AIS faults are taken in the pipeline, after the count). */
  function oauthFault(method: string, path: string): void {
    const fault = faults.take({ method, path })
    if (fault) throw new BpceCodeError(fault.status, fault.message)
  }

  async function route(req: IncomingMessage, url: URL): Promise<BankResponse> {
    const body = await readBody(req)
    const method = req.method ?? 'GET'
    const path = url.pathname
    const only = (allowed: string) => {
      if (method !== allowed) throw new BankHttpError(405, `Method ${method} not allowed`, { Allow: allowed })
    }
    if (path === OAUTH_AUTHORIZE_PATH) {
      if (method !== 'GET' && method !== 'POST')
        throw new BankHttpError(405, `Method ${method} not allowed`, { Allow: 'GET, POST' })
      oauthFault(method, path)
      // POST: the login page's form (login-page.ts).
      if (method === 'POST') return oauthResponse(oauth.login(new URLSearchParams(body.toString('utf8'))))
      return oauthResponse(oauth.authorize(url.searchParams))
    }
    if (path === OAUTH_TOKEN_PATH) {
      only('POST')
      oauthFault(method, path)
      return oauthResponse(oauth.token(new URLSearchParams(body.toString('utf8'))))
    }
    if (path === OAUTH_REVOKE_PATH) {
      only('POST')
      oauthFault(method, path)
      return oauthResponse(oauth.revoke(new URLSearchParams(body.toString('utf8'))))
    }
    if (path === '/sandbox/stats') {
      only('GET')
      return { status: 200, body: counter.stats(), contentType: PLAIN_JSON }
    }
    if (path === '/sandbox/reset') {
      only('POST')
      counter.reset()
      consents.reset()
      return { status: 204 }
    }
    if (path.startsWith(`${STET_BASE_PATH}/`)) {
      return handleAisRequest(deps, req, url, path.slice(STET_BASE_PATH.length), body)
    }
    throw new BankHttpError(404, 'Resource not found')
  }

  const received: string[] = []
  async function listener(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = headerValue(req, 'x-request-id')
    if (requestId !== undefined) {
      received.push(requestId)
      if (received.length > 1000) received.shift()
    }
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid')
    let response: BankResponse
    try {
      response = await route(req, url)
    } catch (error) {
      const bankError = error instanceof BankHttpError ? error : new BankHttpError(500, 'Internal server error')
      response = errorResponse(bankError, url.pathname, now())
    }
    try {
      // No answer leaves before what it changed (a token, a consent, a count) is on disk.
      await persistence.settled()
    } catch {
      response = errorResponse(new BpceCodeError(500, 'INTE'), url.pathname, now())
    }
    send(res, response, requestId)
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    listener(req, res).catch(() => res.destroy())
  }
  const server: Server = options.tls
    ? createHttpsServer(
        {
          key: options.tls.keyPem,
          cert: options.tls.certPem,
          ca: options.tls.caPem,
          requestCert: true,
          rejectUnauthorized: true,
        },
        onRequest,
      )
    : createHttpServer(onRequest)

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  const url = `${options.tls ? 'https' : 'http'}://${host}:${address.port}`

  return {
    url,
    port: address.port,
    stats: () => counter.stats(),
    receivedRequestIds: () => [...received],
    setClock(next: Clock) {
      clock = next
    },
    failNext: (fault) => faults.arm(fault),
    revokePsuAccess: (psuId) => oauth.revokePsu(psuId),
    liveRefreshTokens: (psuId) => oauth.liveRefreshTokens(psuId),
    pendingFaults: () => faults.pending(),
    clearFaults: () => faults.clear(),
    flushed: () => persistence.settled(),
    close: async () => {
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      })
      await persistence.settled()
    },
  }
}
