/**
 * Sandbox convenience: at start, link the sandbox personas as a PSU would (their OAuth flow run against the sandbox,
 * then consent forwarded for everything they own), so a newcomer sees real data with no set-up.
 * Every bank request here that leaves without `PSU-IP-Address` holds its own reservation (DESIGN inv. 2): the
 * account list before and after consent (the consent changes it), and the consent itself. A persona already linked (tokens kept under
 * DATA_DIR or in the shared store) costs nothing on the next start.
 */
import { randomUUID } from 'node:crypto'
import { request } from 'undici'
import type { Dispatcher } from 'undici'
import type { Caller } from '../auth/caller.js'
import type { OAuthClient } from '../stet/oauth-client.js'
import type { TokenSource, TokenStore } from '../stet/token-source.js'
import type { AccountsService } from './accounts-service.js'
import type { OperationBudget } from './bank-reader.js'
import type { ConsentService } from './consent-service.js'

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
  readonly redirectUri: string
  readonly oauth: OAuthClient
  readonly tokens: TokenSource
  readonly tokenStore: TokenStore
  readonly accounts: AccountsService
  readonly consents: ConsentService
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
  const ref = { bank: deps.bank, psuId: persona.psuId }
  const caller: Caller = { psuId: persona.psuId, consumer: 'partner', presence: undefined, banks: [deps.bank] }
  const hasTokens = (await deps.tokenStore.get(ref)) !== undefined
  // Linked = tokens AND a consented account list on file. Tokens alone (a link that failed half-way, or a store that
  // lost the cache) skip the OAuth flow but forward the consent again.
  if (hasTokens && (await deps.accounts.hasConsentedList(caller, deps.bank))) {
    return { psuId: persona.psuId, status: 'already-linked', accounts: 0 }
  }
  if (!hasTokens) {
    const code = await authorizeInSandbox(deps, persona.psuId)
    await deps.tokens.storeExchangedTokens(
      ref,
      await deps.oauth.exchangeCode({ bank: deps.bank, code, redirectUri: deps.redirectUri }),
    )
  }

  const op: OperationBudget = { cacheOnly: false, spent: 0 }
  const ibans = (await deps.accounts.list(caller, deps.bank, op)).value.map((a) => a.iban)
  // Everything they own, for every resource; identity as the persona table says.
  const after = await deps.consents.forward(
    caller,
    deps.bank,
    { balances: ibans, transactions: ibans, overdrafts: ibans, psuIdentity: persona.psuIdentity },
    op,
  )
  return { psuId: persona.psuId, status: 'linked', accounts: after.value.length }
}

/** The sandbox's /authorize approves the persona named by `psu` and redirects with a one-time code. */
async function authorizeInSandbox(deps: PersonaLinkerDeps, psuId: string): Promise<string> {
  const state = randomUUID()
  const url = new URL(deps.oauth.authorizeUrl({ bank: deps.bank, redirectUri: deps.redirectUri, state }))
  url.searchParams.set('psu', psuId)
  const res = await request(url, { method: 'GET', dispatcher: deps.dispatcher })
  await res.body.dump()
  const location = res.headers.location
  if (res.statusCode !== 302 || typeof location !== 'string') {
    throw new Error(`the sandbox did not approve persona ${psuId} (HTTP ${res.statusCode})`)
  }
  const back = new URL(location)
  const code = back.searchParams.get('code')
  if (code === null || back.searchParams.get('state') !== state)
    throw new Error('the sandbox redirect lacks the code or the state')
  return code
}
