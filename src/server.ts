/**
 * The composition root (STYLE.md B1): store → ledger, cache, STET client → services → schema → Apollo → HTTP.
 * The only module that sees every concern; everything else takes its own slice of the config.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { ApolloServer } from '@apollo/server'
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled'
import { createCallerAuthentication } from './auth/caller-authentication.js'
import { loadTrustedDocuments, trustedDocumentsPlugin } from './auth/trusted-documents.js'
import { FreshnessCache } from './cache/freshness-cache.js'
import { FreshnessPolicy } from './cache/freshness-policy.js'
import { systemClock, type Clock } from './clock.js'
import type { Config } from './config/config.js'
import { createContext, type GatewayContext, type Services } from './graphql/context.js'
import { formatError } from './graphql/format-error.js'
import { operationPlugin } from './graphql/operation-plugin.js'
import { buildGatewaySchema } from './graphql/schema.js'
import { createGatewayHandler } from './http/gateway-http.js'
import type { Logger } from './observability/logger.js'
import { maskIban, silentLogger } from './observability/logger.js'
import { createQuotaPolicy } from './quota/quota-ledger.js'
import type { SandboxBank } from './sandbox/sandbox-bank.js'
import { AccountDataService } from './services/account-data-service.js'
import { AccountsService } from './services/accounts-service.js'
import { BankReader } from './services/bank-reader.js'
import { ConsentService } from './services/consent-service.js'
import { linkPersonas, personasToLink, type LinkOutcome } from './services/persona-linking.js'
import { createBankDispatcher } from './stet/bank-transport.js'
import { resolveBankBaseUrl } from './stet/banks.js'
import { defaultKeyId } from './stet/http-signature.js'
import { OAuthClient } from './stet/oauth-client.js'
import { StetClient } from './stet/stet-client.js'
import { TokenSource } from './stet/token-source.js'
import { openStateStores } from './stores/state-stores.js'

export interface GatewayOptions {
  readonly clock?: Clock
  readonly logger?: Logger
}

export interface Gateway {
  readonly url: string
  readonly port: number
  /** The embedded sandbox bank, when the gateway started one. */
  readonly sandbox: SandboxBank | undefined
  readonly linked: readonly LinkOutcome[]
  readonly services: Services
  /** A development bearer token (sandbox mode only). */
  devToken(psuId: string, options?: { present?: boolean; banks?: string[] }): Promise<string>
  close(): Promise<void>
}

interface Credentials {
  readonly signingKeyPem: string
  readonly keyId: string
  readonly tls: { certPem: string; keyPem: string; caPem?: string } | undefined
  readonly tppCertificatePem: string | undefined
  readonly sandboxTls: { keyPem: string; certPem: string; caPem: string } | undefined
}

export async function startGateway(config: Config, options: GatewayOptions = {}): Promise<Gateway> {
  const clock = options.clock ?? systemClock
  const logger = options.logger ?? silentLogger
  const closers: (() => Promise<unknown>)[] = []
  const close = async (): Promise<void> => {
    for (const fn of closers.reverse())
      await fn().catch((error: unknown) => logger.warn({ err: String(error) }, 'close failed'))
  }
  try {
    const credentials = await loadCredentials(config)

    let sandbox: SandboxBank | undefined
    let baseUrlOverride = config.stet.baseUrl
    if (config.mode === 'embedded-sandbox') {
      // Loaded only when embedded: a gateway in front of a real bank carries no sandbox code in memory.
      const { startSandboxBank } = await import('./sandbox/sandbox-bank.js')
      sandbox = await startSandboxBank({
        port: config.sandbox.port,
        host: '127.0.0.1',
        tppCertificatePem: credentials.tppCertificatePem ?? '',
        clientId: config.stet.clientId,
        accessTokenTtlSeconds: config.sandbox.accessTokenTtlSeconds,
        clock,
        ...(credentials.sandboxTls === undefined ? {} : { tls: credentials.sandboxTls }),
      })
      closers.push(() => sandbox?.close() ?? Promise.resolve())
      baseUrlOverride = sandbox.url
      logger.info({ url: sandbox.url }, 'embedded sandbox bank started')
    }
    const baseUrlFor = (bank: string): string =>
      resolveBankBaseUrl(bank, {
        environment: config.stet.environment,
        ...(baseUrlOverride === undefined ? {} : { baseUrlOverride }),
      })

    const tpp = config.stet.clientId
    const policy = createQuotaPolicy({
      limit: config.quota.dailyLimit,
      limits: config.quota.limitsByBank,
      windows: config.quota.windows,
    })
    const stores = await openStateStores(config, {
      policy,
      tpp,
      clock,
      testClock: options.clock !== undefined,
      logger,
    })
    closers.push(() => stores.close())
    const { ledger, keyv, lock, tokenStore } = stores
    const cache = new FreshnessCache(keyv, {
      retentionMs: config.cache.retentionMs,
      // The lag this leaves on `fetchedAt` stays within a tenth of the shortest freshness the policy grants.
      unchangedRewriteMs: Math.min(config.cache.unchangedRewriteMs, config.cache.minBatchMaxAgeMs / 10),
    })

    const dispatcher = createBankDispatcher({
      ...(credentials.tls === undefined ? {} : { tls: credentials.tls }),
      timeouts: config.stet.timeouts,
      maxConnectionsPerOrigin: config.stet.maxConnectionsPerOrigin,
    })
    closers.push(() => dispatcher.close())
    const oauth = new OAuthClient({ clientId: config.stet.clientId, baseUrlFor }, { dispatcher })
    const tokens = new TokenSource({ store: tokenStore, refresher: oauth, clock })
    const stet = new StetClient(
      {
        clientId: config.stet.clientId,
        keyId: credentials.keyId,
        signingKeyPem: credentials.signingKeyPem,
        ...(credentials.tls === undefined ? {} : { tls: credentials.tls }),
        baseUrlFor,
        timeouts: config.stet.timeouts,
        maxConnectionsPerOrigin: config.stet.maxConnectionsPerOrigin,
      },
      { tokens, clock, dispatcher },
    )
    const t = config.stet.timeouts
    const reader = new BankReader({
      tpp,
      cache,
      ledger,
      policy: new FreshnessPolicy({ minMaxAgeMs: config.cache.minBatchMaxAgeMs }),
      lock,
      clock,
      lockTtlMs: t.connectMs + t.headersMs + t.bodyMs + 5000,
      onStoreError: (error) => logger.warn({ err: String(error) }, 'cache store error'),
    })
    const accounts = new AccountsService({ reader, stet, defaultBank: config.stet.defaultBank })
    const consents = new ConsentService({ reader, stet, accounts })
    const services: Services = { accounts, data: new AccountDataService({ reader, stet, clock }), reader, consents }

    let linked: LinkOutcome[] = []
    if (config.sandbox.linkPersonas) {
      linked = await linkPersonas(
        {
          bank: config.stet.defaultBank,
          redirectUri: config.stet.redirectUri,
          oauth,
          tokens,
          tokenStore,
          accounts,
          consents,
          dispatcher,
        },
        personasToLink(config.sandbox.personaIds),
      )
      for (const outcome of linked) {
        if (outcome.status === 'failed')
          logger.warn({ psu: maskIban(outcome.psuId), reason: outcome.reason }, 'persona not linked')
      }
      logger.info({ personas: linked.map((o) => o.status) }, 'sandbox personas linked')
    }

    const auth = await createCallerAuthentication(config.auth, {
      dataDir: config.dataDir,
      trustedProxies: config.http.trustedProxies,
      defaultBank: config.stet.defaultBank,
      clock,
      logger,
    })
    const devToken = (psuId: string, opts: { present?: boolean; banks?: string[] } = {}): Promise<string> => {
      if (auth.issueDevToken === undefined) throw new Error('development tokens are only available in sandbox mode')
      return auth.issueDevToken({ psuId, present: opts.present ?? false, banks: opts.banks ?? [] }, 12 * 3600)
    }
    const trustedDocuments =
      config.auth.trustedDocumentsFile === undefined
        ? undefined
        : await loadTrustedDocuments(config.auth.trustedDocumentsFile)

    const schema = await buildGatewaySchema()
    const apollo = new ApolloServer<GatewayContext>({
      schema,
      formatError,
      // Apollo's own messages go through the same redacting logger (DESIGN inv. 10).
      logger,
      // PERF-BASELINE: the cache-control plugin costs 4–7 µs per field and pretty-printed JSON ≈ 6 µs per response;
      // the gateway sets no HTTP cache hints and serves its own GraphiQL.
      plugins: [
        operationPlugin,
        ...(trustedDocuments === undefined ? [] : [trustedDocumentsPlugin<GatewayContext>(trustedDocuments)]),
        ApolloServerPluginCacheControlDisabled(),
        ApolloServerPluginLandingPageDisabled(),
      ],
      stringifyResult: (result) => JSON.stringify(result),
      introspection: true,
      includeStacktraceInErrorResponses: false,
      csrfPrevention: true,
    })
    await apollo.start()
    closers.push(() => apollo.stop())

    const handler = await createGatewayHandler({
      apollo,
      verifyCaller: auth.verifyCaller,
      createContext: (caller) => createContext(caller, services),
      graphiqlHeaders: async () =>
        config.auth.devTokens
          ? { Authorization: `Bearer ${await devToken('9999999901')}` }
          : { Authorization: 'Bearer <token>' },
      health: async () => {
        try {
          await ledger.status({ tpp, bank: config.stet.defaultBank, psu: 'health', method: 'accounts' })
          return { ok: true, details: { store: 'ok' } }
        } catch {
          return { ok: false, details: { store: 'unreachable' } }
        }
      },
    })
    const server: Server = createServer(handler)
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(config.http.port, config.http.host, resolve)
    })
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections()
          server.close(() => resolve())
        }),
    )
    const port = (server.address() as AddressInfo).port
    const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? 'localhost' : config.http.host
    return { url: `http://${host}:${port}`, port, sandbox, linked, services, devToken, close }
  } catch (error) {
    await close()
    throw error
  }
}

async function loadCredentials(config: Config): Promise<Credentials> {
  const creds = config.stet.credentials
  if (creds.kind === 'dev-pki') {
    const { loadOrCreateDevPki } = await import('./pki/dev-pki.js')
    const pki = await loadOrCreateDevPki(path.join(config.dataDir, 'pki'), { clientId: config.stet.clientId })
    const tls = config.sandbox.tls
      ? { certPem: pki.qwac.certPem, keyPem: pki.qwac.keyPem, caPem: pki.caCertPem }
      : undefined
    return {
      signingKeyPem: pki.qsealc.keyPem,
      keyId: config.stet.keyId ?? defaultKeyId('localhost', pki.qsealc.certPem),
      tls,
      tppCertificatePem: pki.qsealc.certPem,
      sandboxTls: config.sandbox.tls
        ? { keyPem: pki.server.keyPem, certPem: pki.server.certPem, caPem: pki.caCertPem }
        : undefined,
    }
  }
  const read = (file: string | undefined): Promise<string | undefined> =>
    file === undefined ? Promise.resolve(undefined) : readFile(file, 'utf8')
  const [signingKeyPem, certPem, keyPem, caPem] = await Promise.all([
    readFile(creds.qsealcKeyFile, 'utf8'),
    read(creds.qwacCertFile),
    read(creds.qwacKeyFile),
    read(creds.caFile),
  ])
  return {
    signingKeyPem,
    keyId: config.stet.keyId ?? config.stet.clientId,
    tls:
      certPem === undefined || keyPem === undefined
        ? undefined
        : { certPem, keyPem, ...(caPem === undefined ? {} : { caPem }) },
    tppCertificatePem: undefined,
    sandboxTls: undefined,
  }
}
