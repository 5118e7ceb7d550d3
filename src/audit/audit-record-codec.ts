/**
 * Records as they are stored: one JSON object per NDJSON line or per stream entry. Read back through a schema: a line
 * torn by a crash mid-write (its fsync never returned, so its request never left) is skipped, never half-read.
 */
import { z } from 'zod'
import { AUDIT_REASONS, type AuditRecord } from './audit-log.js'

const METHODS = ['accounts', 'balances', 'transactions', 'details', 'overdrafts', 'identity', 'consents'] as const

const callSchema = z.object({
  t: z.literal('call'),
  id: z.string().min(1),
  at: z.number().finite(),
  tpp: z.string(),
  bank: z.string(),
  psu: z.string(),
  iban: z.string().nullable(),
  method: z.enum(METHODS),
  reason: z.enum(AUDIT_REASONS),
  reservation: z.string(),
  replayOf: z.string().optional(),
})

const outcomeSchema = z.object({
  t: z.literal('outcome'),
  id: z.string().min(1),
  callAt: z.number().finite(),
  at: z.number().finite(),
  outcome: z.enum(['OK', 'ERROR', 'NOT_SENT']),
  status: z.number().int().optional(),
  code: z.string().optional(),
  requestId: z.string().optional(),
})

const recordSchema = z.discriminatedUnion('t', [callSchema, outcomeSchema])

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
  const parsed = recordSchema.safeParse(value)
  return parsed.success ? (parsed.data as AuditRecord) : undefined
}
