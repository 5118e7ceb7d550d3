/**
 * Records as they are stored: one JSON object per NDJSON line or per stream entry. Read back through a schema: a line
 * torn by a crash mid-write (its fsync never returned, so its request never left) is skipped, never half-read.
 */
import * as v from 'valibot'
import { AUDIT_REASONS, type AuditRecord } from './audit-log.js'

const METHODS = ['accounts', 'balances', 'transactions', 'details', 'overdrafts', 'identity', 'consents'] as const

const finite = v.pipe(v.number(), v.finite())

const callSchema = v.object({
  t: v.literal('call'),
  id: v.pipe(v.string(), v.minLength(1)),
  at: finite,
  tpp: v.string(),
  bank: v.string(),
  psu: v.string(),
  iban: v.nullable(v.string()),
  method: v.picklist(METHODS),
  reason: v.picklist(AUDIT_REASONS),
  reservation: v.string(),
  replayOf: v.optional(v.string()),
})

const outcomeSchema = v.object({
  t: v.literal('outcome'),
  id: v.pipe(v.string(), v.minLength(1)),
  callAt: finite,
  at: finite,
  outcome: v.picklist(['OK', 'ERROR', 'NOT_SENT']),
  status: v.optional(v.pipe(v.number(), v.integer())),
  code: v.optional(v.string()),
  requestId: v.optional(v.string()),
})

const recordSchema = v.variant('t', [callSchema, outcomeSchema])

export function encodeAuditRecord(record: AuditRecord): string {
  return JSON.stringify(record)
}

/** Undefined for anything that is not a whole record. */
export function decodeAuditRecord(text: string): AuditRecord | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  const parsed = v.safeParse(recordSchema, value)
  return parsed.success ? (parsed.output as AuditRecord) : undefined
}
