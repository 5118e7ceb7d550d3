/**
 * The real client stack against the repository's sandbox bank (src/sandbox), over mTLS with the dev PKI: the QWAC as
 * client certificate, the QSealC signing every request with a SHA-256 keyId, strict signature checks on the bank side.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { createDevPki } from '../../src/pki/dev-pki.js'
import type { DevPki } from '../../src/pki/dev-pki.js'
import { startSandboxBank } from '../../src/sandbox/sandbox-bank.js'
import type { SandboxBank } from '../../src/sandbox/sandbox-bank.js'
import type { PsuContext } from '../../src/stet-api/access.js'
import { defaultKeyId } from '../../src/stet/http-signature.js'
import { BankBadRequestError, BankNotFoundError, ConsentMissingError } from '../../src/stet/stet-errors.js'
import type { ConnectionRef } from '../../src/stet/token-source.js'
import { createHarness } from './client-harness.js'
import type { Harness } from './client-harness.js'
import { RecordingReservation } from './fake-bank.js'

const CLIENT_ID = 'PSDFR-ACPR-SANDBOX'
const REDIRECT_URI = 'https://tpp.example/callback'
const PSU: PsuContext = { kind: 'psu', ipAddress: '192.168.0.1', userAgent: 'jest' }
/** Bank-notes personas (bank page "Sandbox"). */
const LEA = { psuId: '9999999901', main: 'FR7617515000920400430518020', second: 'FR7617515000920400851811524' }
/** Consent for everything on LEA's main account, identity included. */
const LEA_MAIN_EVERYTHING = {
  balances: [{ iban: LEA.main }],
  transactions: [{ iban: LEA.main }],
  overdrafts: [{ iban: LEA.main }],
  psuIdentity: true,
  trustedBeneficiaries: false,
}
const CLAIRE = { psuId: '9999999902', empty: 'FR7617515900000400358074026' }
const GEORGES = { psuId: '9999999903', joint: 'FR7617515000920400085945890' }
const TECHNCO = { psuId: 'D0999993I0' }
const resourceIdOf = (iban: string): string => iban.slice(4, 25)
const DAY_MS = 86_400_000

let pki: DevPki
let bank: SandboxBank
let harness: Harness
/** The bank's time and the client's, moved separately. */
let bankNow = Date.UTC(2025, 10, 25, 10, 0, 0)

function parisIso(epochMs: number): string {
  // November: Paris is UTC+01:00. The bank wants milliseconds and an explicit offset (NOTES §9).
  return new Date(epochMs + 3_600_000).toISOString().replace('Z', '+01:00')
}

/** The whole authorization-code flow: authorize (302 to our redirect with code + state), then the code exchange. */
async function connect(psuId: string): Promise<ConnectionRef> {
  const ref: ConnectionRef = { bank: '17515', psuId }
  const state = `state-${psuId}`
  // `psu` picks the persona: the sandbox's stand-in for the bank's login page.
  const authorize = new URL(
    `${harness.oauth.authorizeUrl({ bank: '17515', redirectUri: REDIRECT_URI, state })}&psu=${psuId}`,
  )
  const response = await harness.dispatcher.request({
    origin: authorize.origin,
    path: authorize.pathname + authorize.search,
    method: 'GET',
  })
  await response.body.dump()
  expect(response.statusCode).toBe(302)
  const location = new URL(String(response.headers.location))
  expect(location.origin + location.pathname).toBe(REDIRECT_URI)
  expect(location.searchParams.get('state')).toBe(state)
  const code = location.searchParams.get('code')
  if (code === null) throw new Error('no code in the redirect')
  const tokens = await harness.oauth.exchangeCode({ bank: '17515', code, redirectUri: REDIRECT_URI })
  await harness.tokens.storeExchangedTokens(ref, tokens)
  return ref
}

beforeAll(async () => {
  pki = createDevPki()
  bank = await startSandboxBank({
    tls: { keyPem: pki.server.keyPem, certPem: pki.server.certPem, caPem: pki.caCertPem },
    tppCertificatePem: pki.qsealc.certPem,
    clientId: CLIENT_ID,
    accessTokenTtlSeconds: 600,
    clock: () => bankNow,
  })
})

afterAll(async () => {
  await harness.close()
  await bank.close()
})

beforeEach(async () => {
  if (harness !== undefined) await harness.close()
  bankNow = Date.UTC(2025, 10, 25, 10, 0, 0)
  harness = createHarness(bank.url, {
    clientId: CLIENT_ID,
    keyId: defaultKeyId('tpp.example', pki.qsealc.certPem),
    signingKeyPem: pki.qsealc.keyPem,
    tls: { certPem: pki.qwac.certPem, keyPem: pki.qwac.keyPem, caPem: pki.caCertPem },
  })
  harness.clock.now = bankNow
  await harness.dispatcher
    .request({ origin: bank.url, path: '/sandbox/reset', method: 'POST' })
    .then((r) => r.body.dump())
})

describe('STET client ↔ sandbox bank (mTLS, strict signatures)', () => {
  it('lists accounts before consent, PUTs the consent, then lists them with resourceId, links and balance', async () => {
    const lea = await connect(LEA.psuId)
    const before = await harness.client.listAccounts(lea, PSU)
    expect(before.accounts.map((a) => a.accountId?.iban)).toEqual([LEA.main, LEA.second])
    expect(before.accounts.every((a) => a.resourceId === undefined && a._links === undefined)).toBe(true)
    await harness.client.putConsents(lea, LEA_MAIN_EVERYTHING, PSU)
    const after = await harness.client.listAccounts(lea, PSU)
    const main = after.accounts.find((a) => a.accountId?.iban === LEA.main)
    expect(main?.resourceId).toBe(resourceIdOf(LEA.main))
    expect(main?._links?.balances?.href).toContain('/balances')
    expect(main?.balances?.[0]?.balanceAmount.amount).toBe('-150.00')
  })

  it('reads balances, transactions with a date range, overdrafts and identity; CLAIRE’s empty account is []', async () => {
    const lea = await connect(LEA.psuId)
    await harness.client.putConsents(lea, LEA_MAIN_EVERYTHING, PSU)
    const id = resourceIdOf(LEA.main)
    const balances = await harness.client.getBalances(lea, id, new RecordingReservation('k'))
    expect(balances.balances).toEqual([
      expect.objectContaining({ balanceType: 'CLBD', balanceAmount: { amount: '-150.00', currency: 'EUR' } }),
    ])
    const range = { dateFrom: parisIso(bankNow - 30 * DAY_MS), dateTo: parisIso(bankNow) }
    const statement = await harness.client.getTransactions(lea, id, range, PSU)
    const { transactions } = statement
    expect(transactions.length).toBeGreaterThan(0)
    // A digest of the text the bank answered: what the cache compares to recognise an unchanged statement. The same
    // answer again is the same statement, checked once (checked-statements.ts).
    expect(statement.digest).toMatch(/^[A-Za-z0-9+/]{43}=$/)
    expect(await harness.client.getTransactions(lea, id, range, PSU)).toBe(statement)
    for (const tx of transactions) expect(tx.transactionAmount.amount).toMatch(/^\d+\.\d{2}$/)
    const overdrafts = await harness.client.getOverdrafts(lea, id, PSU)
    expect(overdrafts.overdrafts.allowedAmount.currency).toBe('EUR')
    expect(typeof overdrafts.overdrafts.allowedAmount.amount).toBe('string')
    expect((await harness.client.getIdentity(lea, PSU)).identity.fullName).toBe('LEA SANDBOXA')
    await expect(
      harness.client.getTransactions(lea, id, { dateFrom: parisIso(bankNow - 90 * DAY_MS) }, PSU),
    ).rejects.toBeInstanceOf(BankBadRequestError)
    await expect(harness.client.getBalances(lea, 'CPT30014684067', PSU)).rejects.toBeInstanceOf(BankNotFoundError)

    const claire = await connect(CLAIRE.psuId)
    await harness.client.putConsents(
      claire,
      {
        balances: [{ iban: CLAIRE.empty }],
        transactions: [{ iban: CLAIRE.empty }],
        psuIdentity: false,
        trustedBeneficiaries: false,
      },
      PSU,
    )
    expect((await harness.client.getTransactions(claire, resourceIdOf(CLAIRE.empty), {}, PSU)).transactions).toEqual([])
  })

  it('GEORGES’s joint account returns its many transactions in one call (no pagination followed)', async () => {
    const georges = await connect(GEORGES.psuId)
    await harness.client.putConsents(
      georges,
      { balances: [], transactions: [{ iban: GEORGES.joint }], psuIdentity: false, trustedBeneficiaries: false },
      PSU,
    )
    const { transactions } = await harness.client.getTransactions(georges, resourceIdOf(GEORGES.joint), {}, PSU)
    expect(transactions.length).toBeGreaterThan(0)
  })

  it('identity without a psuIdentity consent → ConsentMissingError (403)', async () => {
    const technco = await connect(TECHNCO.psuId)
    const error = await harness.client.getIdentity(technco, PSU).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConsentMissingError)
    expect((error as ConsentMissingError).code).toBe('CONSENT_REQUIRED')
  })

  it('an access token expired at the bank only: 401 invalid_token → one refresh, one replay on a second reservation', async () => {
    const lea = await connect(LEA.psuId)
    await harness.client.putConsents(
      lea,
      { balances: [{ iban: LEA.main }], transactions: [], psuIdentity: false, trustedBeneficiaries: false },
      PSU,
    )
    // The bank's clock runs 11 minutes ahead: the 600 s token is dead there while the client still thinks it fresh.
    bankNow += 11 * 60_000
    const reservation = new RecordingReservation('k', true)
    const balances = await harness.client.getBalances(lea, resourceIdOf(LEA.main), reservation)
    expect(balances.balances[0]?.balanceAmount.amount).toBe('-150.00')
    expect(reservation.replaysAsked).toBe(1)
    expect(reservation.released).toBe(0)
    expect((await harness.store.get(lea))?.accessTokenExpiresAt).toBe(harness.clock.now + 600_000)
    const stats = bank.stats()
    const counted = stats.keys.filter((key) => key.method === 'balances' && key.psuId === LEA.psuId)
    // The bank counted both the refused attempt and the replay: why the replay needs its own reservation.
    expect(counted.reduce((sum, key) => sum + key.batch, 0)).toBe(2)
  })
})
