/**
 * The public `Account.id`: opaque, stable across consent changes (the bank's resourceId only exists after consent),
 * and naming the bank so `Query.account(id)` knows where to look. It is resolved only against the caller's own
 * account list: an id of another PSU is NOT_FOUND with no bank call (DESIGN inv. 8).
 */
export function encodeAccountId(bank: string, iban: string): string {
  return Buffer.from(`acct:${bank}:${iban}`, 'utf8').toString('base64url')
}

export function decodeAccountId(id: string): { bank: string; iban: string } | undefined {
  const text = Buffer.from(id, 'base64url').toString('utf8')
  const m = /^acct:(\d{5}):([A-Z]{2}\d{2}[A-Z0-9]{1,30})$/.exec(text)
  return m?.[1] === undefined || m[2] === undefined ? undefined : { bank: m[1], iban: m[2] }
}
