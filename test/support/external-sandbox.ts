import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Clock } from '../../src/clock.js'
import { loadOrCreateDevPki } from '../../src/pki/dev-pki.js'
import { startSandboxBank, type SandboxBank, type SandboxOptions } from '../../src/sandbox/sandbox-bank.js'

/**
 * A sandbox bank that outlives the gateways under test (restarts, several processes): the referee keeps counting
 * across them. It trusts the same development PKI that `seedDataDir` copies into every DATA_DIR.
 */
export async function startExternalSandbox(
  clock?: Clock,
  options: Omit<Partial<SandboxOptions>, 'tppCertificatePem' | 'clientId' | 'clock'> = {},
): Promise<SandboxBank> {
  const pki = await loadOrCreateDevPki(path.join(tmpdir(), `stetgw-test-pki-${process.getuid?.() ?? 0}`), {
    clientId: 'PSDFR-ACPR-SANDBOX',
  })
  return startSandboxBank({
    tppCertificatePem: pki.qsealc.certPem,
    clientId: 'PSDFR-ACPR-SANDBOX',
    ...(clock === undefined ? {} : { clock }),
    ...options,
  })
}

/** A clock tests move by hand: Paris midnights, DST days. */
export function manualClock(startIso: string): Clock & { set(iso: string): void; advance(ms: number): void } {
  let now = Date.parse(startIso)
  const clock = (() => now) as Clock & { set(iso: string): void; advance(ms: number): void }
  clock.set = (iso) => {
    now = Date.parse(iso)
  }
  clock.advance = (ms) => {
    now += ms
  }
  return clock
}
