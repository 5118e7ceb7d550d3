/**
 * STET's closed code sets as the bank may extend them. The bank is lenient with the spec (NOTES §6): a code outside
 * the set must not fail the whole read. It maps to the enum's UNKNOWN member, and the code as the bank sent it is
 * exposed beside it (`…Code` fields), so a client can still show or log it.
 */
export function toKnownCode<E extends string>(members: Readonly<Record<string, E>>, raw: string, unknown: E): E {
  for (const member of Object.values(members)) if (member === raw && member !== unknown) return member
  return unknown
}
