import type { IdentityRecord } from '../../services/records.js'
import type { Freshness } from '../common/freshness.type.js'
import { toKnownCode } from '../common/open-code.js'
import type { Identity } from './identity.type.js'
import { NamePrefix } from './name-prefix.enum.js'

export function toIdentity(record: IdentityRecord, freshness: Freshness): Identity {
  return {
    fullName: record.fullName,
    namePrefix:
      record.namePrefix === undefined ? undefined : toKnownCode(NamePrefix, record.namePrefix, NamePrefix.UNKNOWN),
    namePrefixCode: record.namePrefix,
    firstName: record.firstName,
    lastName: record.lastName,
    freshness,
  }
}
