import { pino } from 'pino'

/** Apollo's logger shape, which pino satisfies (STYLE.md B7). Passed in, never imported as a global. */
export interface Logger {
  debug(obj: object | string, msg?: string): void
  info(obj: object | string, msg?: string): void
  warn(obj: object | string, msg?: string): void
  error(obj: object | string, msg?: string): void
}

export function createLogger(level: string): Logger {
  // Never log PSU ids, tokens, signatures or IBANs unmasked (DESIGN inv. 10): redact the usual suspects defensively.
  return pino({
    level,
    redact: ['*.authorization', '*.accessToken', '*.refreshToken', '*.access_token', '*.refresh_token', '*.signature'],
  })
}

/** `FR76…8020`: enough to tell accounts apart in a log, not enough to identify one (DESIGN inv. 10). */
export function maskIban(iban: string): string {
  return iban.length <= 8 ? '****' : `${iban.slice(0, 4)}…${iban.slice(-4)}`
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} }
