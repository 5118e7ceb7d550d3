import type { BalanceRecord } from '../../services/records.js'
import { toInstant, toParisDate } from '../common/bank-dates.mapping.js'
import type { Freshness } from '../common/freshness.type.js'
import { toKnownCode } from '../common/open-code.js'
import { BalanceType } from './balance-type.enum.js'
import type { Balance } from './balance.type.js'

export function toBalance(record: BalanceRecord, freshness: Freshness): Balance {
  const referenceDate = toParisDate(record.referenceDate)
  const lastChange = toInstant(record.lastChangeDateTime)
  return {
    type: toKnownCode(BalanceType, record.type, BalanceType.UNKNOWN),
    typeCode: record.type,
    name: record.name,
    amount: record.amount,
    ...(referenceDate === undefined ? {} : { referenceDate }),
    ...(lastChange === undefined ? {} : { lastChangeDateTime: lastChange }),
    freshness,
  }
}
