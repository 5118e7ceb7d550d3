/**
 * The sandbox's bodies against the STET OpenAPI 1.5.0.43 (found by test/support/stet-openapi.ts): every 200 body,
 * the bodies of the error statuses the bank's acceptance tests name (400, 403, 404, 405, 429: STET's ErrorModel), and
 * the empty 201 and 204.
 *
 * Where the bank deliberately departs from the 1.5 spec, the schema copy is adapted in memory, narrowly, and only
 * there (stet/NOTES.md):
 * - `AmountType.amount` may also be a decimal string: the bank sends `"-150.00"` (NOTES §6.3 "AmountType").
 * - `Transaction.remittanceInformation` may also be a bare array of lines: the bank's STET 1.4-style example
 *   `["Retrait Carte"]` (NOTES §6.4 "The bank's own example", §8 "1.4.x").
 * - `Transaction.resourceId` may be null: the bank's example has `"resourceId": null` (NOTES §6.4).
 * - `ErrorModel.timestamp` (and `Error400Model`'s) is any string: the bank writes `2021-04-07T23:51:12+0200` (no colon in the offset), not
 *   RFC 3339 (NOTES §5 "Real BPCE bodies"; the sandbox copies it, clients read it as an opaque string).
 * The BPCE-style answers (a code in `message`, no `error`: 403 TMRQ past the limit, 404 NAAC, and the 500 INTE and
 * 501 NIMP a test's fault injects) are ErrorModels too, and validated as such where the spec declares the status.
 * The overdraft's number amount needs no exception (OAS types amounts as numbers). Everything else is validated as
 * published, including `date-time` formats (RFC 3339), which ajv would otherwise ignore.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createRequire } from 'node:module'
import type { IOpenAPIResponseValidator, OpenAPIResponseValidatorArgs } from 'openapi-response-validator'
import type { OpenAPIV3 } from 'openapi-types'
import type { SandboxSession } from '../support/sandbox-session.js'
import { loadStetOpenApi } from '../support/stet-openapi.js'
import { NO_ACCOUNT_PSU } from '../../src/sandbox/sandbox-bank.js'
import { callAis, obtainToken, putConsent, startSession } from '../support/sandbox-session.js'
import {
  CLAIRE,
  CLAIRE_PRO,
  GEORGES,
  GEORGES_JOINT,
  LEA,
  LEA_MAIN,
  CLAIRE_PRIV,
  LEA_SECOND,
  MARC,
  TECHNCO,
  UNKNOWN_ACCOUNT,
} from '../support/sandbox-personas.js'

// A CommonJS module whose `exports.default` is the class: required as CommonJS so that it is the same under tsc and
// jest's native ESM mode (an ESM default import would yield the whole exports object).
const { default: OpenAPIResponseValidator } = createRequire(import.meta.url)('openapi-response-validator') as {
  default: new (args: OpenAPIResponseValidatorArgs) => IOpenAPIResponseValidator
}

type Schemas = Record<string, OpenAPIV3.SchemaObject>

/** The bank's documented departures from OAS 1.5, applied to a deep copy (see the file header). */
function withBankDepartures(spec: OpenAPIV3.Document): OpenAPIV3.Document {
  const copy = structuredClone(spec)
  const schemas = copy.components?.schemas as Schemas
  const amountType = schemas.AmountType as OpenAPIV3.SchemaObject
  const amountProperties = amountType.properties as Record<string, OpenAPIV3.SchemaObject>
  amountProperties.amount = {
    oneOf: [
      amountProperties.amount as OpenAPIV3.SchemaObject,
      { type: 'string', pattern: '^-?[0-9]+(\\.[0-9]{1,2})?$' },
    ],
  }
  const transaction = schemas.Transaction as OpenAPIV3.SchemaObject
  const transactionProperties = transaction.properties as Record<
    string,
    OpenAPIV3.ReferenceObject | OpenAPIV3.SchemaObject
  >
  transactionProperties.remittanceInformation = {
    oneOf: [
      { $ref: '#/components/schemas/RemittanceInformation' },
      { type: 'array', items: { type: 'string', maxLength: 140 } },
    ],
  }
  transactionProperties.resourceId = {
    oneOf: [{ $ref: '#/components/schemas/ResourceId' }, { enum: [null] }],
  }
  for (const name of ['ErrorModel', 'Error400Model']) {
    const errorProperties = (schemas[name] as OpenAPIV3.SchemaObject).properties as Record<
      string,
      OpenAPIV3.SchemaObject
    >
    errorProperties.timestamp = { type: 'string', maxLength: 40 }
  }
  return copy
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/

function validatorFor(
  spec: OpenAPIV3.Document,
  path: string,
  method: 'get' | 'put' = 'get',
): IOpenAPIResponseValidator {
  const operation = spec.paths[path]?.[method]
  if (!operation) throw new Error(`no ${method.toUpperCase()} ${path} in the STET OpenAPI`)
  return new OpenAPIResponseValidator({
    responses: operation.responses as never,
    components: spec.components,
    customFormats: { 'date-time': (value: string) => RFC3339.test(value) && !Number.isNaN(Date.parse(value)) },
  })
}

let session: SandboxSession
let spec: OpenAPIV3.Document
let adapted: OpenAPIV3.Document
const tokens: Record<string, string> = {}

beforeAll(async () => {
  spec = loadStetOpenApi<OpenAPIV3.Document>()
  adapted = withBankDepartures(spec)
  session = await startSession()
  for (const psu of [LEA, CLAIRE, GEORGES, MARC, TECHNCO]) tokens[psu] = (await obtainToken(session, psu)).access_token
  const lea = [LEA_MAIN.iban, LEA_SECOND.iban]
  await putConsent(session, tokens[LEA] ?? '', { balances: lea, transactions: lea, overdrafts: lea, psuIdentity: true })
  await putConsent(session, tokens[CLAIRE] ?? '', {
    balances: [CLAIRE_PRO.iban],
    transactions: [CLAIRE_PRO.iban],
    overdrafts: [CLAIRE_PRO.iban],
  })
  await putConsent(session, tokens[GEORGES] ?? '', { transactions: [GEORGES_JOINT.iban] })
})
afterAll(async () => {
  await session.bank.close()
})

async function body200(psu: string, path: string): Promise<unknown> {
  const response = await callAis(session, { path, token: tokens[psu] ?? '' })
  expect(response.status).toBe(200)
  return response.json
}

describe('200 responses against STET OpenAPI 1.5.0.43 (with the bank’s documented departures)', () => {
  it.each([
    ['GET /accounts after consent (LEA)', LEA, '/accounts', '/accounts'],
    [
      'GET /accounts/{id}/balances (LEA)',
      LEA,
      `/accounts/${LEA_MAIN.resourceId}/balances`,
      '/accounts/{accountResourceId}/balances',
    ],
    [
      'GET /accounts/{id}/transactions (GEORGES)',
      GEORGES,
      `/accounts/${GEORGES_JOINT.resourceId}/transactions`,
      '/accounts/{accountResourceId}/transactions',
    ],
    [
      'GET /accounts/{id}/transactions, pro (CLAIRE …4006)',
      CLAIRE,
      `/accounts/${CLAIRE_PRO.resourceId}/transactions`,
      '/accounts/{accountResourceId}/transactions',
    ],
    [
      'GET /accounts/{id}/overdrafts (LEA)',
      LEA,
      `/accounts/${LEA_MAIN.resourceId}/overdrafts`,
      '/accounts/{accountResourceId}/overdrafts',
    ],
    ['GET /end-user-identity (LEA)', LEA, '/end-user-identity', '/end-user-identity'],
    ['GET /end-user-identity (Marc)', MARC, '/end-user-identity', '/end-user-identity'],
  ])('%s conforms', async (_label, psu, path, specPath) => {
    const body = await body200(psu, path)
    expect(validatorFor(adapted, specPath).validateResponse('200', body)).toBeUndefined()
  })

  it('needs the exceptions, and only those: the unadapted spec refuses the bank’s string amounts and array remittance', async () => {
    const balances = await body200(LEA, `/accounts/${LEA_MAIN.resourceId}/balances`)
    const balanceErrors = validatorFor(spec, '/accounts/{accountResourceId}/balances').validateResponse('200', balances)
    expect(balanceErrors?.errors?.map((error: { path: string }) => error.path)).toEqual([
      'balances/0/balanceAmount/amount',
    ])

    const transactions = await body200(GEORGES, `/accounts/${GEORGES_JOINT.resourceId}/transactions`)
    const paths = new Set(
      validatorFor(spec, '/accounts/{accountResourceId}/transactions')
        .validateResponse('200', transactions)
        ?.errors?.map((error: { path: string }) => error.path.replace(/^transactions\/\d+\//, '')),
    )
    expect([...paths].sort()).toEqual(['remittanceInformation', 'resourceId', 'transactionAmount/amount'])
  })

  it('still catches a broken body (the validator is live)', async () => {
    const accounts = (await body200(LEA, '/accounts')) as { accounts: Record<string, unknown>[] }
    const broken = structuredClone(accounts)
    delete broken.accounts[0]?._links
    const first = broken.accounts[0]
    if (first) first.cashAccountType = 'SAVINGS'
    const errors = validatorFor(adapted, '/accounts').validateResponse('200', broken)
    expect(errors?.errors?.length).toBeGreaterThanOrEqual(2)
    const badDate = {
      transactions: [
        {
          transactionAmount: { amount: '1.00', currency: 'EUR' },
          creditDebitIndicator: 'DBIT',
          status: 'BOOK',
          bookingDate: '2019-09-05',
        },
      ],
      _links: { self: { href: '/x' } },
    }
    expect(
      validatorFor(adapted, '/accounts/{accountResourceId}/transactions').validateResponse('200', badDate),
    ).toBeDefined()
  })
})

describe('error, 201 and 204 responses against STET OpenAPI 1.5.0.43', () => {
  const balancesPath = '/accounts/{accountResourceId}/balances'
  const transactionsPath = '/accounts/{accountResourceId}/transactions'

  it.each([
    [
      '400, dateFrom older than 62 days',
      `/accounts/${GEORGES_JOINT.resourceId}/transactions?dateFrom=2000-01-01`,
      GEORGES,
      transactionsPath,
      400,
    ],
    [
      '400, a date that is no date',
      `/accounts/${GEORGES_JOINT.resourceId}/transactions?dateFrom=not-a-date`,
      GEORGES,
      transactionsPath,
      400,
    ],
    ['403, identity without psuIdentity consent', '/end-user-identity', TECHNCO, '/end-user-identity', 403],
    ['404, unknown account', `/accounts/${UNKNOWN_ACCOUNT}/balances`, LEA, balancesPath, 404],
  ])('%s: an ErrorModel body', async (_label, path, psu, specPath, status) => {
    const response = await callAis(session, { path, token: tokens[psu] ?? '' })
    expect(response.status).toBe(status)
    expect(validatorFor(adapted, specPath).validateResponse(String(status), response.json)).toBeUndefined()
  })

  it('405, a wrong method: an ErrorModel body', async () => {
    const response = await callAis(session, {
      method: 'POST',
      path: '/accounts',
      token: tokens[CLAIRE] ?? '',
      json: {},
    })
    expect(response.status).toBe(405)
    expect(validatorFor(adapted, '/accounts').validateResponse('405', response.json)).toBeUndefined()
  })

  it('429, past the daily limit: an ErrorModel body', async () => {
    const path = `/accounts/${CLAIRE_PRO.resourceId}/overdrafts`
    let last = await callAis(session, { path, token: tokens[CLAIRE] ?? '', unattended: true })
    for (let i = 0; i < 4 && last.status !== 429; i++) {
      last = await callAis(session, { path, token: tokens[CLAIRE] ?? '', unattended: true })
    }
    expect(last.status).toBe(429)
    expect(
      validatorFor(adapted, '/accounts/{accountResourceId}/overdrafts').validateResponse('429', last.json),
    ).toBeUndefined()
  })

  it('201 for PUT /consents and 204 for no transactions: no body, as the spec has none', async () => {
    const consent = await putConsent(session, tokens[MARC] ?? '', { psuIdentity: true })
    expect(consent.status).toBe(201)
    expect(validatorFor(adapted, '/consents', 'put').validateResponse('201', consent.json)).toBeUndefined()
    await putConsent(session, tokens[CLAIRE] ?? '', {
      balances: [CLAIRE_PRO.iban],
      transactions: [CLAIRE_PRO.iban, CLAIRE_PRIV.iban],
      overdrafts: [CLAIRE_PRO.iban],
    })
    const empty = await callAis(session, {
      path: `/accounts/${CLAIRE_PRIV.resourceId}/transactions`,
      token: tokens[CLAIRE] ?? '',
    })
    expect(empty.status).toBe(204)
    expect(empty.json).toBeUndefined()
    expect(validatorFor(adapted, transactionsPath).validateResponse('204', empty.json)).toBeUndefined()
  })

  it('an error body the spec would refuse is refused (the validator is live for errors too)', () => {
    const bad = { status: '404', message: 'x'.repeat(200) }
    expect(validatorFor(adapted, balancesPath).validateResponse('404', bad)?.errors?.length).toBeGreaterThanOrEqual(2)
  })
})

describe('BPCE-coded error bodies against STET OpenAPI 1.5.0.43', () => {
  let tmrq: SandboxSession
  let lea = ''
  beforeAll(async () => {
    tmrq = await startSession({ limitAnswer: '403-TMRQ' })
    lea = (await obtainToken(tmrq, LEA)).access_token
    const both = [LEA_MAIN.iban, LEA_SECOND.iban]
    await putConsent(tmrq, lea, { balances: both, transactions: both, overdrafts: both, psuIdentity: true })
  })
  afterAll(async () => {
    await tmrq.bank.close()
  })

  it.each([
    ['/accounts', '/accounts'],
    [`/accounts/${LEA_MAIN.resourceId}/balances`, '/accounts/{accountResourceId}/balances'],
    [`/accounts/${LEA_MAIN.resourceId}/transactions`, '/accounts/{accountResourceId}/transactions'],
    [`/accounts/${LEA_MAIN.resourceId}/overdrafts`, '/accounts/{accountResourceId}/overdrafts'],
    ['/end-user-identity', '/end-user-identity'],
  ])('403 TMRQ past the limit on %s: an ErrorModel body', async (path, specPath) => {
    for (let i = 0; i < 4; i++) await callAis(tmrq, { path, token: lea, unattended: true })
    const refused = await callAis(tmrq, { path, token: lea, unattended: true })
    expect(refused.status).toBe(403)
    expect(refused.json).toMatchObject({ status: 403, message: 'TMRQ' })
    expect(validatorFor(adapted, specPath).validateResponse('403', refused.json)).toBeUndefined()
  })

  it('404 NAAC on GET /accounts: an ErrorModel body', async () => {
    const token = (await obtainToken(session, NO_ACCOUNT_PSU)).access_token
    const answer = await callAis(session, { path: '/accounts', token })
    expect(answer.status).toBe(404)
    expect(answer.json).toMatchObject({ status: 404, message: 'NAAC' })
    expect(validatorFor(adapted, '/accounts').validateResponse('404', answer.json)).toBeUndefined()
  })

  it.each([
    [500, 'INTE'],
    [501, 'NIMP'],
  ])('%i %s injected on PUT /consents: an ErrorModel body', async (status, message) => {
    session.bank.failNext({ method: 'PUT', path: '/consents', status, message })
    const answer = await putConsent(session, tokens[MARC] ?? '', { psuIdentity: true })
    expect(answer.status).toBe(status)
    expect(validatorFor(adapted, '/consents', 'put').validateResponse(String(status), answer.json)).toBeUndefined()
  })
})
