import { describe, expect, it } from '@jest/globals'
import { BANKS, findBank, resolveApp2AppAuthorizeBaseUrl, resolveBankBaseUrl } from '../../src/stet/banks.js'
import { UnknownBankError } from '../../src/stet/stet-errors.js'

describe('bank registry (bank-notes.md "Endpoints and hosts")', () => {
  it('holds the 18 bank codes, each once, and only 17515 has a sandbox', () => {
    const codes = BANKS.map((bank) => bank.code)
    expect(codes).toHaveLength(18)
    expect(new Set(codes).size).toBe(18)
    expect(codes.sort()).toEqual(
      [
        '11315',
        '11425',
        '12135',
        '14445',
        '13135',
        '13335',
        '13485',
        '13825',
        '14265',
        '14505',
        '17515',
        '18315',
        '18715',
        '15135',
        '16275',
        '12579',
        '30258',
        '42559',
      ].sort(),
    )
    expect(BANKS.filter((bank) => bank.hasSandbox).map((bank) => bank.code)).toEqual(['17515'])
    expect(findBank('17515').shortName).toBe('CEIDF')
  })

  it('resolves the sandbox and live hosts', () => {
    expect(resolveBankBaseUrl('17515', { environment: 'sandbox' })).toBe('https://www.17515.sandbox.api.89C3.com')
    expect(resolveBankBaseUrl('11315', { environment: 'live' })).toBe('https://www.11315.oba-bad-me-live.api.89c3.com')
    expect(resolveApp2AppAuthorizeBaseUrl('13135')).toBe('http://www.13135.live.api.caisse-epargne.fr')
    expect(resolveApp2AppAuthorizeBaseUrl('42559')).toBe('http://www.42559.live.api.credit-cooperatif.coop')
  })

  it('lets the STET_BASE_URL override win for every known bank, in both environments', () => {
    for (const bank of BANKS) {
      for (const environment of ['sandbox', 'live'] as const) {
        expect(resolveBankBaseUrl(bank.code, { environment, baseUrlOverride: 'http://127.0.0.1:9999/' })).toBe(
          'http://127.0.0.1:9999',
        )
      }
    }
  })

  it('refuses an unknown code (even with an override) and a sandbox for a bank without one', () => {
    expect(() => resolveBankBaseUrl('99999', { environment: 'live', baseUrlOverride: 'http://x' })).toThrow(
      UnknownBankError,
    )
    try {
      resolveBankBaseUrl('11315', { environment: 'sandbox' })
      throw new Error('should have thrown')
    } catch (error) {
      expect(error).toBeInstanceOf(UnknownBankError)
      expect((error as UnknownBankError).code).toBe('BAD_USER_INPUT')
      expect((error as UnknownBankError).reason).toBe('no-sandbox')
    }
  })
})
