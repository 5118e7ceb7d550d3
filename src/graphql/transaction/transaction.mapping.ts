import type { AccountRecord, TransactionRecord } from '../../services/records.js'
import { toParisDate } from '../common/bank-dates.mapping.js'
import { toKnownCode } from '../common/open-code.js'
import { CreditDebitIndicator, TransactionStatus } from './transaction-codes.enum.js'
import type { TransactionParent } from './transaction.type.js'

/** One statement entry as the schema shows it: STET codes as enums beside the raw code, bank dates as Paris days. */
export function toTransactionNode(record: TransactionRecord, account: AccountRecord): TransactionParent {
  return {
    id: record.id,
    resourceId: record.resourceId,
    entryReference: record.entryReference,
    amount: record.amount,
    creditDebitIndicator: toKnownCode(CreditDebitIndicator, record.creditDebitIndicator, CreditDebitIndicator.UNKNOWN),
    creditDebitIndicatorCode: record.creditDebitIndicator,
    status: toKnownCode(TransactionStatus, record.status, TransactionStatus.UNKNOWN),
    statusCode: record.status,
    bookingDate: toParisDate(record.bookingDate),
    valueDate: toParisDate(record.valueDate),
    transactionDate: toParisDate(record.transactionDate),
    remittanceInformation: record.remittanceInformation,
    bankTransactionCode: record.bankTransactionCode,
    hasDetails: record.hasDetails,
    account,
  }
}
