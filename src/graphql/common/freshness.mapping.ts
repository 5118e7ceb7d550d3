import type { Freshness as FreshnessRecord } from '../../services/bank-reader.js'
import type { Freshness } from './freshness.type.js'
import { FreshnessSource } from './freshness.type.js'

export function toFreshness(f: FreshnessRecord): Freshness {
  return {
    fetchedAt: new Date(f.fetchedAt),
    source: f.source === 'BANK' ? FreshnessSource.BANK : FreshnessSource.CACHE,
    psuPresent: f.psuPresent,
    stale: f.stale,
  }
}
