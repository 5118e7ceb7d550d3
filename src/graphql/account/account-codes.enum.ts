import { registerEnumType } from 'type-graphql'

/** STET CashAccountType (OAS 1.5.0.43 AccountResource.cashAccountType). */
export enum CashAccountType {
  CACC = 'CACC',
  CARD = 'CARD',
  UNKNOWN = 'UNKNOWN',
}
registerEnumType(CashAccountType, {
  name: 'CashAccountType',
  description: 'The kind of account (STET cashAccountType).',
  valuesConfig: {
    CACC: { description: 'A current account: the payment accounts Caisse d’Epargne lists.' },
    CARD: { description: 'A card account (deferred-debit card).' },
    UNKNOWN: { description: 'A code outside the STET set: see `cashAccountTypeCode` for what the bank sent.' },
  },
})

/** STET AccountResource.usage. */
export enum AccountUsage {
  PRIV = 'PRIV',
  ORGA = 'ORGA',
  UNKNOWN = 'UNKNOWN',
}
registerEnumType(AccountUsage, {
  name: 'AccountUsage',
  description: 'Who the account is for (STET usage).',
  valuesConfig: {
    PRIV: { description: 'A private person’s account.' },
    ORGA: { description: 'A professional or corporate account.' },
    UNKNOWN: { description: 'A code outside the STET set: see `usageCode` for what the bank sent.' },
  },
})
