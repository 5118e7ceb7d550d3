/**
 * Test harness for the sandbox bank: a movable clock, the OAuth flow for a persona, and signed AIS calls over undici.
 * AIS calls send `PSU-IP-Address` unless `unattended: true`, so that only the tests about the daily limit spend it.
 */
import { randomUUID } from 'node:crypto'
import type { Dispatcher } from 'undici'
import { request } from 'undici'
import type { Clock } from '../../src/clock.js'
import type { DevPki } from '../../src/pki/dev-pki.js'
import { createDevPki, sha256FingerprintHex } from '../../src/pki/dev-pki.js'
import type { SandboxBank, SandboxOptions } from '../../src/sandbox/sandbox-bank.js'
import { startSandboxBank } from '../../src/sandbox/sandbox-bank.js'
import type { TokenResponse } from '../../src/stet-api/wire.js'
import { OAUTH_AUTHORIZE_PATH, OAUTH_TOKEN_PATH, STET_BASE_PATH } from '../../src/stet-api/wire.js'
import type { SignOptions } from './sign-request.js'
import { signRequest } from './sign-request.js'

export const CLIENT_ID = 'PSDFR-ACPR-SANDBOX'
export const REDIRECT_URI = 'https://tpp.example/callback'

/** A clock the test moves by hand. */
export class MutableClock {
  constructor(public nowMs: number) {}
  readonly clock: Clock = () => this.nowMs
  set(iso: string): void {
    this.nowMs = Date.parse(iso)
  }
  advance(ms: number): void {
    this.nowMs += ms
  }
}

export interface SandboxSession {
  bank: SandboxBank
  pki: DevPki
  time: MutableClock
  keyId: string
  dispatcher?: Dispatcher
}

let sharedPki: DevPki | undefined
/** One PKI per test file is enough: RSA key generation is the slow part. */
export function testPki(): DevPki {
  sharedPki ??= createDevPki({ clientId: CLIENT_ID })
  return sharedPki
}

export async function startSession(
  options: Partial<SandboxOptions> & { nowIso?: string; dispatcher?: Dispatcher } = {},
): Promise<SandboxSession> {
  const pki = testPki()
  const time = new MutableClock(Date.parse(options.nowIso ?? '2025-11-25T10:00:00.000+01:00'))
  const bank = await startSandboxBank({
    clientId: CLIENT_ID,
    tppCertificatePem: pki.qsealc.certPem,
    clock: time.clock,
    ...options,
  })
  const keyId = `https://tpp.example/certs/qsealc_${sha256FingerprintHex(pki.qsealc.certPem)}`
  return { bank, pki, time, keyId, dispatcher: options.dispatcher }
}

export interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
  /** The parsed JSON body, or undefined when empty or not JSON. */
  json: unknown
}

/** One request to the sandbox as given: no signature, no token. */
export async function rawRequest(
  session: SandboxSession,
  method: Dispatcher.HttpMethod,
  target: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<RawResponse> {
  const response = await request(`${session.bank.url}${target}`, {
    method,
    headers,
    body,
    dispatcher: session.dispatcher,
  })
  const text = await response.body.text()
  // JSON bodies only: the login page is HTML.
  const isJson = /json/.test(String(response.headers['content-type'] ?? 'application/json'))
  return {
    status: response.statusCode,
    headers: response.headers,
    text,
    json: text === '' || !isJson ? undefined : JSON.parse(text),
  }
}

export async function authorize(
  session: SandboxSession,
  params: Record<string, string>,
): Promise<{ status: number; location?: string; json: unknown }> {
  const query = new URLSearchParams(params).toString()
  const response = await rawRequest(session, 'GET', `${OAUTH_AUTHORIZE_PATH}?${query}`, {})
  const location = response.headers.location
  return { status: response.status, location: typeof location === 'string' ? location : undefined, json: response.json }
}

export async function postForm(
  session: SandboxSession,
  path: string,
  form: Record<string, string>,
): Promise<RawResponse> {
  return rawRequest(
    session,
    'POST',
    path,
    { 'content-type': 'application/x-www-form-urlencoded' },
    Buffer.from(new URLSearchParams(form).toString()),
  )
}

/** The authorization code flow for one persona: authorize (auto-approved) then the code exchange (no scope). */
export async function obtainToken(session: SandboxSession, psuId: string, scope = 'aisp'): Promise<TokenResponse> {
  const state = randomUUID()
  const answer = await authorize(session, {
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    scope,
    state,
    psu: psuId,
  })
  if (answer.status !== 302 || !answer.location) throw new Error(`authorize answered ${answer.status}`)
  const callback = new URL(answer.location)
  if (callback.searchParams.get('state') !== state) throw new Error('state not echoed')
  const code = callback.searchParams.get('code') ?? ''
  const token = await postForm(session, OAUTH_TOKEN_PATH, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    client_id: CLIENT_ID,
  })
  if (token.status !== 200) throw new Error(`token answered ${token.status}: ${token.text}`)
  return token.json as TokenResponse
}

export interface AisCall {
  method?: Dispatcher.HttpMethod
  /** Under STET_BASE_PATH, query included, e.g. `/accounts`. */
  path: string
  token?: string
  /** JSON-serialised once; the digest covers these exact bytes. */
  json?: unknown
  /** Omit PSU-IP-Address: a batch call that the daily limit counts. */
  unattended?: boolean
  /** Extra request headers (lower-case names), signed by default. */
  headers?: Record<string, string>
  /** Headers added after signing (not signed). */
  unsignedHeaders?: Record<string, string>
  requestId?: string | null
  /** Tweak or spoil the signature; `false` sends none. */
  sign?: Partial<SignOptions> | false
  /** Send these bytes instead of the signed ones (body tampering). */
  sentBody?: Buffer
  /** Send this target instead of the signed one (path tampering). */
  sentPath?: string
}

export async function callAis(session: SandboxSession, call: AisCall): Promise<RawResponse> {
  const method = call.method ?? 'GET'
  const target = `${STET_BASE_PATH}${call.path}`
  const body = call.json === undefined ? undefined : Buffer.from(JSON.stringify(call.json), 'utf8')
  const headers: Record<string, string> = { ...call.headers }
  if (call.requestId !== null) headers['x-request-id'] = call.requestId ?? randomUUID()
  if (call.token !== undefined) headers.authorization = `Bearer ${call.token}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (!call.unattended) headers['psu-ip-address'] = '203.0.113.7'
  const authorization = headers.authorization
  delete headers.authorization
  const signed =
    call.sign === false
      ? { ...headers, digest: undefined }
      : signRequest(
          { method, target, headers, body },
          { keyPem: session.pki.qsealc.keyPem, keyId: session.keyId, ...call.sign },
        )
  const finalHeaders: Record<string, string> = {}
  for (const [name, value] of Object.entries(signed)) if (value !== undefined) finalHeaders[name] = value
  if (authorization !== undefined) finalHeaders.authorization = authorization
  Object.assign(finalHeaders, call.unsignedHeaders)
  const sentTarget = call.sentPath === undefined ? target : `${STET_BASE_PATH}${call.sentPath}`
  return rawRequest(session, method, sentTarget, finalHeaders, call.sentBody ?? body)
}

/** Forward a consent (PSU present, so it costs nothing of the limit). */
export async function putConsent(
  session: SandboxSession,
  token: string,
  consent: { balances?: string[]; transactions?: string[]; overdrafts?: string[]; psuIdentity?: boolean },
): Promise<RawResponse> {
  return callAis(session, {
    method: 'PUT',
    path: '/consents',
    token,
    json: {
      balances: (consent.balances ?? []).map((iban) => ({ iban })),
      transactions: (consent.transactions ?? []).map((iban) => ({ iban })),
      overdrafts: (consent.overdrafts ?? []).map((iban) => ({ iban })),
      psuIdentity: consent.psuIdentity ?? false,
      trustedBeneficiaries: false,
    },
  })
}
