import type { SandboxBank } from '../../src/sandbox/sandbox-bank.js'

/** What the sandbox bank (the referee) counted for one PSU, by method: calls that reached it, 429s apart. */
export function countCalls(
  sandbox: SandboxBank,
  filter: { psuId?: string; method?: string; iban?: string | null } = {},
): { batch: number; present: number; refused: number; total: number } {
  let batch = 0
  let present = 0
  let refused = 0
  for (const k of sandbox.stats().keys) {
    if (filter.psuId !== undefined && k.psuId !== filter.psuId) continue
    if (filter.method !== undefined && k.method !== filter.method) continue
    if (filter.iban !== undefined && k.iban !== filter.iban) continue
    batch += k.batch
    present += k.present
    refused += k.refused
  }
  return { batch, present, refused, total: batch + present }
}

/** Per-method totals for one PSU, e.g. `{ accounts: 1, balances: 3, … }`, for readable assertions. */
export function callsByMethod(sandbox: SandboxBank, psuId: string): Record<string, number> {
  const out: Record<string, number> = {}
  for (const k of sandbox.stats().keys) {
    if (k.psuId !== psuId) continue
    out[k.method] = (out[k.method] ?? 0) + k.batch + k.present
  }
  return out
}
