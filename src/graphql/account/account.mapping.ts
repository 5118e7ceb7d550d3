import { toKnownCode } from '../common/open-code.js'
import { AccountUsage, CashAccountType } from './account-codes.enum.js'

export function toCashAccountType(code: string): CashAccountType {
  return toKnownCode(CashAccountType, code, CashAccountType.UNKNOWN)
}

export function toAccountUsage(code: string | undefined): AccountUsage | null {
  return code === undefined ? null : toKnownCode(AccountUsage, code, AccountUsage.UNKNOWN)
}
