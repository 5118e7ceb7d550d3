import { pino, type DestinationStream } from 'pino'

/** Apollo's logger shape, which pino satisfies (STYLE.md B7). Passed in, never imported as a global. */
export interface Logger {
  debug(obj: object | string, msg?: string): void
  info(obj: object | string, msg?: string): void
  warn(obj: object | string, msg?: string): void
  error(obj: object | string, msg?: string): void
}

const SECRETS = ['authorization', 'accessToken', 'refreshToken', 'access_token', 'refresh_token', 'signature', 'token']
const IBANS = ['iban', 'ibans']
const ADDRESSES = ['ip', 'psuIpAddress', 'psu-ip-address', 'x-forwarded-for', 'remoteAddress']

/**
 * Never log tokens or signatures, nor IBANs and PSU addresses unmasked (DESIGN inv. 10), whoever logs them: the
 * fields are caught at the top of a log object and up to two levels down, so a careless `logger.info({ req })` stays
 * safe too.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const at = (names: readonly string[]) => names.flatMap((n) => [`["${n}"]`, `*["${n}"]`, `*.*["${n}"]`])
  return pino(
    {
      level,
      redact: {
        paths: [...at(SECRETS), ...at(IBANS), ...at(ADDRESSES)],
        censor: (value: unknown, path: string[]) => {
          const field = path[path.length - 1] ?? ''
          if (IBANS.includes(field)) return maskAll(value, maskIban)
          if (ADDRESSES.includes(field)) return maskAll(value, maskAddress)
          return '[redacted]'
        },
      },
    },
    destination,
  )
}

function maskAll(value: unknown, mask: (text: string) => string): unknown {
  if (typeof value === 'string') return mask(value)
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? mask(v) : '[redacted]'))
  return '[redacted]'
}

/** `FR76…8020`: enough to tell accounts apart in a log, not enough to identify one (DESIGN inv. 10). */
export function maskIban(iban: string): string {
  return iban.length <= 8 ? '****' : `${iban.slice(0, 4)}…${iban.slice(-4)}`
}

/** `203.0.113.x` / `2001:db8:…`: the network, never the host (DESIGN inv. 10). */
export function maskAddress(address: string): string {
  if (address.includes(','))
    return address
      .split(',')
      .map((a) => maskAddress(a.trim()))
      .join(', ')
  const v4 = /^(?:::ffff:)?(\d+\.\d+\.\d+)\.\d+$/.exec(address)
  if (v4?.[1] !== undefined) return `${v4[1]}.x`
  if (address.includes(':')) return `${address.split(':').slice(0, 2).join(':')}:…`
  return '[redacted]'
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} }
