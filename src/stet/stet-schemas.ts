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
 * The transactions, accounts, balances, overdrafts and identity answers are checked at run time by transactions-check.ts
 * and resource-checks.ts, written out by hand for speed; these schemas stay their specification
 * (test/stet/transactions-check.test.ts and resource-checks.test.ts prove them equal).
 */
import * as v from 'valibot'
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

const amountValue = v.pipe(
  v.union([v.string(), v.number()]),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const normalised = normaliseAmount(dataset.value)
    if (normalised === undefined) {
      addIssue({ message: 'amount is not an exact decimal' })
      return NEVER
    }
    return normalised
  }),
)

export const amountSchema = v.object({ amount: amountValue, currency: v.pipe(v.string(), v.minLength(1)) })

/** A date or date-time kept as sent; `""` and `null` become undefined (NOTES §6.4 Rec). */
const lenientDate = v.pipe(
  v.optional(v.nullable(v.string())),
  v.transform((value) => (value === null || value === undefined || value.trim() === '' ? undefined : value)),
)

const optionalString = v.optional(v.string())

/**
 * A code of a STET closed set, taken as sent even when outside it (wire.ts `OpenCode`): the bank may add a code the
 * spec does not list, and refusing it would fail every account, balance or transaction in the same answer.
 */
const openCode = v.string()
/** The same, optional: `""` and null (seen for dates at BPCE) mean absent. */
const optionalOpenCode = lenientDate

export const genericLinkSchema = v.object({ href: v.string(), templated: v.optional(v.boolean()) })
const optionalLink = v.optional(genericLinkSchema)

const accountIdentificationSchema = v.object({
  iban: optionalString,
  other: v.optional(v.object({ identification: v.string(), schemeName: v.string(), issuer: optionalString })),
  currency: optionalString,
})

export const balanceResourceSchema = v.object({
  name: v.string(),
  balanceAmount: amountSchema,
  balanceType: openCode,
  lastChangeDateTime: lenientDate,
  referenceDate: lenientDate,
  lastCommittedTransaction: optionalString,
})

export const accountResourceSchema = v.object({
  resourceId: optionalString,
  bicFi: optionalString,
  accountId: v.optional(accountIdentificationSchema),
  name: v.string(),
  details: optionalString,
  linkedAccount: optionalString,
  usage: optionalOpenCode,
  cashAccountType: openCode,
  product: optionalString,
  currency: optionalString,
  balances: v.optional(v.array(balanceResourceSchema)),
  psuStatus: optionalString,
  _links: v.optional(
    v.object({ balances: optionalLink, transactions: optionalLink, overdrafts: optionalLink, owners: optionalLink }),
  ),
})

export const halAccountsSchema = v.object({
  accounts: v.array(accountResourceSchema),
  _links: v.object({
    self: genericLinkSchema,
    consents: optionalLink,
    endUserIdentity: optionalLink,
    next: optionalLink,
    prev: optionalLink,
    first: optionalLink,
    last: optionalLink,
  }),
})

export const halBalancesSchema = v.object({
  balances: v.array(balanceResourceSchema),
  _links: v.object({
    self: genericLinkSchema,
    'parent-list': optionalLink,
    transactions: optionalLink,
    overdrafts: optionalLink,
  }),
})

const bankTransactionCodeSchema = v.object({
  domain: v.string(),
  family: v.string(),
  subFamily: v.string(),
  code: optionalString,
  issuer: optionalString,
})

export const transactionResourceSchema = v.object({
  resourceId: v.optional(v.nullable(v.string())),
  entryReference: optionalString,
  endToEndId: optionalString,
  transactionAmount: amountSchema,
  creditDebitIndicator: openCode,
  status: openCode,
  bookingDate: lenientDate,
  expectedBookingDate: lenientDate,
  valueDate: lenientDate,
  transactionDate: lenientDate,
  bankTransactionCode: v.optional(bankTransactionCodeSchema),
  remittanceInformation: v.optional(
    v.union([
      v.array(v.string()),
      v.object({ unstructured: v.optional(v.array(v.string())), structured: v.optional(v.array(v.unknown())) }),
    ]),
  ),
  _links: v.optional(v.object({ details: optionalLink })),
})

export const halTransactionsSchema = v.object({
  transactions: v.array(transactionResourceSchema),
  _links: v.object({
    self: genericLinkSchema,
    'parent-list': optionalLink,
    balances: optionalLink,
    next: optionalLink,
    prev: optionalLink,
    previous: optionalLink,
  }),
})

/** No published schema for the details body (NOTES §7, §11 q1): a JSON object kept opaque beside its links. */
export const halTransactionDetailsSchema = v.object({
  transactionDetails: v.optional(v.unknown()),
  details: v.optional(v.unknown()),
  _links: v.optional(v.record(v.string(), genericLinkSchema)),
})

export const halOverdraftsSchema = v.object({
  overdrafts: v.object({ allowedAmount: amountSchema }),
  _links: v.object({
    self: genericLinkSchema,
    'parent-list': optionalLink,
    balances: optionalLink,
    transactions: optionalLink,
  }),
})

export const halEndUserIdentitySchema = v.object({
  identity: v.object({
    fullName: v.string(),
    namePrefix: optionalOpenCode,
    firstName: optionalString,
    lastName: optionalString,
  }),
  _links: v.object({ self: genericLinkSchema, accounts: optionalLink, consents: optionalLink }),
})

/** RFC 6749 §5.1; `token_type` compared case-insensitively (RFC 6749 §5.1), `expires_in` required and positive. */
export const tokenResponseSchema = v.object({
  access_token: v.pipe(v.string(), v.minLength(1)),
  token_type: v.pipe(
    v.string(),
    v.check((value) => value.toLowerCase() === 'bearer', 'token_type must be Bearer'),
    v.transform((): 'Bearer' => 'Bearer'),
  ),
  // `Number(value)`, then a positive integer: a bank that sends `"3600"` is read as 3600.
  expires_in: v.pipe(v.unknown(), v.transform(Number), v.number(), v.integer(), v.minValue(1)),
  scope: optionalString,
  refresh_token: v.optional(v.pipe(v.string(), v.minLength(1))),
})

/** The lenient read of an error body: ErrorModel (NOTES §5) or RFC 6749 §5.2; everything optional. */
export const errorBodySchema = v.object({
  status: v.optional(v.unknown()),
  error: v.optional(v.unknown()),
  message: v.optional(v.unknown()),
  error_description: v.optional(v.unknown()),
})

export type CheckedAccount = v.InferOutput<typeof accountResourceSchema>
export type CheckedBalance = v.InferOutput<typeof balanceResourceSchema>
export type CheckedAccounts = v.InferOutput<typeof halAccountsSchema>
export type CheckedBalances = v.InferOutput<typeof halBalancesSchema>
export type CheckedTransaction = v.InferOutput<typeof transactionResourceSchema>
export type CheckedTransactions = v.InferOutput<typeof halTransactionsSchema>
export type CheckedTransactionDetails = v.InferOutput<typeof halTransactionDetailsSchema>
export type CheckedOverdrafts = v.InferOutput<typeof halOverdraftsSchema>
export type CheckedIdentity = v.InferOutput<typeof halEndUserIdentitySchema>
export type CheckedTokenResponse = v.InferOutput<typeof tokenResponseSchema>

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
