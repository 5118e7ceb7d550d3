/**
 * STET's closed code sets as the bank may extend them. The bank is lenient with the spec (NOTES §6): a code outside
 * the set must not fail the whole read. It maps to the enum's UNKNOWN member, and the code as the bank sent it is
 * exposed beside it (`…Code` fields), so a client can still show or log it.
 */
const membersOf = new WeakMap<object, ReadonlySet<string>>()

export function toKnownCode<E extends string>(members: Readonly<Record<string, E>>, raw: string, unknown: E): E {
  let known = membersOf.get(members)
  if (known === undefined) {
    known = new Set(Object.values(members).filter((member) => member !== unknown))
    membersOf.set(members, known)
  }
  return known.has(raw) ? (raw as E) : unknown
}
