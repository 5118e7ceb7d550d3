/**
 * The STET 1.6.2 AIS client (DESIGN.md step 5). Every read takes a `BankAccess` (invariant 1): a `PsuContext` sends the
 * PSU-* headers and is not counted by the bank; a `Reservation` is a unit of the daily budget taken before the call and
 * NEVER sends a PSU-* header. What happens to the reservation follows invariant 4:
 * - released only when the request provably never left (refused, unresolved, or a failure before sending: no token);
 * - marked exhausted on the bank's limit answer (429, or 403 `TMRQ`: NOTES §5); kept spent on 5xx, timeouts, resets and every answer;
 * - the one replay after `401 invalid_token` takes its own unit first (`reserveReplay`, invariant 2), and a second 401
 *   ends in REAUTHORIZATION_REQUIRED. Nothing else is ever retried: each attempt may count against the bank's limit.
 * Every 2xx body is shape-checked (stet-schemas.ts) before use; errors never carry the bank's body (invariant 10).
 */
import { channel } from 'node:diagnostics_channel'
import type { Dispatcher } from 'undici'
import type { Clock } from '../clock.js'
import { bankRequestId } from '../observability/request-context.js'
import type { BankAccess, Reservation } from '../stet-api/access.js'
import type { ConsentAccess } from '../stet-api/wire.js'
import { STET_BASE_PATH } from '../stet-api/wire.js'
import type { BankTlsOptions } from './bank-transport.js'
import type { BankAnswer } from './bank-answer.js'
import { bpceCodeOf, checkBody, isInvalidTokenAnswer, isLimitAnswer, toBankError, schemaCheck } from './bank-answer.js'
import { createBankDispatcher, hasNeverLeft, joinPath, networkErrorCode, readBodyText } from './bank-transport.js'
import { computeDigest, signRequest } from './http-signature.js'
import { psuHeaders } from './psu-headers.js'
import type { CheckedStatement } from './checked-statements.js'
import { CheckedStatements, EMPTY_STATEMENT } from './checked-statements.js'
import type {
  CheckedAccounts,
  CheckedBalances,
  CheckedIdentity,
  CheckedOverdrafts,
  CheckedTransactionDetails,
} from './stet-schemas.js'
import { halTransactionDetailsSchema } from './stet-schemas.js'
import type { StetOperation } from './stet-errors.js'
import {
  BankCredentialsRejectedError,
  BankUnavailableError,
  ReauthorizationRequiredError,
  ReplayRefusedError,
  UnexpectedBankResponseError,
} from './stet-errors.js'
import type { ConnectionRef, TokenSource } from './token-source.js'
import { checkAccounts, checkBalances, checkIdentity, checkOverdrafts } from './resource-checks.js'
import { checkTransactions } from './transactions-check.js'

const CHECK_DETAILS = schemaCheck(halTransactionDetailsSchema)

export interface StetClientOptions {
  /** The TPP's organisation identifier (not sent on resource calls; kept with the signing identity). */
  clientId: string
  /** The Signature keyId: `defaultKeyId(host, qsealcCertPem)` or what the bank registered (NOTES §2.6). */
  keyId: string
  /** The QSealC private key (PEM). */
  signingKeyPem: string
  /** The QWAC for mTLS; absent = plain http (the local sandbox). */
  tls?: BankTlsOptions
  /** From banks.ts + the STET_BASE_URL override. */
  baseUrlFor: (bank: string) => string
  timeouts: { connectMs: number; headersMs: number; bodyMs: number }
  maxConnectionsPerOrigin: number
  /** What an operator should check when the bank rejects our signature (a BANK_CREDENTIALS_REJECTED error names it). */
  signatureSetting?: string
}

/** The bound of the transactions answers kept checked (checked-statements.ts), in estimated bytes. */
const STATEMENT_MEMO_BYTES = 16 * 1024 * 1024

export interface StetClientDeps {
  tokens: TokenSource
  clock: Clock
  /** Share one dispatcher with the OAuthClient; absent = the client makes (and closes) its own from the options. */
  dispatcher?: Dispatcher
}

/** `dateFrom` inclusive, `dateTo` exclusive, formatted by the caller as `YYYY-MM-DDTHH:MM:SS.SSS+HH:MM` (NOTES §9). */
export interface TransactionRange {
  dateFrom?: string
  dateTo?: string
}

/**
 * A signed request with no PSU behind it: the credentials probe (`probeSignature`). Never a way to read data: its token
 * is a client_credentials one, which names no PSU, so no PSU's budget can be spent by it (DESIGN inv. 2 counts per PSU).
 */
type AttemptAccess = BankAccess | { readonly kind: 'probe' }

/** Published on {@link STET_REQUEST_CHANNEL} after every attempt. No query, no PSU id, no token. */
export interface StetRequestEvent {
  bank: string
  operation: StetOperation
  method: string
  path: string
  /** Undefined when no answer came (see `errorCode`). */
  status: number | undefined
  errorCode?: string
  durationMs: number
  requestId: string
  batch: boolean
  /** `psu` (PSU-* headers sent), `reservation` (unattended, counted) or `probe` (the credentials probe, no PSU). */
  access: 'psu' | 'reservation' | 'probe'
  replay: boolean
}

export const STET_REQUEST_CHANNEL = 'gateway:stet:request'
const requestChannel = channel(STET_REQUEST_CHANNEL)

interface BankRequest {
  operation: StetOperation
  method: 'GET' | 'PUT'
  /** Under STET_BASE_PATH, already percent-encoded. */
  resourcePath: string
  query?: string
  body?: Buffer
}

function encodeSegment(value: string): string {
  if (value === '') throw new TypeError('a resource id must be a non-empty string')
  return encodeURIComponent(value)
}

/** `+` must become %2B (a raw `+` decodes as a space, NOTES §9 Rec); `:` stays readable, RFC 3986 allows it in a query. */
function encodeQueryValue(value: string): string {
  return encodeURIComponent(value).replace(/%3A/gi, ':')
}

export class StetClient {
  readonly #options: StetClientOptions
  readonly #tokens: TokenSource
  readonly #clock: Clock
  readonly #dispatcher: Dispatcher
  readonly #ownsDispatcher: boolean
  readonly #bases = new Map<string, { readonly origin: string; readonly pathname: string }>()
  readonly #statements: CheckedStatements

  constructor(options: StetClientOptions, deps: StetClientDeps) {
    if (options.keyId === '') throw new TypeError('keyId must be a non-empty string')
    this.#options = options
    this.#statements = new CheckedStatements(STATEMENT_MEMO_BYTES)
    this.#tokens = deps.tokens
    this.#clock = deps.clock
    this.#ownsDispatcher = deps.dispatcher === undefined
    this.#dispatcher = deps.dispatcher ?? createBankDispatcher(options)
  }

  /**
   * `GET /accounts`. `NAAC` (no eligible or authorised account) is an empty list, not an error, whatever 4xx status
   * carries it (NOTES §5; Yolt and Tink both map it so).
   */
  listAccounts(ref: ConnectionRef, access: BankAccess): Promise<CheckedAccounts> {
    const empty = (): CheckedAccounts => ({ accounts: [], _links: { self: { href: `${STET_BASE_PATH}/accounts` } } })
    return this.#call(ref, access, { operation: 'accounts', method: 'GET', resourcePath: '/accounts' }, (answer) => {
      if (answer.status === 204) return empty()
      if (answer.status >= 400) return bpceCodeOf(answer) === 'NAAC' ? empty() : undefined
      return checkBody('accounts', answer, checkAccounts)
    })
  }

  getBalances(ref: ConnectionRef, accountResourceId: string, access: BankAccess): Promise<CheckedBalances> {
    const resourcePath = `/accounts/${encodeSegment(accountResourceId)}/balances`
    return this.#call(ref, access, { operation: 'balances', method: 'GET', resourcePath }, (answer) =>
      answer.status === 200 ? checkBody('balances', answer, checkBalances) : undefined,
    )
  }

  /**
   * `GET …/transactions`, 204 → no transactions. The `next` link is NOT followed: the bank has no pagination (at most
   * 500 operations, bank page "Limits") and each page would be one more counted call. The statement carries a digest
   * of what the bank answered (`''` for a 204), which tells an unchanged statement from a new one; an answer identical
   * to one already checked is the same statement object (checked-statements.ts): shared, never to be mutated.
   */
  getTransactions(
    ref: ConnectionRef,
    accountResourceId: string,
    range: TransactionRange,
    access: BankAccess,
  ): Promise<CheckedStatement> {
    const params: string[] = []
    if (range.dateFrom !== undefined) params.push(`dateFrom=${encodeQueryValue(range.dateFrom)}`)
    if (range.dateTo !== undefined) params.push(`dateTo=${encodeQueryValue(range.dateTo)}`)
    const request: BankRequest = {
      operation: 'transactions',
      method: 'GET',
      resourcePath: `/accounts/${encodeSegment(accountResourceId)}/transactions`,
      ...(params.length === 0 ? {} : { query: params.join('&') }),
    }
    return this.#call(ref, access, request, (answer) => {
      if (answer.status === 204) return EMPTY_STATEMENT
      if (answer.status !== 200) return undefined
      return this.#statements.of(answer.text, () => checkBody('transactions', answer, checkTransactions).transactions)
    })
  }

  /** `GET …/transactions/{id}/details` (STET 1.6, absent from the 1.5 OAS: NOTES §7); the body is kept opaque. */
  getTransactionDetails(
    ref: ConnectionRef,
    accountResourceId: string,
    transactionResourceId: string,
    access: BankAccess,
  ): Promise<CheckedTransactionDetails> {
    const resourcePath = `/accounts/${encodeSegment(accountResourceId)}/transactions/${encodeSegment(transactionResourceId)}/details`
    return this.#call(ref, access, { operation: 'details', method: 'GET', resourcePath }, (answer) =>
      answer.status === 200 ? checkBody('details', answer, CHECK_DETAILS) : undefined,
    )
  }

  getOverdrafts(ref: ConnectionRef, accountResourceId: string, access: BankAccess): Promise<CheckedOverdrafts> {
    const resourcePath = `/accounts/${encodeSegment(accountResourceId)}/overdrafts`
    return this.#call(ref, access, { operation: 'overdrafts', method: 'GET', resourcePath }, (answer) =>
      answer.status === 200 ? checkBody('overdrafts', answer, checkOverdrafts) : undefined,
    )
  }

  /** `GET /end-user-identity`: 403 without a `psuIdentity: true` consent (bank page "Get PSU's identity"). */
  getIdentity(ref: ConnectionRef, access: BankAccess): Promise<CheckedIdentity> {
    return this.#call(
      ref,
      access,
      { operation: 'identity', method: 'GET', resourcePath: '/end-user-identity' },
      (answer) => (answer.status === 200 ? checkBody('identity', answer, checkIdentity) : undefined),
    )
  }

  /** `PUT /consents`: replaces the previous consent; 201 with no body (bank page "Forward customer's consent"). */
  putConsents(ref: ConnectionRef, body: ConsentAccess, access: BankAccess): Promise<void> {
    // Serialised once: these exact bytes are hashed into Digest and sent (NOTES §2.5).
    const bytes = Buffer.from(JSON.stringify(body), 'utf8')
    return this.#call(
      ref,
      access,
      { operation: 'consents', method: 'PUT', resourcePath: '/consents', body: bytes },
      (answer) => (answer.status >= 200 && answer.status < 300 ? null : undefined),
    ).then(() => undefined)
  }

  /** Closes the dispatcher if this client created it. */
  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.close()
  }

  /**
   * One logical call: token, attempt, at most one replay after `401 invalid_token`, then the outcome mapping.
   * `accept` returns the value for a status it handles, or undefined to fall through to the error mapping.
   */
  async #call<T>(
    ref: ConnectionRef,
    access: BankAccess,
    request: BankRequest,
    accept: (answer: BankAnswer) => T | undefined,
  ): Promise<T> {
    let token: string
    try {
      token = await this.#tokens.getAccessToken(ref)
    } catch (error) {
      // Nothing was sent to the bank's resource server: the unit goes back (invariant 4).
      if (access.kind === 'reservation') await quietly(access.release())
      throw error
    }
    let current: BankAccess = access
    let answer = await this.#attempt(ref, current, request, token, false)
    if (answer.status === 401) {
      // Not the token: the bank refused our signature or key, and no SCA of the PSU would change that.
      if (!isInvalidTokenAnswer(answer)) throw this.#credentialsRejected(request.operation)
      const fresh = await this.#tokens.refreshAfterInvalidToken(ref, token)
      if (current.kind === 'reservation') {
        const replay: Reservation | undefined = await current.reserveReplay()
        if (replay === undefined) throw new ReplayRefusedError(request.operation)
        current = replay
      }
      answer = await this.#attempt(ref, current, request, fresh, true)
      if (answer.status === 401)
        throw isInvalidTokenAnswer(answer)
          ? new ReauthorizationRequiredError('unauthorized-after-refresh')
          : this.#credentialsRejected(request.operation)
    }
    if (answer.status >= 200 && answer.status < 300) {
      const value = accept(answer)
      if (value === undefined) throw new UnexpectedBankResponseError(request.operation, answer.status)
      return value
    }
    // The limit first: a 403 TMRQ must never reach a handler or the consent mapping (NOTES §5).
    if (isLimitAnswer(answer)) {
      if (current.kind === 'reservation') await quietly(current.markExhausted())
      throw toBankError(request.operation, answer)
    }
    const handled = answer.status >= 400 && answer.status < 500 ? accept(answer) : undefined
    if (handled !== undefined) return handled
    throw toBankError(request.operation, answer)
  }

  /**
   * `GET /accounts` signed like any call, with a client_credentials token (no PSU) and no PSU-* header: the bank checks
   * the Signature (and mTLS) before it looks at the token's PSU, so a 403 means our credentials passed and a 401 that
   * is not `invalid_token` means they did not. No PSU is named, so nothing is counted (the sandbox's stats show it).
   */
  async probeSignature(bank: string, clientCredentialsToken: string): Promise<'accepted' | 'rejected'> {
    const request: BankRequest = { operation: 'probe', method: 'GET', resourcePath: '/accounts' }
    const answer = await this.#attempt({ bank, psuId: '' }, { kind: 'probe' }, request, clientCredentialsToken, false)
    return answer.status === 401 && !isInvalidTokenAnswer(answer) ? 'rejected' : 'accepted'
  }

  /** What an operator should check when the bank rejects our signature. */
  get signatureSetting(): string {
    return this.#options.signatureSetting ?? 'the QSealC signing key and the Signature keyId'
  }

  #credentialsRejected(operation: StetOperation): BankCredentialsRejectedError {
    return new BankCredentialsRejectedError(operation, 'signature', this.signatureSetting)
  }

  #headers(
    access: AttemptAccess,
    request: BankRequest,
    pathWithQuery: string,
    requestId: string,
    body: Buffer,
    token: string,
  ): Record<string, string> {
    // One object: signed first (the signature covers these), then the three that are not signed.
    const headers: Record<string, string> = {
      date: new Date(this.#clock()).toUTCString(),
      'x-request-id': requestId,
      digest: computeDigest(body),
    }
    if (request.body !== undefined) headers['content-type'] = 'application/json'
    // Invariant 1: PSU-* only from a PsuContext; a Reservation never sends one.
    if (access.kind === 'psu') Object.assign(headers, psuHeaders(access))
    const signature = signRequest({
      method: request.method,
      pathWithQuery,
      headers,
      keyId: this.#options.keyId,
      privateKeyPem: this.#options.signingKeyPem,
    })
    headers.authorization = `Bearer ${token}`
    headers.accept = 'application/hal+json, application/json'
    headers.signature = signature
    return headers
  }

  /** A bank's base URL, parsed once per distinct text (it was a URL parse per bank call). */
  #baseOf(bank: string): { readonly origin: string; readonly pathname: string } {
    const text = this.#options.baseUrlFor(bank)
    let base = this.#bases.get(text)
    if (base === undefined) {
      const url = new URL(text)
      base = { origin: url.origin, pathname: url.pathname }
      if (this.#bases.size >= 64) this.#bases.clear()
      this.#bases.set(text, base)
    }
    return base
  }

  /** Sends one signed request and reads its whole answer. Network failures are mapped here (and the unit released). */
  async #attempt(
    ref: ConnectionRef,
    access: AttemptAccess,
    request: BankRequest,
    token: string,
    replay: boolean,
  ): Promise<BankAnswer> {
    const base = this.#baseOf(ref.bank)
    const path = joinPath(base.pathname, STET_BASE_PATH + request.resourcePath)
    const pathWithQuery = request.query === undefined ? path : `${path}?${request.query}`
    // The operation's request id, suffixed per call (one X-Request-ID per bank request, ≤ 70 chars: NOTES §2.7).
    const requestId = bankRequestId(access.kind === 'probe' ? undefined : access.requestIds)
    const body = request.body ?? Buffer.alloc(0)
    let headers: Record<string, string>
    try {
      headers = this.#headers(access, request, pathWithQuery, requestId, body, token)
    } catch (error) {
      // A bad PSU context or signing key: nothing left, the unit goes back (invariant 4).
      if (access.kind === 'reservation') await quietly(access.release())
      throw error
    }
    const startedAt = this.#clock()
    const publish = async (status: number | undefined, errorCode?: string): Promise<void> => {
      // The audit trail's outcome of the unit this attempt paid for (the call record was written before it left).
      if (access.kind === 'reservation' && access.recordAttempt !== undefined)
        await access.recordAttempt({ status, ...(errorCode === undefined ? {} : { errorCode }), requestId })
      if (!requestChannel.hasSubscribers) return
      const event: StetRequestEvent = {
        bank: ref.bank,
        operation: request.operation,
        method: request.method,
        path,
        status,
        ...(errorCode === undefined ? {} : { errorCode }),
        durationMs: this.#clock() - startedAt,
        requestId,
        batch: access.kind === 'reservation',
        access: access.kind,
        replay,
      }
      requestChannel.publish(event)
    }
    let response: Dispatcher.ResponseData
    try {
      response = await this.#dispatcher.request({
        origin: base.origin,
        path: pathWithQuery,
        method: request.method,
        headers,
        ...(request.body === undefined ? {} : { body }),
      })
    } catch (error) {
      await publish(undefined, networkErrorCode(error))
      const neverLeft = hasNeverLeft(error)
      if (neverLeft && access.kind === 'reservation') await quietly(access.release())
      throw new BankUnavailableError(request.operation, neverLeft, undefined, { cause: error })
    }
    let text: string
    try {
      text = await readBodyText(response.body)
    } catch (error) {
      await publish(response.statusCode, networkErrorCode(error))
      throw new BankUnavailableError(request.operation, false, response.statusCode, { cause: error })
    }
    await publish(response.statusCode)
    const www = response.headers['www-authenticate']
    return { status: response.statusCode, text, wwwAuthenticate: Array.isArray(www) ? www.join(', ') : www }
  }
}

/**
 * Giving a unit back or marking a key exhausted can fail when the ledger's store is down. Both failures err on the
 * safe side (the unit stays spent; the bank keeps enforcing its own count), so they must not replace the error that
 * says what happened at the bank.
 */
async function quietly(settlement: Promise<void>): Promise<void> {
  await settlement.catch(() => undefined)
}
