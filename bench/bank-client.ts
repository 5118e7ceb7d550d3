/**
 * What a TPP writes by hand to talk to the bank, shared by the two baselines (V0, V1): the sandbox OAuth flow per
 * PSU (`/authorize?…&psu=` → 302 with a code → `/token`), `PUT /consents` for everything the PSU owns, and signed
 * GETs on undici (src/stet/http-signature.ts, as the gateway signs). No cache, no quota, no retry, no schema check.
 */
import { randomUUID } from 'node:crypto'
import { Agent, request } from 'undici'
import type { Dispatcher } from 'undici'
import { loadOrCreateDevPki } from '../src/pki/dev-pki.js'
import { OAUTH_AUTHORIZE_PATH, OAUTH_TOKEN_PATH, STET_BASE_PATH } from '../src/stet-api/wire.js'
import type { AccountResource, ConsentAccess } from '../src/stet-api/wire.js'
import { computeDigest, defaultKeyId, EMPTY_BODY_DIGEST, signRequest } from '../src/stet/http-signature.js'

export interface BankClientOptions {
  readonly baseUrl: string
  readonly clientId: string
  /** The development PKI directory the bank trusts (DATA_DIR/pki). */
  readonly pkiDir: string
  /** Connections to the bank (the gateway's STET_MAX_CONNECTIONS counterpart). */
  readonly connections: number
}

export interface BankAnswer {
  readonly status: number
  /** Parsed JSON, or undefined for an empty body. */
  readonly json: unknown
}

/** What the baselines' code asks of a bank: the real one (`BankClient`) or the in-memory floor (`MemoryBank`). */
export interface BankReads {
  get(psuId: string, resourcePath: string, psuIp: string | undefined): Promise<BankAnswer>
  close(): Promise<void>
}

const REDIRECT_URI = 'http://127.0.0.1/bench-callback'

export class BankClient implements BankReads {
  readonly #options: BankClientOptions
  readonly #dispatcher: Dispatcher
  readonly #origin: string
  readonly #tokens = new Map<string, string>()
  #keyId = ''
  #signingKeyPem = ''

  constructor(options: BankClientOptions) {
    this.#options = options
    this.#origin = new URL(options.baseUrl).origin
    this.#dispatcher = new Agent({ connections: options.connections })
  }

  async loadKeys(): Promise<void> {
    const pki = await loadOrCreateDevPki(this.#options.pkiDir, { clientId: this.#options.clientId })
    this.#signingKeyPem = pki.qsealc.keyPem
    this.#keyId = defaultKeyId('localhost', pki.qsealc.certPem)
  }

  /** OAuth flow + consent for every account the PSU owns (PSU present: none of it counts against the limit). */
  async link(psuId: string): Promise<void> {
    const state = randomUUID()
    const authorize = new URL(OAUTH_AUTHORIZE_PATH, this.#options.baseUrl)
    for (const [name, value] of Object.entries({
      response_type: 'code',
      client_id: this.#options.clientId,
      redirect_uri: REDIRECT_URI,
      scope: 'aisp',
      state,
      psu: psuId,
    }))
      authorize.searchParams.set(name, value)
    const redirect = await request(authorize, { dispatcher: this.#dispatcher })
    await redirect.body.dump()
    const location = redirect.headers.location
    if (redirect.statusCode !== 302 || typeof location !== 'string')
      throw new Error(`authorize ${psuId}: HTTP ${redirect.statusCode}`)
    const code = new URL(location).searchParams.get('code') ?? ''
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      client_id: this.#options.clientId,
    })
    const tokenAnswer = await request(new URL(OAUTH_TOKEN_PATH, this.#options.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      dispatcher: this.#dispatcher,
    })
    const token = (await tokenAnswer.body.json()) as { access_token?: string }
    if (tokenAnswer.statusCode !== 200 || token.access_token === undefined)
      throw new Error(`token ${psuId}: HTTP ${tokenAnswer.statusCode}`)
    this.#tokens.set(psuId, token.access_token)

    const list = await this.get(psuId, '/accounts', '127.0.0.1')
    const ibans = ((list.json as { accounts?: AccountResource[] }).accounts ?? []).flatMap((a) =>
      a.accountId?.iban === undefined ? [] : [{ iban: a.accountId.iban }],
    )
    const consent: ConsentAccess = {
      balances: ibans,
      transactions: ibans,
      overdrafts: ibans,
      psuIdentity: true,
      trustedBeneficiaries: false,
    }
    const put = await this.send(psuId, 'PUT', '/consents', '127.0.0.1', Buffer.from(JSON.stringify(consent), 'utf8'))
    if (put.status !== 201) throw new Error(`consents ${psuId}: HTTP ${put.status}`)
  }

  /** A signed GET under STET_BASE_PATH; `psuIp` present = the PSU is there (PSU-IP-Address sent, never limited). */
  get(psuId: string, resourcePath: string, psuIp: string | undefined): Promise<BankAnswer> {
    return this.send(psuId, 'GET', resourcePath, psuIp, undefined)
  }

  async send(
    psuId: string,
    method: 'GET' | 'PUT',
    resourcePath: string,
    psuIp: string | undefined,
    body: Buffer | undefined,
  ): Promise<BankAnswer> {
    const token = this.#tokens.get(psuId)
    if (token === undefined) throw new Error(`PSU ${psuId} is not linked`)
    const pathWithQuery = `${STET_BASE_PATH}${resourcePath}`
    const signed: Record<string, string> = {
      date: new Date().toUTCString(),
      'x-request-id': randomUUID(),
      digest: body === undefined ? EMPTY_BODY_DIGEST : computeDigest(body),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(psuIp === undefined ? {} : { 'psu-ip-address': psuIp }),
    }
    const signature = signRequest({
      method,
      pathWithQuery,
      headers: signed,
      keyId: this.#keyId,
      privateKeyPem: this.#signingKeyPem,
    })
    const answer = await this.#dispatcher.request({
      origin: this.#origin,
      path: pathWithQuery,
      method,
      headers: {
        ...signed,
        authorization: `Bearer ${token}`,
        accept: 'application/hal+json, application/json',
        signature,
      },
      ...(body === undefined ? {} : { body }),
    })
    const text = await answer.body.text()
    return { status: answer.statusCode, json: text === '' ? undefined : JSON.parse(text) }
  }

  close(): Promise<void> {
    return this.#dispatcher.close()
  }
}

/** A bank answer that is not 2xx, carried up to the baseline's own error handling. */
export class BankStatusError extends Error {
  constructor(
    readonly status: number,
    readonly resource: string,
  ) {
    super(`bank answered ${status} on ${resource}`)
  }
}

export function ok(answer: BankAnswer, resource: string): unknown {
  if (answer.status < 200 || answer.status >= 300) throw new BankStatusError(answer.status, resource)
  return answer.json
}

/**
 * The baselines' bank connection from their environment (BANK_URL, STET_CLIENT_ID, PKI_DIR, BANK_CONNECTIONS), with
 * the PSUs of PSUS already linked: V0 and V1 start the same way.
 */
export async function bankFromEnv(env: NodeJS.ProcessEnv): Promise<BankClient> {
  const bank = new BankClient({
    baseUrl: env.BANK_URL ?? 'http://127.0.0.1:4010',
    clientId: env.STET_CLIENT_ID ?? 'PSDFR-ACPR-SANDBOX',
    pkiDir: env.PKI_DIR ?? './data/pki',
    connections: Number(env.BANK_CONNECTIONS ?? '32'),
  })
  await bank.loadKeys()
  for (const psu of (env.PSUS ?? '').split(',').filter(Boolean)) await bank.link(psu)
  return bank
}
