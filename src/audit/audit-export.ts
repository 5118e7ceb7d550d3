/**
 * Joins each call with its outcome, in call order, for the export. Memory stays bounded whatever the range: a call
 * waits for its outcome at most `horizonMs` of log time (far longer than a bank call can last: the STET timeouts are
 * seconds), then goes out as `UNKNOWN`; nothing else is held.
 */
import { parisDayLabel } from './audit-days.js'
import type { AuditCallRecord, AuditEntry, AuditOutcomeRecord, AuditRange, AuditRecord } from './audit-log.js'

/** A bank call lasts at most connect + headers + body timeouts (tens of seconds); fifteen minutes leaves no doubt. */
export const OUTCOME_HORIZON_MS = 15 * 60_000

export async function* joinAuditRecords(
  records: AsyncIterable<AuditRecord>,
  range: AuditRange,
  horizonMs = OUTCOME_HORIZON_MS,
): AsyncGenerator<AuditEntry> {
  // Insertion order is call order: the head is the oldest call still waiting.
  const waiting = new Map<string, { call: AuditCallRecord; outcome?: AuditOutcomeRecord }>()
  function* flush(latestAt: number): Generator<AuditEntry> {
    for (const [id, item] of waiting) {
      if (item.outcome === undefined && latestAt - item.call.at <= horizonMs) return
      waiting.delete(id)
      yield toEntry(item.call, item.outcome)
    }
  }
  for await (const record of records) {
    if (record.t === 'call') {
      if (record.at >= range.from && record.at < range.to) waiting.set(record.id, { call: record })
    } else {
      const item = waiting.get(record.id)
      if (item !== undefined && item.outcome === undefined) item.outcome = record
    }
    yield* flush(record.at)
  }
  yield* flush(Number.POSITIVE_INFINITY)
}

function toEntry(call: AuditCallRecord, outcome: AuditOutcomeRecord | undefined): AuditEntry {
  return {
    id: call.id,
    at: new Date(call.at).toISOString(),
    day: parisDayLabel(call.at),
    tpp: call.tpp,
    bank: call.bank,
    psu: call.psu,
    account: call.iban,
    method: call.method,
    reason: call.reason,
    reservation: call.reservation,
    ...(call.replayOf === undefined ? {} : { replayOf: call.replayOf }),
    outcome: outcome?.outcome ?? 'UNKNOWN',
    ...(outcome?.status === undefined ? {} : { status: outcome.status }),
    ...(outcome?.code === undefined ? {} : { code: outcome.code }),
    ...(outcome?.requestId === undefined ? {} : { requestId: outcome.requestId }),
  }
}
