/**
 * What the bank answered, and what it means: the 2xx body checked against its schema, every other status turned into a
 * typed error (NOTES §5; bank page acceptance tests). Nothing here copies the bank's text into an error (invariant 10):
 * a failed check's cause lists only property paths and issue codes, never a value.
 */
import * as v from 'valibot'
import type { StetOperation } from './stet-errors.js'
import {
  BankBadRequestError,
  BankLimitReachedError,
  BankNotFoundError,
  BankNotImplementedError,
  BankUnavailableError,
  ConsentMissingError,
  UnexpectedBankResponseError,
  WrongMethodError,
} from './stet-errors.js'
import { errorBodySchema } from './stet-schemas.js'

/** One answer, read whole (undici needs every body consumed). */
export interface BankAnswer {
  status: number
  text: string
  wwwAuthenticate: string | undefined
}

export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch {
    return { ok: false }
  }
}

/**
 * RFC 6750 §3.1 `WWW-Authenticate: Bearer error="invalid_token"`, or a body naming it: the bank does not say which it
 * uses (NOTES §4, §11 q6), so either counts.
 */
export function isInvalidTokenAnswer(answer: BankAnswer): boolean {
  return /invalid_token/i.test(answer.wwwAuthenticate ?? '') || /invalid_token/i.test(answer.text)
}

/**
 * The ErrorModel `message` (NOTES §5). Groupe BPCE puts a code there, which changes what a status means: `TMRQ` (too
 * many requests), `NAAC` (no available accounts), `INTE` (internal error), `NIMP` (not implemented).
 */
export function errorMessageOf(answer: BankAnswer): string | undefined {
  const json = parseJson(answer.text)
  if (!json.ok) return undefined
  const parsed = v.safeParse(errorBodySchema, json.value)
  return parsed.success && typeof parsed.output.message === 'string' ? parsed.output.message : undefined
}

/**
 * A shape check: the checked value, or the issues found as `path: code` (never a value). valibot's schemas are adapted
 * by {@link schemaCheck}; the transactions answer has one written by hand (transactions-check.ts), with the same codes.
 */
export type BodyCheck<T> = (value: unknown) => { ok: true; value: T } | { ok: false; issues: readonly string[] }

/** One code per kind of issue, the vocabulary the logs have always had (the hand-written check uses it too). */
function issueCode(issue: v.BaseIssue<unknown>): string {
  if (issue.kind === 'schema') return issue.type === 'union' ? 'invalid_union' : 'invalid_type'
  if (issue.type === 'min_length' || issue.type === 'min_value') return 'too_small'
  return 'custom'
}

export function schemaCheck<S extends v.GenericSchema>(schema: S): BodyCheck<v.InferOutput<S>> {
  return (value) => {
    const parsed = v.safeParse(schema, value)
    if (parsed.success) return { ok: true, value: parsed.output }
    const issues = parsed.issues.map(
      (issue) => `${issue.path?.map((item) => String(item.key)).join('.') || '(root)'}: ${issueCode(issue)}`,
    )
    return { ok: false, issues }
  }
}

/** Parses and shape-checks a 2xx body. */
export function checkBody<T>(operation: StetOperation, answer: BankAnswer, check: BodyCheck<T>): T {
  const json = parseJson(answer.text)
  if (!json.ok)
    throw new UnexpectedBankResponseError(operation, answer.status, { cause: new Error('the body is not JSON') })
  const checked = check(json.value)
  if (checked.ok) return checked.value
  throw new UnexpectedBankResponseError(operation, answer.status, {
    cause: new Error(`shape check failed: ${checked.issues.join('; ')}`),
  })
}

/** The bank's BPCE code, when its body carries one of the four (anything else is free text we never repeat). */
export type BpceCode = 'TMRQ' | 'NAAC' | 'INTE' | 'NIMP'

export function bpceCodeOf(answer: BankAnswer): BpceCode | undefined {
  const message = errorMessageOf(answer)?.trim().toUpperCase()
  return message === 'TMRQ' || message === 'NAAC' || message === 'INTE' || message === 'NIMP' ? message : undefined
}

/**
 * The bank's daily limit, as BPCE answers it: a 429, or a 403 whose message is `TMRQ` (NOTES §5; Tink's
 * BpceRateLimitFilter treats both alike). Read before the status: a 403 TMRQ is never a consent error.
 */
export function isLimitAnswer(answer: BankAnswer): boolean {
  return answer.status === 429 || (answer.status === 403 && bpceCodeOf(answer) === 'TMRQ')
}

/**
 * A non-2xx answer the caller did not handle itself. 401 is handled before (refresh and replay); the limit answer's
 * reservation is marked by the caller. 408 and 5xx keep the reservation spent (the request reached the bank: invariant
 * 4). The BPCE code wins over the status: TMRQ is the limit, INTE an outage, NIMP its own code (NOTES §5).
 */
export function toBankError(operation: StetOperation, answer: BankAnswer): Error {
  if (isLimitAnswer(answer)) return new BankLimitReachedError(operation)
  const { status } = answer
  switch (bpceCodeOf(answer)) {
    case 'TMRQ':
      return new BankLimitReachedError(operation)
    case 'INTE':
      return new BankUnavailableError(operation, false, status)
    case 'NIMP':
      return new BankNotImplementedError(operation, status)
    default:
      break
  }
  switch (status) {
    case 400:
      return new BankBadRequestError(operation)
    case 403:
      return new ConsentMissingError(operation)
    case 404:
      return new BankNotFoundError(operation)
    case 405:
      return new WrongMethodError(operation)
    case 429:
      return new BankLimitReachedError(operation)
    default:
      if (status >= 500 || status === 408) return new BankUnavailableError(operation, false, status)
      return new UnexpectedBankResponseError(operation, status)
  }
}
