/**
 * The Redis hash tag of one PSU at one bank, `{bank:psu}`: every key of that PSU's state (quota grants and marks,
 * cache entries and their marks, read leases, token and connection records) carries it, so on Redis Cluster
 * they all live in one slot. A shard lost for good then takes whole PSUs with it, never half of one, and a script or
 * a multi-key command over one PSU's keys runs on one node.
 */

const NEEDS_ESCAPE = /[%|{}]/

/** Separators inside a part would let two different keys collide: escape them (`%` first so it stays reversible). */
export function escapeKeyPart(part: string): string {
  // Ids and IBANs almost never hold a separator: skip the four replacements then (keys are built on every read).
  if (!NEEDS_ESCAPE.test(part)) return part
  return part.replace(/%/g, '%25').replace(/\|/g, '%7C').replace(/\{/g, '%7B').replace(/\}/g, '%7D')
}

export function psuHashTag(bank: string, psu: string): string {
  return `{${escapeKeyPart(bank)}:${escapeKeyPart(psu)}}`
}
