/**
 * Sandbox convenience: at start, link the sandbox personas as a PSU would, through the very services the GraphQL
 * mutations use (DESIGN "Persona linking": one flow, not two): `startBankAuthorization`, the sandbox's authorise page
 * auto-approving the persona named by `psu`, `completeBankAuthorization`, then `updateConsent` for everything the
 * persona owns. Every bank request here that leaves without `PSU-IP-Address` holds its own reservation (DESIGN inv. 2):
 * the account list before and after consent (the consent changes it), and the consent itself. A persona whose
 * connection is ACTIVE costs nothing on the next start; one left at CONSENT_REQUIRED only gets its consent.
 */
import { request } from 'undici'
import type { Dispatcher } from 'undici'
import type { Caller } from '../auth/caller.js'
import type { AccountsService } from './accounts-service.js'
import type { BankConnections } from './bank-connections.js'
import type { OperationBudget } from './bank-reader.js'
import type { CompleteBankAuthorization } from './complete-bank-authorization.js'
import type { ConsentService } from './consent-service.js'
import type { StartBankAuthorization } from './start-bank-authorization.js'

export interface PersonaLink {
  readonly psuId: string
  /** Forward `psuIdentity: true`: the bank's sandbox table grants it to none of the four main personas. */
  readonly psuIdentity: boolean
}

/** bank-notes.md "Sandbox personas": LEA, CLAIRE, GEORGES, GILLES; Marc holds the identity consent, Tech'n Co does not. */
export const SANDBOX_PERSONAS: readonly PersonaLink[] = [
  { psuId: '9999999901', psuIdentity: false },
  { psuId: '9999999902', psuIdentity: false },
  { psuId: '9999999903', psuIdentity: false },
  { psuId: '9999999904', psuIdentity: false },
  { psuId: '9999999905', psuIdentity: false },
  { psuId: 'D0999990I0', psuIdentity: true },
  { psuId: 'D0999993I0', psuIdentity: false },
]

export interface PersonaLinkerDeps {
  readonly bank: string
  /** One of REDIRECT_URIS: the sandbox redirects there, and nobody needs to listen (the redirect is read, not followed). */
  readonly redirectUri: string
  readonly start: StartBankAuthorization
  readonly complete: CompleteBankAuthorization
  readonly consents: ConsentService
  readonly connections: BankConnections
  readonly accounts: AccountsService
  readonly dispatcher: Dispatcher
}

/** The personas to link: the bank's by default; other ids (benchmark personas) also get the identity consent. */
export function personasToLink(ids: readonly string[]): readonly PersonaLink[] {
  if (ids.length === 0) return SANDBOX_PERSONAS
  return ids.map((psuId) => SANDBOX_PERSONAS.find((p) => p.psuId === psuId) ?? { psuId, psuIdentity: true })
}

export type LinkOutcome =
  | { psuId: string; status: 'already-linked' | 'linked'; accounts: number }
  | { psuId: string; status: 'failed'; reason: string }

export async function linkPersonas(deps: PersonaLinkerDeps, personas = SANDBOX_PERSONAS): Promise<LinkOutcome[]> {
  const outcomes: LinkOutcome[] = []
  for (const persona of personas) {
    try {
      outcomes.push(await linkPersona(deps, persona))
    } catch (error) {
      outcomes.push({
        psuId: persona.psuId,
        status: 'failed',
        reason: error instanceof Error ? error.message : String(error),
      })
    }
  }
  return outcomes
}

async function linkPersona(deps: PersonaLinkerDeps, persona: PersonaLink): Promise<LinkOutcome> {
  const caller: Caller = { psuId: persona.psuId, consumer: 'partner', presence: undefined, banks: [deps.bank] }
  const before = await deps.connections.describe(caller, deps.bank)
  if (before.status === 'ACTIVE') return { psuId: persona.psuId, status: 'already-linked', accounts: 0 }
  if (before.status !== 'CONSENT_REQUIRED') {
    const started = await deps.start.start(caller, deps.bank, deps.redirectUri)
    const back = await approveInSandbox(deps.dispatcher, started.authorizationUrl, persona.psuId)
    if (back.state !== started.state) throw new Error('the sandbox redirect carries another state')
    const after = await deps.complete.complete(caller, back.state, back.code)
    // A consent accepted before a lost link stays in force (complete-bank-authorization.ts): nothing to send.
    if (after.status === 'ACTIVE') return { psuId: persona.psuId, status: 'linked', accounts: 0 }
  }
  // Every unattended call of the link goes on the audit trail as LINKING, the consent's too.
  const op: OperationBudget = { cacheOnly: false, spent: 0, reason: 'LINKING' }
  const ibans = (await deps.accounts.list(caller, deps.bank, op)).value.map((a) => a.iban)
  // Everything they own, for every resource; identity as the persona table says.
  const after = await deps.consents.update(
    caller,
    deps.bank,
    { balances: ibans, transactions: ibans, overdrafts: ibans, psuIdentity: persona.psuIdentity },
    op,
  )
  return { psuId: persona.psuId, status: 'linked', accounts: after.value.length }
}

/** The sandbox's authorise endpoint approves the persona named by `psu` and redirects with a one-time code. */
async function approveInSandbox(
  dispatcher: Dispatcher,
  authorizationUrl: string,
  psuId: string,
): Promise<{ code: string; state: string }> {
  const url = new URL(authorizationUrl)
  url.searchParams.set('psu', psuId)
  const res = await request(url, { method: 'GET', dispatcher })
  await res.body.dump()
  const location = res.headers.location
  if (res.statusCode !== 302 || typeof location !== 'string') {
    throw new Error(`the sandbox did not approve persona ${psuId} (HTTP ${res.statusCode})`)
  }
  const back = new URL(location)
  const code = back.searchParams.get('code')
  const state = back.searchParams.get('state')
  if (code === null || state === null) throw new Error('the sandbox redirect lacks the code or the state')
  return { code, state }
}
