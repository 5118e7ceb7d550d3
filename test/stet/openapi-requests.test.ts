/**
 * The requests the client sends, validated against the STET 1.5.0.43 OpenAPI (found by test/support/stet-openapi.ts).
 * Two narrow, documented exceptions where the bank departs from 1.5:
 * - PUT /consents without `owners`: the bank's own example body has none and it ignores owners (NOTES §6.2);
 * - GET …/transactions/{id}/details: STET 1.6, absent from the 1.5 OAS (NOTES §7); validated with the /transactions
 *   operation's headers plus its two path ids.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import requestValidatorModule from 'openapi-request-validator'
import type { OpenAPIRequestValidatorArgs } from 'openapi-request-validator'
import type { PsuContext } from '../../src/stet-api/access.js'
import { STET_BASE_PATH } from '../../src/stet-api/wire.js'
import { ACCOUNTS_BODY, BALANCES_BODY, createHarness, REF } from './client-harness.js'
import type { Harness } from './client-harness.js'
import { loadStetOpenApi } from '../support/stet-openapi.js'
import { RecordingReservation, startFakeBank } from './fake-bank.js'
import type { FakeBank, RecordedRequest } from './fake-bank.js'

// A CommonJS package whose class is `exports.default`: from ESM, the default import is the whole `module.exports`.
const OpenAPIRequestValidator = requestValidatorModule.default
type OpenAPIRequestValidator = InstanceType<typeof OpenAPIRequestValidator>

interface Parameter {
  name: string
  in: string
  required?: boolean
  schema?: unknown
}
interface Operation {
  parameters?: ({ $ref: string } | Parameter)[]
  requestBody?: { required?: boolean; content: Record<string, { schema: unknown }> }
}
interface Spec {
  paths: Record<string, Record<string, Operation>>
  components: { parameters: Record<string, Parameter>; schemas: Record<string, { required?: string[] }> }
}

const spec = loadStetOpenApi<Spec>()

function resolveParameters(operation: Operation): Parameter[] {
  return (operation.parameters ?? []).map((parameter) => {
    if (!('$ref' in parameter)) return parameter
    const name = parameter.$ref.replace('#/components/parameters/', '')
    const resolved = spec.components.parameters[name]
    if (resolved === undefined) throw new Error(`unresolved ${parameter.$ref}`)
    return resolved
  })
}

function operationOf(template: string, method: string): Operation {
  const operation = spec.paths[template]?.[method]
  if (operation === undefined) throw new Error(`${method} ${template} is not in the OAS`)
  return operation
}

function validatorFor(
  operation: Operation,
  schemas: Spec['components']['schemas'] = spec.components.schemas,
): OpenAPIRequestValidator {
  const args = {
    parameters: resolveParameters(operation),
    ...(operation.requestBody === undefined ? {} : { requestBody: operation.requestBody }),
    componentSchemas: schemas,
    enableHeadersLowercase: true,
  } as unknown as OpenAPIRequestValidatorArgs
  return new OpenAPIRequestValidator(args)
}

/** Matches a recorded path to its OAS template and path parameters. */
function matchTemplate(request: RecordedRequest): { template: string; params: Record<string, string> } {
  const path = request.path.slice(STET_BASE_PATH.length)
  for (const template of Object.keys(spec.paths)) {
    const names: string[] = []
    const pattern = new RegExp(
      '^' + template.replace(/\{(\w+)\}/g, (_m, name: string) => (names.push(name), '([^/]+)')) + '$',
    )
    const match = pattern.exec(path)
    if (match !== null) {
      return {
        template,
        params: Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? '')])),
      }
    }
  }
  throw new Error(`no OAS template for ${path}`)
}

function validate(
  validator: OpenAPIRequestValidator,
  request: RecordedRequest,
  params: Record<string, string>,
): unknown {
  return validator.validateRequest({
    headers: request.headers,
    query: Object.fromEntries(request.query),
    params,
    body: request.body === '' ? undefined : JSON.parse(request.body),
  })
}

const FULL_PSU: PsuContext = {
  kind: 'psu',
  ipAddress: '2001:db8::1',
  ipPort: 443,
  httpMethod: 'GET',
  date: '2025-11-25T10:00:00Z',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
  referer: 'https://app.example/accounts',
  accept: 'application/json',
  acceptCharset: 'utf-8',
  acceptEncoding: 'gzip',
  acceptLanguage: 'fr-FR,fr;q=0.9',
  geoLocation: 'GEO:48.8566;2.3522',
  deviceId: '5b3f5b3f-0000-4000-8000-000000000001',
}

let bank: FakeBank
let harness: Harness

beforeAll(async () => {
  bank = await startFakeBank((request) => {
    if (request.method === 'PUT') return { status: 201 }
    if (request.path.endsWith('/accounts')) return { status: 200, body: ACCOUNTS_BODY }
    if (request.path.endsWith('/balances')) return { status: 200, body: BALANCES_BODY }
    if (request.path.endsWith('/details')) return { status: 200, body: { details: ['x'], _links: {} } }
    if (request.path.endsWith('/overdrafts')) {
      return {
        status: 200,
        body: { overdrafts: { allowedAmount: { amount: 0, currency: 'EUR' } }, _links: { self: { href: '/o' } } },
      }
    }
    if (request.path.endsWith('/end-user-identity'))
      return { status: 200, body: { identity: { fullName: 'X' }, _links: { self: { href: '/i' } } } }
    return { status: 204 }
  })
  harness = createHarness(bank.url)
  await harness.seed()
  for (const access of [FULL_PSU, new RecordingReservation('k')]) {
    await harness.client.listAccounts(REF, access)
    await harness.client.getBalances(REF, '175150009204004305180', access)
    await harness.client.getTransactions(REF, '175150009204004305180', {}, access)
    await harness.client.getTransactions(
      REF,
      '175150009204004305180',
      { dateFrom: '2025-10-01T00:00:00.000+02:00', dateTo: '2025-11-25T00:00:00.000+01:00' },
      access,
    )
    await harness.client.getOverdrafts(REF, '175150009204004305180', access)
    await harness.client.getIdentity(REF, access)
  }
})

afterAll(async () => {
  await harness.close()
  await bank.close()
})

describe('requests against the STET 1.5.0.43 OpenAPI', () => {
  it('every GET (PSU present and batch) validates: headers, path ids, dateFrom/dateTo', () => {
    const requests = bank.resourceRequests()
    expect(requests).toHaveLength(12)
    for (const request of requests) {
      const { template, params } = matchTemplate(request)
      const errors = validate(validatorFor(operationOf(template, request.method.toLowerCase())), request, params)
      expect({ url: request.url, errors }).toEqual({ url: request.url, errors: undefined })
    }
    // The checks have teeth: a request without Signature fails.
    const [first] = requests
    if (first === undefined) throw new Error('no request recorded')
    const { signature: _signature, ...unsigned } = first.headers
    const { template, params } = matchTemplate(first)
    expect(validate(validatorFor(operationOf(template, 'get')), { ...first, headers: unsigned }, params)).toBeDefined()
    // …and a raw `+` (decoded as a space by the bank) is not a date-time: why the client sends %2B (NOTES §9).
    const dated = requests.find((request) => request.query.has('dateFrom'))
    if (dated === undefined) throw new Error('no dated request recorded')
    const spaced = { ...dated, query: new URLSearchParams('dateFrom=2025-10-01T00:00:00.000+02:00') }
    const transactions = matchTemplate(dated)
    expect(validate(validatorFor(operationOf(transactions.template, 'get')), spaced, transactions.params)).toBeDefined()
  })

  it('PUT /consents with owners validates as is; without owners only under the NOTES §6.2 exception', async () => {
    const before = bank.resourceRequests().length
    const iban = 'FR7617515000920400430518020'
    const base = { balances: [{ iban }], transactions: [{ iban }], psuIdentity: true, trustedBeneficiaries: false }
    await harness.client.putConsents(REF, { ...base, owners: [] }, FULL_PSU)
    await harness.client.putConsents(REF, base, new RecordingReservation('k'))
    const [withOwners, withoutOwners] = bank.resourceRequests().slice(before)
    if (withOwners === undefined || withoutOwners === undefined) throw new Error('consents not recorded')
    const operation = operationOf('/consents', 'put')
    expect(validate(validatorFor(operation), withOwners, {})).toBeUndefined()
    expect(validate(validatorFor(operation), withoutOwners, {})).toBeDefined()
    const access = spec.components.schemas.Access
    const bankAccess = { ...access, required: (access?.required ?? []).filter((name) => name !== 'owners') }
    const lenient = validatorFor(operation, { ...spec.components.schemas, Access: bankAccess })
    expect(validate(lenient, withoutOwners, {})).toBeUndefined()
  })

  it('GET …/transactions/{id}/details (absent from 1.5, NOTES §7) validates against the /transactions headers', async () => {
    const before = bank.resourceRequests().length
    await harness.client.getTransactionDetails(REF, '175150009204004305180', 'tx-1', FULL_PSU)
    const [request] = bank.resourceRequests().slice(before)
    if (request === undefined) throw new Error('details not recorded')
    expect(request.path).toBe('/stet/psd2/v1.6.2/accounts/175150009204004305180/transactions/tx-1/details')
    const transactions = operationOf('/accounts/{accountResourceId}/transactions', 'get')
    const parameters = [
      ...resolveParameters(transactions).filter((p) => p.in !== 'query'),
      {
        name: 'transactionResourceId',
        in: 'path',
        required: true,
        schema: { type: 'string', pattern: "^([a-zA-Z0-9_ /\\-?:\\()\\.,']{1,100})$" },
      },
    ]
    const validator = validatorFor({ parameters })
    const params = { accountResourceId: '175150009204004305180', transactionResourceId: 'tx-1' }
    expect(validate(validator, request, params)).toBeUndefined()
  })
})
