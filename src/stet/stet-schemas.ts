/**
 * Shape checks for everything the bank sends, before anything uses it (DESIGN.md step 5). Lenient where the bank departs
 * from STET 1.5 (NOTES.md §6 Rec), strict where a wrong value would be silently wrong:
 * - amounts: a string or a number, always returned as a decimal STRING that never went through a float arithmetic step
 *   (see {@link normaliseAmount});
 * - remittanceInformation: the 1.4 bare array or the 1.5 `{unstructured, structured}` object;
 * - dates: kept as strings; `""` and `null` (seen at BPCE, NOTES §6.4) become absent;
 * - STET's closed code sets (balanceType, cashAccountType, usage, creditDebitIndicator, status, namePrefix): any
 *   non-empty string, kept as sent ({@link openCode}); the GraphQL layer maps an unknown one to UNKNOWN;
 * - `_links` optional on accounts (absent before PUT /consents at BPCE, §6.1); stale hrefs are kept as given.
 * Unknown properties are dropped, so that nothing the bank adds reaches a caller unchecked (invariant 10).
 * Each output type is assignable to its wire type in stet-api/wire.ts (checked at the bottom of this file).
 * The transactions answer is checked at run time by transactions-check.ts, written out by hand for speed;
 * `halTransactionsSchema` stays its specification (test/stet/transactions-check.test.ts proves them equal).
 */
import { z } from 'zod'
import type {
  AccountResource,
  BalanceResource,
  HalAccounts,
  HalBalances,
  HalEndUserIdentity,
  HalOverdrafts,
  HalTransactionDetails,
  HalTransactions,
  TokenResponse,
  TransactionResource,
} from '../stet-api/wire.js'

const DECIMAL_STRING = /^[+-]?\d+(\.\d+)?$/
const SHORT_DECIMAL = /^-?\d+(\.\d{1,2})?$/

/**
 * A decimal string from the wire's `amount`, or undefined when it cannot be represented exactly.
 * - A string must be a plain decimal (`-150.00`, `13`); a leading `+` is dropped; digits are kept as sent.
 * - A number has already been parsed to a double by JSON.parse. `String(n)` gives the shortest text that round-trips,
 *   which is the text the bank sent whenever that text had ≤ 15 significant digits. We accept it only for safe
 *   integers or ≤ 2 decimals (the currencies in use have 2), so `0`, `12.5`, `-3.07` pass and `1e21` or `0.1234` do not.
 */
export function normaliseAmount(value: string | number): string | undefined {
  if (typeof value === 'string') {
    const trimmed = value.trim()
    if (!DECIMAL_STRING.test(trimmed)) return undefined
    return trimmed.startsWith('+') ? trimmed.slice(1) : trimmed
  }
  if (!Number.isFinite(value)) return undefined
  if (Number.isInteger(value)) return Number.isSafeInteger(value) ? String(value) : undefined
  const text = String(value)
  return SHORT_DECIMAL.test(text) ? text : undefined
}

const amountValue = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const normalised = normaliseAmount(value)
  if (normalised === undefined) {
    ctx.addIssue({ code: 'custom', message: 'amount is not an exact decimal' })
    return z.NEVER
  }
  return normalised
})

export const amountSchema = z.object({ amount: amountValue, currency: z.string().min(1) })

/** A date or date-time kept as sent; `""` and `null` become undefined (NOTES §6.4 Rec). */
const lenientDate = z
  .union([z.string(), z.null()])
  .optional()
  .transform((value) => (value === null || value === undefined || value.trim() === '' ? undefined : value))

const optionalString = z.string().optional()

/**
 * A code of a STET closed set, taken as sent even when outside it (wire.ts `OpenCode`): the bank may add a code the
 * spec does not list, and refusing it would fail every account, balance or transaction in the same answer.
 */
const openCode = z.string()
/** The same, optional: `""` and null (seen for dates at BPCE) mean absent. */
const optionalOpenCode = z
  .union([z.string(), z.null()])
  .optional()
  .transform((value) => (value === null || value === undefined || value.trim() === '' ? undefined : value))

export const genericLinkSchema = z.object({ href: z.string(), templated: z.boolean().optional() })
const optionalLink = genericLinkSchema.optional()

const accountIdentificationSchema = z.object({
  iban: optionalString,
  other: z.object({ identification: z.string(), schemeName: z.string(), issuer: optionalString }).optional(),
  currency: optionalString,
})

export const balanceResourceSchema = z.object({
  name: z.string(),
  balanceAmount: amountSchema,
  balanceType: openCode,
  lastChangeDateTime: lenientDate,
  referenceDate: lenientDate,
  lastCommittedTransaction: optionalString,
})

export const accountResourceSchema = z.object({
  resourceId: optionalString,
  bicFi: optionalString,
  accountId: accountIdentificationSchema.optional(),
  name: z.string(),
  details: optionalString,
  linkedAccount: optionalString,
  usage: optionalOpenCode,
  cashAccountType: openCode,
  product: optionalString,
  currency: optionalString,
  balances: z.array(balanceResourceSchema).optional(),
  psuStatus: optionalString,
  _links: z
    .object({ balances: optionalLink, transactions: optionalLink, overdrafts: optionalLink, owners: optionalLink })
    .optional(),
})

export const halAccountsSchema = z.object({
  accounts: z.array(accountResourceSchema),
  _links: z.object({
    self: genericLinkSchema,
    consents: optionalLink,
    endUserIdentity: optionalLink,
    next: optionalLink,
    prev: optionalLink,
    first: optionalLink,
    last: optionalLink,
  }),
})

export const halBalancesSchema = z.object({
  balances: z.array(balanceResourceSchema),
  _links: z.object({
    self: genericLinkSchema,
    'parent-list': optionalLink,
    transactions: optionalLink,
    overdrafts: optionalLink,
  }),
})

const bankTransactionCodeSchema = z.object({
  domain: z.string(),
  family: z.string(),
  subFamily: z.string(),
  code: optionalString,
  issuer: optionalString,
})

export const transactionResourceSchema = z.object({
  resourceId: z.string().nullable().optional(),
  entryReference: optionalString,
  endToEndId: optionalString,
  transactionAmount: amountSchema,
  creditDebitIndicator: openCode,
  status: openCode,
  bookingDate: lenientDate,
  expectedBookingDate: lenientDate,
  valueDate: lenientDate,
  transactionDate: lenientDate,
  bankTransactionCode: bankTransactionCodeSchema.optional(),
  remittanceInformation: z
    .union([
      z.array(z.string()),
      z.object({ unstructured: z.array(z.string()).optional(), structured: z.array(z.unknown()).optional() }),
    ])
    .optional(),
  _links: z.object({ details: optionalLink }).optional(),
})

export const halTransactionsSchema = z.object({
  transactions: z.array(transactionResourceSchema),
  _links: z.object({
    self: genericLinkSchema,
    'parent-list': optionalLink,
    balances: optionalLink,
    next: optionalLink,
    prev: optionalLink,
    previous: optionalLink,
  }),
})

/** No published schema for the details body (NOTES §7, §11 q1): a JSON object kept opaque beside its links. */
export const halTransactionDetailsSchema = z.object({
  transactionDetails: z.unknown().optional(),
  details: z.unknown().optional(),
  _links: z.record(z.string(), genericLinkSchema).optional(),
})

export const halOverdraftsSchema = z.object({
  overdrafts: z.object({ allowedAmount: amountSchema }),
  _links: z.object({
    self: genericLinkSchema,
    'parent-list': optionalLink,
    balances: optionalLink,
    transactions: optionalLink,
  }),
})

export const halEndUserIdentitySchema = z.object({
  identity: z.object({
    fullName: z.string(),
    namePrefix: optionalOpenCode,
    firstName: optionalString,
    lastName: optionalString,
  }),
  _links: z.object({ self: genericLinkSchema, accounts: optionalLink, consents: optionalLink }),
})

/** RFC 6749 §5.1; `token_type` compared case-insensitively (RFC 6749 §5.1), `expires_in` required and positive. */
export const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z
    .string()
    .refine((value) => value.toLowerCase() === 'bearer', 'token_type must be Bearer')
    .transform((): 'Bearer' => 'Bearer'),
  expires_in: z.coerce.number().int().positive(),
  scope: optionalString,
  refresh_token: z.string().min(1).optional(),
})

/** The lenient read of an error body: ErrorModel (NOTES §5) or RFC 6749 §5.2; everything optional. */
export const errorBodySchema = z.object({
  status: z.unknown().optional(),
  error: z.unknown().optional(),
  message: z.unknown().optional(),
  error_description: z.unknown().optional(),
})

export type CheckedAccount = z.output<typeof accountResourceSchema>
export type CheckedBalance = z.output<typeof balanceResourceSchema>
export type CheckedAccounts = z.output<typeof halAccountsSchema>
export type CheckedBalances = z.output<typeof halBalancesSchema>
export type CheckedTransaction = z.output<typeof transactionResourceSchema>
export type CheckedTransactions = z.output<typeof halTransactionsSchema>
export type CheckedTransactionDetails = z.output<typeof halTransactionDetailsSchema>
export type CheckedOverdrafts = z.output<typeof halOverdraftsSchema>
export type CheckedIdentity = z.output<typeof halEndUserIdentitySchema>
export type CheckedTokenResponse = z.output<typeof tokenResponseSchema>

// Compile-time proof that a checked value can go wherever the wire type is expected.
type Assignable<T extends U, U> = T
export type _WireCompatibility = [
  Assignable<CheckedAccount, AccountResource>,
  Assignable<CheckedBalance, BalanceResource>,
  Assignable<CheckedAccounts, HalAccounts>,
  Assignable<CheckedBalances, HalBalances>,
  Assignable<CheckedTransaction, TransactionResource>,
  Assignable<CheckedTransactions, HalTransactions>,
  Assignable<CheckedTransactionDetails, HalTransactionDetails>,
  Assignable<CheckedOverdrafts, HalOverdrafts>,
  Assignable<CheckedIdentity, HalEndUserIdentity>,
  Assignable<CheckedTokenResponse, TokenResponse>,
]
