import { describe, expect, it } from '@jest/globals'
import { GatewayError } from '../../src/errors.js'
import {
  BankBadRequestError,
  BankLimitReachedError,
  BankNotFoundError,
  BankNotImplementedError,
  BankUnavailableError,
  ConsentMissingError,
  OAuthRequestRejectedError,
  ReauthorizationRequiredError,
  ReplayRefusedError,
  UnexpectedBankResponseError,
  UnknownBankError,
  WrongMethodError,
} from '../../src/stet/stet-errors.js'

// undici's test/errors.js style: every class, its name, its stable code, its base.
const table: [string, () => GatewayError, string][] = [
  ['UnknownBankError', () => new UnknownBankError('99999', 'unknown'), 'BAD_USER_INPUT'],
  ['BankNotFoundError', () => new BankNotFoundError('balances'), 'NOT_FOUND'],
  ['ConsentMissingError', () => new ConsentMissingError('identity'), 'CONSENT_REQUIRED'],
  ['BankBadRequestError', () => new BankBadRequestError('transactions'), 'BAD_USER_INPUT'],
  ['BankLimitReachedError', () => new BankLimitReachedError('accounts'), 'BANK_LIMIT_REACHED'],
  ['ReauthorizationRequiredError', () => new ReauthorizationRequiredError('invalid-grant'), 'REAUTHORIZATION_REQUIRED'],
  ['BankUnavailableError', () => new BankUnavailableError('accounts', false, 503), 'BANK_UNAVAILABLE'],
  ['UnexpectedBankResponseError', () => new UnexpectedBankResponseError('accounts', 200), 'BANK_UNAVAILABLE'],
  ['ReplayRefusedError', () => new ReplayRefusedError('balances'), 'QUOTA_EXHAUSTED'],
  ['WrongMethodError', () => new WrongMethodError('balances'), 'INTERNAL_SERVER_ERROR'],
  ['BankNotImplementedError', () => new BankNotImplementedError('details', 501), 'BANK_NOT_IMPLEMENTED'],
  [
    'OAuthRequestRejectedError',
    () => new OAuthRequestRejectedError('token', 400, 'invalid_client'),
    'INTERNAL_SERVER_ERROR',
  ],
]

describe('STET errors', () => {
  it.each(table)('%s has its name, its code and extends GatewayError and Error', (name, create, code) => {
    const error = create()
    expect(error).toBeInstanceOf(GatewayError)
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe(name)
    expect(error.code).toBe(code)
    expect(error.message.length).toBeGreaterThan(0)
  })

  it('BankUnavailableError carries neverLeft and keeps the cause out of the message', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1 secret'), { code: 'ECONNREFUSED' })
    const error = new BankUnavailableError('balances', true, undefined, { cause })
    expect(error.neverLeft).toBe(true)
    expect(error.cause).toBe(cause)
    expect(error.message).not.toContain('secret')
  })

  it('OAuthRequestRejectedError repeats only a standard RFC 6749 error code', () => {
    expect(new OAuthRequestRejectedError('token', 400, 'invalid_client').message).toContain('invalid_client')
    const free = new OAuthRequestRejectedError('token', 400, 'SECRET free text from the bank')
    expect(free.message).not.toContain('SECRET')
    expect(free.oauthError).toBeUndefined()
  })
})
