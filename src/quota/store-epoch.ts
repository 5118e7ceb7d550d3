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
