/**
 * Faults a test arms on the sandbox, so that a client can be tested against a bank that fails: `INTE` on
 * `PUT /consents`, `NIMP`, a 503. Each fault answers the next matching request once, in place of the bank's own
 * answer; an AIS call it answers has already been counted like any other (it reached the bank), and its handler does
 * not run (a failed `PUT /consents` changes no consent).
 */

export interface SandboxFault {
  /** Default any method. */
  method?: string
  /**
   * The request path, without its query: under the STET base path for AIS (`/consents`, `/accounts`,
   * `/accounts/175150009204004305180/balances`), or whole for OAuth (`/stet/psd2/oauth/token`). A segment
   * `*` matches any one segment (every account's balances: `*` in place of the account id).
   */
  path: string
  /** The HTTP status to answer, e.g. 500. */
  status: number
  /** The body's `message`, in BPCE's words: `INTE`, `NIMP`, `TMRQ`... */
  message: string
  /** Only for calls made as this PSU (AIS only). Default any PSU. */
  psuId?: string
  /** How many matching requests the fault answers. Default 1. */
  times?: number
}

export interface FaultRequest {
  method: string
  /** The path under the STET base path for AIS requests, the whole path otherwise. */
  path: string
  psuId?: string
}

function pathMatches(pattern: string, path: string): boolean {
  const want = pattern.replace(/\/+$/, '').split('/')
  const got = path.replace(/\/+$/, '').split('/')
  return want.length === got.length && want.every((segment, i) => segment === '*' || segment === got[i])
}

export class FaultInjector {
  readonly #armed: { fault: SandboxFault; left: number }[] = []

  arm(fault: SandboxFault): void {
    const times = fault.times ?? 1
    if (!Number.isInteger(fault.status) || fault.status < 400 || fault.status > 599)
      throw new TypeError(`a fault's status must be an HTTP error status, got ${fault.status}`)
    if (!Number.isInteger(times) || times < 1) throw new TypeError(`a fault's times must be a positive integer`)
    if (!fault.path.startsWith('/')) throw new TypeError(`a fault's path must start with /, got ${fault.path}`)
    this.#armed.push({ fault: { ...fault }, left: times })
  }

  /** The first armed fault matching the request, spent by one; undefined when none matches. */
  take(request: FaultRequest): SandboxFault | undefined {
    const index = this.#armed.findIndex(
      ({ fault }) =>
        (fault.method === undefined || fault.method.toUpperCase() === request.method.toUpperCase()) &&
        (fault.psuId === undefined || fault.psuId === request.psuId) &&
        pathMatches(fault.path, request.path),
    )
    const entry = index < 0 ? undefined : this.#armed[index]
    if (entry === undefined) return undefined
    entry.left--
    if (entry.left === 0) this.#armed.splice(index, 1)
    return entry.fault
  }

  /** How many answers the armed faults still hold. */
  pending(): number {
    return this.#armed.reduce((sum, { left }) => sum + left, 0)
  }

  clear(): void {
    this.#armed.length = 0
  }
}
