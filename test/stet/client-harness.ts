/** Builds the real client stack (dispatcher, OAuthClient, TokenSource, StetClient) against a bank URL, for tests. */
import type { Dispatcher } from 'undici'
import { createBankDispatcher } from '../../src/stet/bank-transport.js'
import { OAuthClient } from '../../src/stet/oauth-client.js'
import { StetClient } from '../../src/stet/stet-client.js'
import type { StetClientOptions } from '../../src/stet/stet-client.js'
import { MemoryTokenStore, TokenSource } from '../../src/stet/token-source.js'
import type { ConnectionRef, StoredTokens } from '../../src/stet/token-source.js'
import type { FakeReply } from './fake-bank.js'
import { generateSigningKey } from './fake-bank.js'

export const REF: ConnectionRef = { bank: '17515', psuId: 'psu-1' }
export const CLIENT_ID = 'PSDFR-ACPR-TEST'
export const KEY_ID = 'https://tpp.example/qsealc_0000000000000000000000000000000000000000000000000000000000000000'
const signingKey = generateSigningKey()
export const SIGNING_PUBLIC_KEY_PEM = signingKey.publicKeyPem

export interface Harness {
  client: StetClient
  dispatcher: Dispatcher
  oauth: OAuthClient
  tokens: TokenSource
  store: MemoryTokenStore
  clock: { now: number }
  seed(tokens?: Partial<StoredTokens>): Promise<void>
  close(): Promise<void>
}

export function createHarness(
  baseUrl: string,
  overrides: Partial<Pick<StetClientOptions, 'timeouts' | 'tls' | 'keyId' | 'signingKeyPem' | 'clientId'>> = {},
): Harness {
  const clock = { now: Date.UTC(2025, 10, 25, 10, 0, 0) }
  const now = (): number => clock.now
  const options: StetClientOptions = {
    clientId: overrides.clientId ?? CLIENT_ID,
    keyId: overrides.keyId ?? KEY_ID,
    signingKeyPem: overrides.signingKeyPem ?? signingKey.privateKeyPem,
    baseUrlFor: () => baseUrl,
    timeouts: overrides.timeouts ?? { connectMs: 2000, headersMs: 5000, bodyMs: 5000 },
    maxConnectionsPerOrigin: 8,
    ...(overrides.tls === undefined ? {} : { tls: overrides.tls }),
  }
  const dispatcher = createBankDispatcher(options)
  const oauth = new OAuthClient({ clientId: options.clientId, baseUrlFor: () => baseUrl }, { dispatcher })
  const store = new MemoryTokenStore()
  const tokens = new TokenSource({ store, refresher: oauth, clock: now })
  const client = new StetClient(options, { tokens, clock: now, dispatcher })
  return {
    client,
    dispatcher,
    oauth,
    tokens,
    store,
    clock,
    seed: (partial = {}) =>
      store.set(REF, {
        accessToken: 'access-1',
        accessTokenExpiresAt: clock.now + 3_600_000,
        refreshToken: 'refresh-1',
        refreshTokenExpiresAt: clock.now + 180 * 86_400_000,
        ...partial,
      }),
    close: async () => {
      await client.close()
      await dispatcher.close()
    },
  }
}

/** A /token answer in the bank's shape (bank page Sandbox). */
export function tokenReply(accessToken: string, refreshToken?: string): FakeReply {
  return {
    status: 200,
    body: {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'aisp offline_access',
      ...(refreshToken === undefined ? {} : { refresh_token: refreshToken }),
    },
  }
}

export const ACCOUNTS_BODY = {
  _links: { self: { href: '/stet/psd2/v1.6.2/accounts' } },
  accounts: [
    {
      cashAccountType: 'CACC',
      accountId: { iban: 'FR7617515000920400430518020' },
      resourceId: '175150009204004305180',
      usage: 'PRIV',
      psuStatus: 'Account Holder',
      name: 'LEA SANDBOXA',
      currency: 'EUR',
      _links: { balances: { href: '/stet/psd2/v1/accounts/175150009204004305180/balances' } },
    },
  ],
}

export const BALANCES_BODY = {
  balances: [{ balanceType: 'CLBD', name: 'Solde comptable', balanceAmount: { amount: '-150.00', currency: 'EUR' } }],
  _links: { self: { href: '/stet/psd2/v1.6.2/accounts/175150009204004305180/balances' } },
}
