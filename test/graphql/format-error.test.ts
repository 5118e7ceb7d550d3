import { describe, expect, it } from '@jest/globals'
import { GraphQLError } from 'graphql'
import { formatError } from '../../src/graphql/format-error.js'
import { QuotaExhaustedError } from '../../src/services/read-errors.js'
import { BankUnavailableError } from '../../src/stet/stet-errors.js'

const wrap = (original: unknown) =>
  new GraphQLError('wrapped', {
    path: ['accounts', 0, 'balances'],
    originalError: original instanceof Error ? original : undefined,
  })

describe('formatError (DESIGN inv. 10)', () => {
  it('masks anything that is not a GatewayError, with no stack and no original message', () => {
    const error = new Error('bank said: {"secret":"token-123"}')
    const out = formatError(
      {
        message: error.message,
        path: ['accounts', 0, 'balances'],
        extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['x'] },
      },
      wrap(error),
    )
    expect(out).toEqual({
      message: 'Unexpected error.',
      path: ['accounts', 0, 'balances'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    })
  })

  it('keeps a GatewayError code and its own safe message; QUOTA_EXHAUSTED says when', () => {
    const out = formatError({ message: 'x' }, wrap(new QuotaExhaustedError(Date.parse('2026-11-24T23:00:00Z'))))
    expect(out.extensions).toEqual({ code: 'QUOTA_EXHAUSTED', nextAllowedAt: '2026-11-24T23:00:00.000Z' })
    const bank = formatError({ message: 'x' }, wrap(new BankUnavailableError('balances', false)))
    expect(bank.extensions).toEqual({ code: 'BANK_UNAVAILABLE' })
    expect(JSON.stringify(bank)).not.toMatch(/stack/)
  })
})
