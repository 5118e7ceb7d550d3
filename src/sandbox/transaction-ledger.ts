/**
 * Deterministic transaction history for the personas. Each Paris calendar day's entries come from a PRNG seeded with
 * (IBAN, day), so the same day always holds the same transactions whatever "today" is, and moving the sandbox clock
 * only slides the window. Shapes follow the bank, not OAS 1.5 (NOTES §6.4): string amounts, a bare-array
 * remittanceInformation, `resourceId: null` on card entries (as in the bank's example), only BOOK and OTHR statuses,
 * OTHR entries without bookingDate (Yolt's captures), entryReference formats by type, bankTransactionCode for pros.
 */
import type { BankTransactionCode, TransactionResource } from '../stet-api/wire.js'
import type { ActivityProfile, PersonaAccount } from './personas.js'
import { resourceIdOf } from './personas.js'
import { parisDay, parisDayBack, parisTimeOnDay, toParisIso } from './paris-calendar.js'

export interface LedgerEntry {
  /** The instant the dateFrom/dateTo filters compare: bookingDate, or transactionDate for an OTHR entry. */
  at: number
  resource: TransactionResource
}

type EntryKind = 'card' | 'withdrawal' | 'transferOut' | 'directDebit' | 'credit' | 'paylib'

interface KindSpec {
  labels: readonly string[]
  minCents: number
  maxCents: number
  indicator: 'CRDT' | 'DBIT'
  code: BankTransactionCode
  /** Card-type entries have no transaction resourceId at the bank (its example: `"resourceId": null`). */
  hasResourceId: boolean
  /** Paylib-like entries get an entryReference only once booked (bank page, Get transactions, note 2). */
  referenceOnlyWhenBooked: boolean
  /** Recent entries of this kind are still OTHR (not booked yet). */
  pendingWhenRecent: boolean
}

const ISSUER = "SI MYSYS – Caisse d'Epargne"

const KINDS: Record<EntryKind, KindSpec> = {
  card: {
    labels: [
      'CB CARREFOUR MARKET',
      'CB BOULANGERIE PAUL',
      'CB SNCF INTERNET',
      'CB PHARMACIE DU CENTRE',
      'CB TOTALENERGIES',
    ],
    minCents: 250,
    maxCents: 12000,
    indicator: 'DBIT',
    code: { domain: 'PMNT', family: 'CCRD', subFamily: 'POSD', issuer: ISSUER },
    hasResourceId: false,
    referenceOnlyWhenBooked: false,
    pendingWhenRecent: true,
  },
  withdrawal: {
    labels: ['Retrait Carte', 'RETRAIT DAB 17515'],
    minCents: 2000,
    maxCents: 10000,
    indicator: 'DBIT',
    code: { domain: 'PMNT', family: 'CCRD', subFamily: 'CWDL', issuer: ISSUER },
    hasResourceId: false,
    referenceOnlyWhenBooked: false,
    pendingWhenRecent: false,
  },
  transferOut: {
    labels: ['VIR SEPA LOYER', 'VIR INST M DUPONT', 'VIR SEPA EPARGNE'],
    minCents: 5000,
    maxCents: 90000,
    indicator: 'DBIT',
    code: { domain: 'PMNT', family: 'ICDT', subFamily: 'ESCT', issuer: ISSUER },
    hasResourceId: true,
    referenceOnlyWhenBooked: false,
    pendingWhenRecent: false,
  },
  directDebit: {
    labels: ['PRLV SEPA EDF', 'PRLV SEPA ORANGE', 'PRLV SEPA FREE MOBILE', 'PRLV SEPA MAIF'],
    minCents: 1000,
    maxCents: 15000,
    indicator: 'DBIT',
    code: { domain: 'PMNT', family: 'IDDT', subFamily: 'ESDD', issuer: ISSUER },
    hasResourceId: true,
    referenceOnlyWhenBooked: false,
    pendingWhenRecent: false,
  },
  credit: {
    labels: ['VIR SEPA SALAIRE', 'VIR SEPA CAF', 'REMISE CHEQUE', 'VIR SEPA CLIENT FACTURE'],
    minCents: 5000,
    maxCents: 250000,
    indicator: 'CRDT',
    code: { domain: 'PMNT', family: 'RCDT', subFamily: 'ESCT', code: '05', issuer: ISSUER },
    hasResourceId: true,
    referenceOnlyWhenBooked: false,
    pendingWhenRecent: false,
  },
  paylib: {
    labels: ['PAYLIB M MARTIN', 'PAYLIB MME LEROY'],
    minCents: 500,
    maxCents: 6000,
    indicator: 'DBIT',
    code: { domain: 'PMNT', family: 'ICDT', subFamily: 'ESCT', issuer: ISSUER },
    hasResourceId: false,
    referenceOnlyWhenBooked: true,
    pendingWhenRecent: true,
  },
}

/** Weighted draw: cards dominate a retail account's activity. */
const KIND_WHEEL: readonly EntryKind[] = [
  'card',
  'card',
  'card',
  'card',
  'withdrawal',
  'transferOut',
  'directDebit',
  'directDebit',
  'credit',
  'paylib',
]

/** Entries this many days old or younger (today = 0) are still OTHR when their kind books late. */
const PENDING_DAYS = 1

/** FNV-1a, to turn (IBAN, day) into a 32-bit seed. */
function hashSeed(text: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}

/** mulberry32: small, fast, good enough for test data. */
function createPrng(seed: number): () => number {
  let state = seed
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function between(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1))
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0')
}

/** The bank's entryReference formats: transfer 25, direct debit 30, card and other 40 characters. */
function entryReferenceFor(kind: EntryKind, prefix: string, at: number, index: number): string {
  const day = parisDay(at).replaceAll('-', '')
  if (kind === 'transferOut' || kind === 'credit') return `${prefix}${day}${pad(index, 3)}`
  if (kind === 'directDebit') return `${prefix}${day}G1${pad(index, 6)}`
  const stamp = toParisIso(at).slice(0, 19).replace('T', '-').replaceAll(':', '.')
  return `${prefix}${stamp}.${pad((at % 1000) * 1000 + index, 6)}`
}

interface DraftEntry {
  at: number
  kind: EntryKind
  cents: number
  label: string
  reference: string
  iso: string
}

/**
 * A day's entries depend only on (IBAN, day): memoised, since a /transactions call walks up to 90 days and luxon's
 * zone arithmetic dominates the cost. Bounded: cleared when it grows past a few months of every persona, the
 * benchmark's cold pools included (640 accounts × 92 days: below that the cache was cleared every few calls and the
 * bank, not the server under test, set the benchmark's pace).
 */
const draftCache = new Map<string, DraftEntry[]>()
const DRAFT_CACHE_LIMIT = 100_000

function draftsOfDay(
  account: PersonaAccount,
  activity: ActivityProfile,
  nowMs: number,
  daysBack: number,
): DraftEntry[] {
  const day = parisDayBack(nowMs, daysBack)
  const cacheKey = `${account.iban}|${day}`
  const cached = draftCache.get(cacheKey)
  if (cached) return cached
  const random = createPrng(hashSeed(cacheKey))
  const count = between(random, activity.minPerDay, activity.maxPerDay)
  const prefix = resourceIdOf(account.iban).slice(0, 14)
  const drafts: DraftEntry[] = []
  for (let index = 0; index < count; index++) {
    const drawn = KIND_WHEEL[between(random, 0, KIND_WHEEL.length - 1)] ?? 'card'
    // Busy accounts open each day with a Paylib payment, so that yesterday's is still OTHR with no entryReference:
    // the bank's acceptance test "entryReference empty" on GEORGES always has a case.
    const kind: EntryKind = index === 0 && activity.minPerDay > 0 ? 'paylib' : drawn
    const spec = KINDS[kind]
    const at = parisTimeOnDay(nowMs, daysBack, between(random, 7, 21), between(random, 0, 59), between(random, 0, 59))
    const cents = between(random, spec.minCents, spec.maxCents)
    const label = spec.labels[between(random, 0, spec.labels.length - 1)] ?? spec.labels[0] ?? ''
    drafts.push({ at, kind, cents, label, reference: entryReferenceFor(kind, prefix, at, index), iso: toParisIso(at) })
  }
  if (draftCache.size >= DRAFT_CACHE_LIMIT) draftCache.clear()
  draftCache.set(cacheKey, drafts)
  return drafts
}

function toEntry(draft: DraftEntry, activity: ActivityProfile, daysBack: number): LedgerEntry {
  const spec = KINDS[draft.kind]
  const pending = spec.pendingWhenRecent && daysBack <= PENDING_DAYS
  const resource: TransactionResource = {
    resourceId: spec.hasResourceId ? draft.reference : null,
    remittanceInformation: [draft.label],
    transactionAmount: { amount: (draft.cents / 100).toFixed(2), currency: 'EUR' },
    creditDebitIndicator: spec.indicator,
    status: pending ? 'OTHR' : 'BOOK',
    transactionDate: draft.iso,
  }
  if (!(pending && spec.referenceOnlyWhenBooked)) resource.entryReference = draft.reference
  if (!pending) {
    resource.bookingDate = draft.iso
    resource.valueDate = draft.iso
  }
  if (activity.professional) resource.bankTransactionCode = spec.code
  return { at: draft.at, resource }
}

/** Every transaction of the account up to `nowMs` (over its activity window), newest first. */
export function transactionsOf(account: PersonaAccount, nowMs: number): LedgerEntry[] {
  const activity = account.activity
  if (!activity) return []
  const entries: LedgerEntry[] = []
  for (let daysBack = 0; daysBack <= activity.daysBack; daysBack++) {
    for (const draft of draftsOfDay(account, activity, nowMs, daysBack)) {
      if (draft.at <= nowMs) entries.push(toEntry(draft, activity, daysBack))
    }
  }
  return entries.sort((a, b) => b.at - a.at)
}
