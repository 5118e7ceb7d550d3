import { registerEnumType } from 'type-graphql'

/** STET BalanceStatus (OAS 1.5.0.43). */
export enum BalanceType {
  CLBD = 'CLBD',
  XPCD = 'XPCD',
  VALU = 'VALU',
  OTHR = 'OTHR',
  UNKNOWN = 'UNKNOWN',
}
registerEnumType(BalanceType, {
  name: 'BalanceType',
  description: 'The kind of balance (STET balanceType). Caisse d’Epargne sends CLBD only.',
  valuesConfig: {
    CLBD: { description: 'Accounting balance (ISO 20022 ClosingBooked).' },
    XPCD: { description: 'Instant balance (ISO 20022 Expected).' },
    VALU: { description: 'Value-date balance.' },
    OTHR: { description: 'Another balance the bank names itself (STET OTHR; e.g. a card account’s).' },
    UNKNOWN: { description: 'A code outside the STET set: see `typeCode` for what the bank sent.' },
  },
})
