/**
 * Detecting a store that lost its counts (DESIGN.md invariant 6). A Redis without persistence restarts empty; a
 * DATA_DIR can be wiped or replaced. Either way the grants it held are gone and the bank still counts them, so every
 * key must be treated as spent until the windows those grants could occupy have passed.
 *
 * The store keeps one epoch record, written at first use. A process remembers the epoch it has seen and checks it in
 * the same atomic step as each reserve:
 * - the record is missing, or was replaced by a "clean" one, while this process had seen another: the counts were
 *   lost now. Write a new epoch with `lostAt = now` (only if the store still holds what we found: no double write);
 * - the record was replaced by one that already carries `lostAt`: another process saw the loss first. Adopt it;
 * - no record at this process's first access: a brand-new store or a wiped one cannot be told apart, so it is
 *   "clean" only when the operator says so (`trustEmptyStore`: sandbox, dev, tests), otherwise lost.
 * While `now < windowsEndAfter(lostAt)` (the end of lostAt's Paris day, and lostAt + 24 h with a rolling window)
 * every reserve is refused with reason `store-lost`. Present-PSU calls are not the ledger's business and go on.
 */
import { randomUUID } from 'node:crypto'
import type { QuotaWindows } from './quota-ledger.js'
import { windowsEndAfter } from './windows.js'

export interface StoreEpoch {
  readonly id: string
  /** Null: the store started clean. Otherwise when the loss was seen (epoch ms, store time). */
  readonly lostAt: number | null
}

export type EpochVerdict =
  /** Same epoch as seen: counts are continuous. */
  | { kind: 'same' }
  /** Take the found epoch as ours (first access, or another process already recorded a loss). */
  | { kind: 'adopt'; epoch: StoreEpoch }
  /** Write a new epoch, lost at the store's `now` or clean (only if the store still holds what was found), then adopt it. */
  | { kind: 'write'; lost: boolean }

export function newEpochId(): string {
  return randomUUID()
}

/** Decide what an epoch record found in the store means for a process that has seen `seen` (undefined: never). */
export function judgeEpoch(
  seen: StoreEpoch | undefined,
  found: StoreEpoch | undefined,
  trustEmptyStore: boolean,
): EpochVerdict {
  if (seen === undefined) {
    if (found !== undefined) return { kind: 'adopt', epoch: found }
    return { kind: 'write', lost: !trustEmptyStore }
  }
  if (found !== undefined && found.id === seen.id) return { kind: 'same' }
  if (found !== undefined && found.lostAt !== null) return { kind: 'adopt', epoch: found }
  return { kind: 'write', lost: true }
}

/** Until when a lost store refuses every key; null for a clean epoch. */
export function lostUntil(epoch: StoreEpoch, windows: QuotaWindows): number | null {
  return epoch.lostAt === null ? null : windowsEndAfter(epoch.lostAt, windows)
}

/**
 * The Redis ledger's scheme, local to each slot so that it holds on Redis Cluster (DESIGN.md invariants 6 and 7).
 *
 * A store-wide epoch cannot be read in the same atomic step as a grant on a cluster: it lives in another slot, often
 * on another shard, and a shard can come back empty while the shard holding the epoch survives. So every slot holds
 * a **witness** (`<prefix>{<tag of that slot>}:witness`; one witness for a single server), written for all slots when
 * the store is first used, and read by the reserve script beside the grants, in the same slot, in the same step. A
 * shard that restarts empty loses its witnesses with its grants, so a missing witness IS the loss of exactly the
 * keys that shard held: the witness is rewritten as lost (`<epoch id>|<lostUntil>`) and those keys are refused until
 * the windows of the moment of detection have passed (a grant lost before can only end earlier). Other slots go on.
 *
 * The store-wide record (`<prefix>epoch`) remains only to say whether the store was ever initialised and with what
 * decision; it can be lost like any key, and then a process that starts finds witnesses in place and treats the
 * missing ones as lost.
 */
export interface WitnessEpoch {
  readonly id: string
  /** What a witness missing at initialisation means: a brand-new store (`clean`) or a lost one. */
  readonly missing: 'clean' | 'lost'
  /** `ready` once every witness exists: from then on a missing witness can only be a loss. */
  readonly state: 'init' | 'ready'
  /** A clean epoch written over ours while we were counting (the store was wiped): its witnesses prove nothing. */
  readonly distrust: string
}

export type WitnessEpochVerdict =
  /** The record is the one we count under. */
  | { kind: 'same'; epoch: WitnessEpoch }
  /** Count under the record found (our first access, or another process recorded a new epoch). */
  | { kind: 'adopt'; epoch: WitnessEpoch }
  /** Claim a new record (compare-and-set on what was found). */
  | { kind: 'claim'; missing: 'clean' | 'lost'; distrust: string }

/**
 * What the store-wide record means to a process that has counted under `seen` (undefined: never). `storeIsEmpty` is
 * asked only at a first access that finds no record: whether no witness exists at all.
 */
export function judgeWitnessEpoch(
  seen: WitnessEpoch | undefined,
  found: WitnessEpoch | undefined,
  trustEmptyStore: boolean,
  storeIsEmpty: () => boolean,
): WitnessEpochVerdict {
  if (found !== undefined && found.id === seen?.id) return { kind: 'same', epoch: found }
  if (found === undefined) {
    // Never seen and nothing anywhere: new, if the operator says an empty store at start is new. Anything else: lost.
    const clean = seen === undefined && trustEmptyStore && storeIsEmpty()
    return { kind: 'claim', missing: clean ? 'clean' : 'lost', distrust: '' }
  }
  // A clean record replacing the one we counted under: someone found the store empty after we had used it.
  if (seen !== undefined && found.missing === 'clean') return { kind: 'claim', missing: 'lost', distrust: found.id }
  return { kind: 'adopt', epoch: found }
}

export type WitnessVerdict = { kind: 'write-lost' } | { kind: 'take-over' }

/**
 * A slot's witness is missing, or names another epoch without a loss, for a process counting under `ours` (ready).
 * - missing: every witness existed once `ours` was ready, so the slot lost its keys;
 * - another epoch's clean witness under a record whose initialisation treated missing witnesses as lost: it survived
 *   from before that record (the record itself was lost and rewritten), so the slot's grants are intact;
 * - otherwise (a distrusted epoch, or a clean initialisation that should have found nothing): lost.
 */
export function judgeWitness(ours: WitnessEpoch, witnessId: string | undefined): WitnessVerdict {
  if (witnessId === undefined || witnessId === ours.distrust) return { kind: 'write-lost' }
  return ours.missing === 'lost' ? { kind: 'take-over' } : { kind: 'write-lost' }
}
