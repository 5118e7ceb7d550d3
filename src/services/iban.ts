/** ISO 13616 IBANs as a PSU types them: normalised, then checked with the standard's mod-97 check digits. */

/** Spaces dropped, upper case: `fr76 1751 …` and `FR761751…` are the same account. */
export function normaliseIban(input: string): string {
  return input.replace(/\s+/g, '').toUpperCase()
}

/** ISO 13616-1 §6: move the first four characters to the end, letters to 10..35, and the number mod 97 must be 1. */
export function hasValidIbanChecksum(iban: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false
  const rearranged = iban.slice(4) + iban.slice(0, 4)
  let remainder = 0
  for (const char of rearranged) {
    const digits = /\d/.test(char) ? char : String(char.charCodeAt(0) - 55)
    for (const digit of digits) remainder = (remainder * 10 + Number(digit)) % 97
  }
  return remainder === 1
}
