import { registerEnumType } from 'type-graphql'

/** STET TransactionStatus (OAS 1.5.0.43, realigned by CR354). */
export enum TransactionStatus {
  BOOK = 'BOOK',
  PDNG = 'PDNG',
  FUTR = 'FUTR',
  INFO = 'INFO',
  OTHR = 'OTHR',
  RJCT = 'RJCT',
  UNKNOWN = 'UNKNOWN',
}
registerEnumType(TransactionStatus, {
  name: 'TransactionStatus',
  description: 'Where the entry stands (STET status). Caisse d’Epargne sends BOOK and OTHR only.',
  valuesConfig: {
    BOOK: { description: 'Booked: on the account’s books.' },
    PDNG: { description: 'Pending: to be booked, already in the instant balance.' },
    FUTR: { description: 'Future: on the books, applied at a later date.' },
    INFO: { description: 'Information only: nothing was booked.' },
    OTHR: {
      description: 'Other. At Caisse d’Epargne: not booked yet (e.g. a recent card payment), with no bookingDate.',
    },
    RJCT: { description: 'Rejected.' },
    UNKNOWN: { description: 'A code outside the STET set: see `statusCode` for what the bank sent.' },
  },
})

/** STET CreditDebitIndicator. */
export enum CreditDebitIndicator {
  CRDT = 'CRDT',
  DBIT = 'DBIT',
  UNKNOWN = 'UNKNOWN',
}
registerEnumType(CreditDebitIndicator, {
  name: 'CreditDebitIndicator',
  description: 'The direction of the amount (STET creditDebitIndicator).',
  valuesConfig: {
    CRDT: { description: 'Credit: money in.' },
    DBIT: { description: 'Debit: money out.' },
    UNKNOWN: {
      description:
        'A code outside the STET set (`creditDebitIndicatorCode`): the sign is unknown, `signedAmount` is null.',
    },
  },
})
