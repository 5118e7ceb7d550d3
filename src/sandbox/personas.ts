/**
 * The sandbox's static test data: the bank's personas (bank page "Test with persona", bank-notes.md table) plus the
 * identity personas and LEA's second account from the page's examples. Balances are static, as the bank says
 * ("these data included the accounting balance are static"); transactions are generated per day (transaction-ledger.ts).
 */
import type { ConsentAccess, Identity } from '../stet-api/wire.js'

/** How many transactions a day an account shows, over how many days back from the sandbox's "today" (Paris). */
export interface ActivityProfile {
  minPerDay: number
  maxPerDay: number
  daysBack: number
  /** Pro and corporate accounts carry a bankTransactionCode on their transactions (bank page, Get transactions). */
  professional: boolean
}

export interface PersonaAccount {
  iban: string
  /** The holder label the bank puts in `name`. */
  name: string
  usage: 'PRIV' | 'ORGA'
  psuStatus: string
  /** Accounting balance (CLBD), a decimal string as the bank sends it. */
  balance: string
  /** Authorised overdraft; the bank's example sends the number 0 (NOTES §6.5). */
  overdraftAllowed: number
  /** Absent: the account has no transaction at all (CLAIRE …4026 → 204). */
  activity?: ActivityProfile
}

export interface Persona {
  psuId: string
  identity: Identity
  accounts: PersonaAccount[]
  /** Consent already on file when the sandbox starts or is reset (the identity personas of the bank page). */
  preseededConsent?: ConsentAccess
}

/** resourceId = IBAN characters 4 to 25, as in the bank's examples (FR7617515000920400430518020 → 175150009204004305180). */
export function resourceIdOf(iban: string): string {
  return iban.slice(4, 25)
}

const RETAIL_LIGHT: ActivityProfile = { minPerDay: 0, maxPerDay: 1, daysBack: 90, professional: false }

/** The persona with no eligible account: `GET /accounts` answers 404 NAAC. */
export const NO_ACCOUNT_PSU = '9999999909'

const MARC_IBAN = 'FR7617515000920409999010173'
const TECHNCO_IBAN = 'FR7617515000920809999310174'

export const PERSONAS: readonly Persona[] = [
  {
    psuId: '9999999901',
    identity: { fullName: 'LEA SANDBOXA', firstName: 'LEA', lastName: 'SANDBOXA', namePrefix: 'MISS' },
    accounts: [
      {
        iban: 'FR7617515000920400430518020',
        name: 'LEA SANDBOXA',
        usage: 'PRIV',
        psuStatus: 'Account Holder',
        balance: '-150.00',
        overdraftAllowed: 200,
        activity: RETAIL_LIGHT,
      },
      {
        iban: 'FR7617515000920400851811524',
        name: 'LEA SANDBOXA',
        usage: 'PRIV',
        psuStatus: 'Account Holder',
        balance: '1250.00',
        overdraftAllowed: 0,
        activity: { minPerDay: 0, maxPerDay: 1, daysBack: 60, professional: false },
      },
    ],
  },
  {
    psuId: '9999999902',
    identity: { fullName: 'CLAIRE RECETTEB', firstName: 'CLAIRE', lastName: 'RECETTEB', namePrefix: 'MADM' },
    accounts: [
      {
        iban: 'FR7617515900000400358074026',
        name: 'CLAIRE RECETTEB',
        usage: 'PRIV',
        psuStatus: 'Account Holder',
        balance: '0.00',
        overdraftAllowed: 0,
      },
      {
        iban: 'FR7617515900000800358074006',
        name: 'CLAIRE RECETTEB',
        usage: 'ORGA',
        psuStatus: 'Account Holder',
        balance: '23766.98',
        overdraftAllowed: 500,
        activity: { minPerDay: 0, maxPerDay: 3, daysBack: 90, professional: true },
      },
    ],
  },
  {
    psuId: '9999999903',
    identity: { fullName: 'GEORGES PERSONAC', firstName: 'GEORGES', lastName: 'PERSONAC', namePrefix: 'MIST' },
    accounts: [
      {
        iban: 'FR7617515000920400085945890',
        name: 'Mr et Mme GEORGES PERSONAC',
        usage: 'PRIV',
        psuStatus: 'Account Co-Holder',
        balance: '10.00',
        overdraftAllowed: 500,
        // "more than 200 transactions" (bank page): 3-4 a day over 90 days, so that 62 days still hold > 200.
        activity: { minPerDay: 3, maxPerDay: 4, daysBack: 90, professional: false },
      },
    ],
  },
  {
    psuId: '9999999904',
    identity: { fullName: 'GILLES TESTUNID', firstName: 'GILLES', lastName: 'TESTUNID', namePrefix: 'MIST' },
    accounts: [
      {
        iban: 'FR7617515000920440878790811',
        name: 'Mr GILLES TESTUNID',
        usage: 'PRIV',
        psuStatus: 'Account Holder',
        balance: '11880.30',
        overdraftAllowed: 1000,
        activity: RETAIL_LIGHT,
      },
      {
        iban: 'FR7617515000920402428687756',
        name: 'Mr OU Mme GILLES TESTUNID',
        usage: 'PRIV',
        psuStatus: 'Account Co-Holder',
        balance: '0.00',
        overdraftAllowed: 0,
        activity: { minPerDay: 0, maxPerDay: 1, daysBack: 30, professional: false },
      },
      // The persona page gives GILLES "3 payment accounts (Mr, Mr OR Mrs, Mr AND Mrs)"; its table files the third
      // under 9999999905, which we read as the joint account being reachable from both holder ids.
      {
        iban: 'FR7617515000920402428748381',
        name: 'Mr ET Mme GILLES TESTUNID',
        usage: 'PRIV',
        psuStatus: 'Account Co-Holder',
        balance: '5879.22',
        overdraftAllowed: 300,
        activity: RETAIL_LIGHT,
      },
    ],
  },
  {
    // The persona table's id for GILLES's joint "Mr ET Mme" account, also listed under 9999999904 above.
    psuId: '9999999905',
    identity: { fullName: 'GILLES TESTUNID', firstName: 'GILLES', lastName: 'TESTUNID', namePrefix: 'MIST' },
    accounts: [
      {
        iban: 'FR7617515000920402428748381',
        name: 'Mr ET Mme GILLES TESTUNID',
        usage: 'PRIV',
        psuStatus: 'Account Co-Holder',
        balance: '5879.22',
        overdraftAllowed: 300,
        activity: RETAIL_LIGHT,
      },
    ],
  },
  {
    // Identity persona "Marc – D0999990I0": consent on file with psuIdentity true (bank page, Get PSU's identity).
    psuId: 'D0999990I0',
    identity: { fullName: 'MARC DURANDIN', firstName: 'MARC', lastName: 'DURANDIN', namePrefix: 'MIST' },
    accounts: [
      {
        iban: MARC_IBAN,
        name: 'MARC DURANDIN',
        usage: 'PRIV',
        psuStatus: 'Account Holder',
        balance: '842.17',
        overdraftAllowed: 0,
        activity: RETAIL_LIGHT,
      },
    ],
    preseededConsent: {
      balances: [{ iban: MARC_IBAN }],
      transactions: [{ iban: MARC_IBAN }],
      psuIdentity: true,
      trustedBeneficiaries: false,
    },
  },
  {
    // Identity persona "Tech'n Co – D0999993I0": accounts consented, identity not (→ 403).
    psuId: 'D0999993I0',
    identity: { fullName: "TECH'N CO" },
    accounts: [
      {
        iban: TECHNCO_IBAN,
        name: "TECH'N CO",
        usage: 'ORGA',
        psuStatus: 'Account Holder',
        balance: '15230.45',
        overdraftAllowed: 5000,
        activity: { minPerDay: 0, maxPerDay: 2, daysBack: 90, professional: true },
      },
    ],
    preseededConsent: {
      balances: [{ iban: TECHNCO_IBAN }],
      transactions: [{ iban: TECHNCO_IBAN }],
      psuIdentity: false,
      trustedBeneficiaries: false,
    },
  },
  {
    // Not a persona of the bank's page: a PSU with no eligible account, whose GET /accounts BPCE answers with
    // 404 {"message":"NAAC"} (NOTES §5 "Real BPCE bodies"). A client should read that as an empty list.
    psuId: NO_ACCOUNT_PSU,
    identity: { fullName: 'NINA SANSCOMPTE', firstName: 'NINA', lastName: 'SANSCOMPTE', namePrefix: 'MISS' },
    accounts: [],
  },
]

export function findPersona(psuId: string): Persona | undefined {
  return PERSONAS.find((persona) => persona.psuId === psuId)
}

/** ISO 7064 mod 97-10 over a digit string too long for a double, in chunks. */
function mod97(digits: string): number {
  let rest = 0
  for (let i = 0; i < digits.length; i += 7) rest = Number(`${rest}${digits.slice(i, i + 7)}`) % 97
  return rest
}

/** A French IBAN with a valid RIB key and IBAN check digits, from all-digit bank, branch and account numbers. */
export function frenchIban(bank: string, branch: string, account: string): string {
  const ribKey = String(97 - ((89 * Number(bank) + 15 * Number(branch) + 3 * Number(account)) % 97)).padStart(2, '0')
  const bban = `${bank}${branch}${account}${ribKey}`
  // FR = 15 27, check digits 00 while computing (ISO 13616).
  const check = String(98 - mod97(`${bban}152700`)).padStart(2, '0')
  return `FR${check}${bban}`
}

const BENCH_ACTIVITY: ActivityProfile = { minPerDay: 0, maxPerDay: 1, daysBack: 30, professional: false }

function benchPersona(psuId: string, label: string, serial: number, accountCount: number): Persona {
  const accounts: PersonaAccount[] = []
  for (let i = 0; i < accountCount; i++) {
    const account = `77${String(serial).padStart(3, '0')}${String(i).padStart(6, '0')}`
    accounts.push({
      iban: frenchIban('17515', '90077', account),
      name: `BENCH ${label}`,
      usage: 'PRIV',
      psuStatus: 'Account Holder',
      balance: (100 + 37.5 * i + serial).toFixed(2),
      overdraftAllowed: 100 * (i % 3),
      activity: BENCH_ACTIVITY,
    })
  }
  return { psuId, identity: { fullName: `BENCH ${label}`, firstName: 'BENCH', lastName: label }, accounts }
}

/**
 * Cold pools (issue 16, "honest cold saturation"): one PSU per load connection, so that concurrent identical reads of
 * the cold variants can never share a bank call. 64 five-account PSUs (the one-account and dashboard queries) and 16
 * twenty-account ones (the transactions query), as many as the bench's connections per query.
 */
export const BENCH_COLD_FIVE: readonly string[] = Array.from({ length: 64 }, (_, i) => `BENCH05C${pad2(i)}`)
export const BENCH_COLD_TWENTY: readonly string[] = Array.from({ length: 16 }, (_, i) => `BENCH20C${pad2(i)}`)

function pad2(n: number): string {
  return String(n).padStart(2, '0')
}

/**
 * Twins (twin → the persona it copies): the gateway writing its cache as plain JSON (V2w-json, V2w-redis-json: issue
 * 18's before/after) reads the same accounts and transactions as its counterpart (V2w, V2w-redis) under PSU ids of its
 * own, whose links spend limits of their own (a limit counts per PSU × IBAN).
 */
export const BENCH_TWINS: Readonly<Record<string, string>> = {
  BENCH0005JF: 'BENCH00005',
  BENCH0020JT: 'BENCH00020',
  BENCH0005JU: 'BENCH0005UD',
  BENCH0005JR: 'BENCH0005RE',
  BENCH0020JR: 'BENCH0020RE',
  BENCH0005JV: 'BENCH0005UE',
}

function twinOf(psuId: string, of: string): Persona {
  const original = BENCH_SHAPED.find((persona) => persona.psuId === of)
  if (original === undefined) throw new Error(`no benchmark persona ${of} to copy`)
  return { ...original, psuId }
}

const BENCH_SHAPED: readonly Persona[] = [
  benchPersona('BENCH00005', 'FIVE', 1, 5),
  benchPersona('BENCH00020', 'TWENTY', 2, 20),
  benchPersona('BENCH0005UA', 'UNATTENDED A', 3, 5),
  benchPersona('BENCH0005UB', 'UNATTENDED B', 4, 5),
  benchPersona('BENCH0005UC', 'UNATTENDED C', 5, 5),
  benchPersona('BENCH0005UD', 'UNATTENDED D', 6, 5),
  benchPersona('BENCH0005UE', 'UNATTENDED E', 7, 5),
  // The gateway on Redis (V2w-redis) reads its own PSUs: linking spends unattended /accounts calls per PSU.
  benchPersona('BENCH0005RE', 'FIVE REDIS', 8, 5),
  benchPersona('BENCH0020RE', 'TWENTY REDIS', 9, 20),
]

/**
 * Benchmark personas (npm run bench), only when the sandbox is started with `benchPersonas: true`: the bank's own
 * personas have at most 3 accounts, the benchmark's dashboard needs 5 and its transactions query 20. The five
 * `BENCH0005U*` personas give each benchmarked variant its own unattended PSU, so that one variant's daily limit
 * (4 calls per key) is never spent by another. No consent on file: the TPP forwards one.
 */
export const BENCH_PERSONAS: readonly Persona[] = [
  ...BENCH_SHAPED,
  ...Object.entries(BENCH_TWINS).map(([psuId, of]) => twinOf(psuId, of)),
  ...BENCH_COLD_FIVE.map((psuId, i) => benchPersona(psuId, `FIVE COLD ${i}`, 100 + i, 5)),
  ...BENCH_COLD_TWENTY.map((psuId, i) => benchPersona(psuId, `TWENTY COLD ${i}`, 200 + i, 20)),
]

/** The personas the login page lists for a person trying the sandbox (ids and names). */
export function loginHints(options: { benchPersonas: boolean }): { psuId: string; name: string }[] {
  const personas = options.benchPersonas ? [...PERSONAS, ...BENCH_PERSONAS] : PERSONAS
  return personas.map((persona) => ({ psuId: persona.psuId, name: persona.identity.fullName ?? persona.psuId }))
}

/** The persona lookup of one sandbox: the bank's personas, plus the benchmark ones when asked for. */
export function personaFinder(options: { benchPersonas: boolean }): (psuId: string) => Persona | undefined {
  if (!options.benchPersonas) return findPersona
  return (psuId) => findPersona(psuId) ?? BENCH_PERSONAS.find((persona) => persona.psuId === psuId)
}
