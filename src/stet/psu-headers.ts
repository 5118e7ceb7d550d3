/**
 * The PSU-* context headers (NOTES §3), built only from a `PsuContext`: DESIGN.md invariant 1, a Reservation never
 * yields one. Only `PSU-IP-Address` matters to the bank (its presence exempts the call from the daily limit); the
 * others are sent when known, as STET declares them on every AIS operation.
 */
import type { PsuContext } from '../stet-api/access.js'

const PSU_FIELDS: readonly (readonly [keyof PsuContext, string])[] = [
  ['ipAddress', 'psu-ip-address'],
  ['ipPort', 'psu-ip-port'],
  ['httpMethod', 'psu-http-method'],
  ['date', 'psu-date'],
  ['userAgent', 'psu-user-agent'],
  ['referer', 'psu-referer'],
  ['accept', 'psu-accept'],
  ['acceptCharset', 'psu-accept-charset'],
  ['acceptEncoding', 'psu-accept-encoding'],
  ['acceptLanguage', 'psu-accept-language'],
  ['geoLocation', 'psu-geo-location'],
  ['deviceId', 'psu-device-id'],
]

/** The PSU-* headers of a present PSU. Values are the PSU's own (User-Agent…): anything but printable ASCII is dropped. */
export function psuHeaders(context: PsuContext): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const [field, header] of PSU_FIELDS) {
    const value = context[field]
    if (value === undefined || field === 'kind') continue
    const clean = String(value)
      .replace(/[^\x20-\x7e]/g, '')
      .trim()
    if (clean !== '') headers[header] = clean
  }
  if (headers['psu-ip-address'] === undefined) throw new TypeError('a PsuContext must carry the PSU IP address')
  return headers
}
