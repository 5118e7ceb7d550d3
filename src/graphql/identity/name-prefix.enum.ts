import { registerEnumType } from 'type-graphql'

/** STET NamePrefixCode (OAS 1.5.0.43 Identity.namePrefix). */
export enum NamePrefix {
  DOCT = 'DOCT',
  MADM = 'MADM',
  MISS = 'MISS',
  MIST = 'MIST',
  UNKNOWN = 'UNKNOWN',
}
registerEnumType(NamePrefix, {
  name: 'NamePrefix',
  description: 'How the PSU is addressed (STET namePrefix).',
  valuesConfig: {
    DOCT: { description: 'Doctor.' },
    MADM: { description: 'Madam.' },
    MISS: { description: 'Miss.' },
    MIST: { description: 'Mister.' },
    UNKNOWN: { description: 'A code outside the STET set: see `namePrefixCode` for what the bank sent.' },
  },
})
