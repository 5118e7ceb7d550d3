/**
 * The composition root (STYLE.md B1): store → ledger, cache, STET client → services → schema → Apollo → HTTP.
 * The only module that sees every concern; everything else takes its own slice of the config.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import path from 'node:path'
import { ApolloServer } from '@apollo/server'
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled'
import { joinAuditRecords } from './audit/audit-export.js'
import { startAuditRetention } from './audit/audit-retention.js'
import { AuditTrail } from './audit/audit-trail.js'
import { createCallerAuthentication } from './auth/caller-authentication.js'
import { loadPartnerDocuments, trustedDocumentsPlugin } from './auth/trusted-documents.js'
import type { CacheEncoding } from './cache/cache-codec.js'
import { FreshnessCache } from './cache/freshness-cache.js'
import { FreshnessPolicy } from './cache/freshness-policy.js'
import { RefusalMemory } from './cache/refusal-memory.js'
import { systemClock, type Clock } from './clock.js'
import type { Config } from './config/config.js'
import { createContext, type GatewayContext, type Services } from './graphql/context.js'
import { createFormatError } from './graphql/format-error.js'
import { argumentCheckPlugin } from './graphql/input/argument-check.js'
import { createOperationLimits } from './graphql/limits/operation-limits.js'
import { operationPlugin } from './graphql/operation-plugin.js'
import { buildGatewaySchema } from './graphql/schema.js'
import { createGatewayHandler, sendError } from './http/gateway-http.js'
import { listenEarly } from './http/http-listener.js'
import { isLoopbackRequest } from './http/loopback.js'
import { auditRoute } from './http/audit-route.js'
import { healthRoutes, metricsRoute } from './http/ops-routes.js'
import { Readiness } from './observability/health.js'
import { GatewayMetrics } from './observability/metrics.js'
import type { Logger } from './observability/logger.js'
import { maskIban, silentLogger } from './observability/logger.js'
import { createQuotaPolicy } from './quota/quota-ledger.js'
import type { SandboxBank } from './sandbox/sandbox-bank.js'
import { createGatewayServices } from './services/gateway-services.js'
import { linkPersonas, personasToLink, type LinkOutcome } from './services/persona-linking.js'
import { createBankDispatcher } from './stet/bank-transport.js'
import { resolveApp2AppAuthorizeBaseUrl, resolveBankBaseUrl } from './stet/banks.js'
import { probeBankCredentials, type CredentialsVerdict } from './stet/credentials-probe.js'
import { loadCredentials } from './stet/credentials.js'
import { OAuthClient } from './stet/oauth-client.js'
import { RecordSealer } from './stet/record-sealer.js'
import { StetClient } from './stet/stet-client.js'
import { TokenSource } from './stet/token-source.js'
import { openStateStores } from './stores/state-stores.js'
import { jwksRoute } from './http/jwks-route.js'
import { RefreshScheduler } from './services/refresh-scheduler.js'
import type { SyncEventSink } from './services/sync-events.js'
import { DeliveryWorker } from './webhooks/delivery-worker.js'
import { loadWebhookSigner, type WebhookSigner } from './webhooks/webhook-signer.js'

export interface GatewayOptions {
  readonly clock?: Clock
  readonly logger?: Logger
  /**
   * How the cache writes its entries (cache-codec.ts), default `compact`. Not a setting: `json` is the encoding before
   * issue 18, for the benchmark to measure the two side by side (bench/serve-gateway.ts).
   */
  readonly cacheEncoding?: CacheEncoding
}

export interface Gateway {
  readonly url: string
  readonly port: number
  /** The embedded sandbox bank, when the gateway started one. */
  readonly sandbox: SandboxBank | undefined
  readonly linked: readonly LinkOutcome[]
  /** What the bank said of our credentials at start (the readiness probe asks again later). */
  readonly credentials: CredentialsVerdict
  readonly readiness: Readiness
  readonly services: Services
  /** The refresh scheduler and the webhook deliveries (issue 17). */
  readonly sync: {
    readonly scheduler: RefreshScheduler
    readonly deliveries: DeliveryWorker
    readonly signer: WebhookSigner
  }
  /** A development bearer token (sandbox mode only). */
  devToken(
    psuId: string,
    options?: { present?: boolean; banks?: string[]; clientId?: string; operator?: boolean },
  ): Promise<string>
  close(): Promise<void>
}

export async function startGateway(config: Config, options: GatewayOptions = {}): Promise<Gateway> {
  const clock = options.clock ?? systemClock
  const logger = options.logger ?? silentLogger
  const closers: (() => Promise<unknown>)[] = []
  // Stop accepting and let in-flight operations finish first (bounded), then close Apollo, pools and stores.
  let drain = async (): Promise<void> => {}
  const close = async (): Promise<void> => {
    await drain().catch((error: unknown) => logger.warn({ err: String(error) }, 'drain failed'))
    for (const fn of closers.reverse())
      await fn().catch((error: unknown) => logger.warn({ err: String(error) }, 'close failed'))
  }
  try {
    // The port first: a busy port fails the start before any bank call (and before the sandbox or the store opens).
    const serving: { handler?: (req: IncomingMessage, res: ServerResponse) => void } = {}
    const listener = await listenEarly(config.http, (req, res) => {
      if (serving.handler !== undefined) return serving.handler(req, res)
      if (req.url === '/healthz') return void res.end('{"status":"alive"}')
      sendError(res, 503, 'INTERNAL_SERVER_ERROR', 'the gateway is starting')
    })
    const readiness = new Readiness({ logger, clock })
    drain = async () => {
      readiness.stopping()
      await listener.close(config.http.shutdownTimeoutMs)
    }
    const metrics = new GatewayMetrics()
    closers.push(async () => metrics.close())

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
        limitAnswer: config.sandbox.limitAnswer,
        ...(config.sandbox.moving ? { moving: { since: clock() } } : {}),
        // The bank keeps its tokens, consents and counts beside the gateway's data: a restart keeps the links.
        dataDir: path.join(config.dataDir, 'sandbox'),
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
      sealer: new RecordSealer(credentials.tokenKeys),
      ...(options.cacheEncoding === undefined ? {} : { cacheEncoding: options.cacheEncoding }),
    })
    closers.push(() => stores.close())
    const { ledger, keyv, marks, lock, tokenStore, connections, pending, journal } = stores
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
    const settings = credentialSettings(config)
    const oauth = new OAuthClient(
      { clientId: config.stet.clientId, baseUrlFor, clientSetting: settings.clientId },
      { dispatcher },
    )
    // Bound once the services exist: the token source is built before them.
    const late: { events?: SyncEventSink } = {}
    // The same lease as the reads' single-flight: with Redis, one refresh per connection across every replica.
    const tokens = new TokenSource({
      store: tokenStore,
      refresher: oauth,
      clock,
      lease: lock,
      onRefreshRefused: async (ref) =>
        late.events?.emit({ type: 'REAUTHORIZATION_REQUIRED', bank: ref.bank, psuId: ref.psuId, at: clock() }),
    })
    const stet = new StetClient(
      {
        clientId: config.stet.clientId,
        keyId: credentials.keyId,
        signingKeyPem: credentials.signingKeyPem,
        ...(credentials.tls === undefined ? {} : { tls: credentials.tls }),
        baseUrlFor,
        timeouts: config.stet.timeouts,
        maxConnectionsPerOrigin: config.stet.maxConnectionsPerOrigin,
        signatureSetting: settings.signature,
      },
      { tokens, clock, dispatcher },
    )
    const t = config.stet.timeouts
    const hooks = config.sync.webhooks
    const urls = { allowInsecure: hooks.allowInsecureUrls }
    const signer = await loadWebhookSigner({
      dataDir: config.dataDir,
      ...(hooks.signingKeyFile === undefined ? {} : { keyFile: hooks.signingKeyFile }),
    })
    const deliveries = new DeliveryWorker(
      { store: stores.webhooks, lock, signer, urls, wallClock: systemClock, logger },
      {
        pollMs: hooks.pollMs,
        timeoutMs: hooks.timeoutMs,
        maxAttempts: hooks.maxAttempts,
        retryBaseMs: hooks.retryBaseMs,
        retryMaxMs: hooks.retryMaxMs,
        concurrency: 8,
      },
    )
    closers.push(() => deliveries.close())
    const services = createGatewayServices({
      tpp,
      defaultBank: config.stet.defaultBank,
      clock,
      cache,
      refusals: new RefusalMemory(marks, { retentionMs: config.cache.retentionMs }),
      policy: new FreshnessPolicy({ minMaxAgeMs: config.cache.minBatchMaxAgeMs }),
      ledger,
      lock,
      lockTtlMs: t.connectMs + t.headersMs + t.bodyMs + 5000,
      stet,
      oauth,
      tokens,
      tokenStore,
      connections,
      pending,
      redirectUris: config.stet.redirectUris,
      // The bank app's universal links are live hosts: no use in front of a sandbox (NOTES §1).
      app2AppBaseUrlFor: config.stet.environment === 'live' ? resolveApp2AppAuthorizeBaseUrl : undefined,
      onStoreError: (error) => logger.warn({ err: String(error) }, 'cache store error'),
      audit: new AuditTrail({
        log: stores.audit,
        clock,
        onStoreError: (error) => logger.warn({ err: String(error) }, 'audit outcome not recorded'),
      }),
      journal,
      journalBounds: {
        maxEntries: config.journal.maxEntriesPerAccount,
        retentionMs: config.journal.retentionDays * 24 * 3600_000,
      },
      cursorKeyMaterial: credentials.tokenKeys.map((k) => k.key),
      webhooks: {
        store: stores.webhooks,
        urls,
        maxPerConnection: hooks.maxPerConnection,
        wallClock: systemClock,
        onEnqueued: () => deliveries.kick(),
        logger,
      },
    })
    late.events = services.webhooks
    const stopAuditRetention = await startAuditRetention(stores.audit, {
      retentionDays: config.audit.retentionDays,
      clock,
      onError: (error) => logger.warn({ err: String(error) }, 'audit retention failed'),
    })
    closers.push(async () => stopAuditRetention())
    const scheduler = new RefreshScheduler(
      {
        connections,
        bankConnections: services.connections.list,
        accounts: services.accounts,
        data: services.data,
        reader: services.reader,
        cache,
        store: stores.webhooks,
        lock,
        events: services.webhooks,
        clock,
        logger,
      },
      config.sync.refresh,
    )
    closers.push(() => scheduler.close())

    readiness.add({
      name: 'store',
      check: async () => {
        try {
          await ledger.status({ tpp, bank: config.stet.defaultBank, psu: 'health', method: 'accounts' })
          return { ok: true, status: 'ok' }
        } catch {
          return { ok: false, status: 'unreachable', problem: `the store cannot be reached (${storeSetting(config)})` }
        }
      },
    })
    let lastVerdict: CredentialsVerdict = { status: 'unreachable', reason: 'not asked yet' }
    readiness.add({ name: 'keys', check: async () => ({ ok: true, status: 'loaded' }) })
    readiness.add({
      name: 'bank',
      cacheMs: 60_000,
      check: async () => {
        const verdict = (lastVerdict = await probeBankCredentials({
          oauth,
          stet,
          bank: config.stet.defaultBank,
          certificateSetting: settings.certificate,
        }))
        if (verdict.status === 'accepted') return { ok: true, status: 'credentials accepted' }
        if (verdict.status === 'unreachable') return { ok: true, status: 'unreachable' }
        return {
          ok: false,
          status: 'credentials rejected',
          problem: `the bank (${config.stet.defaultBank}) rejected the gateway's ${verdict.rejected}: check ${verdict.setting}`,
        }
      },
    })
    // Asked once before linking: a bank that refuses our signature would refuse every persona too, and the one error
    // the probe logs names the setting, where N "persona not linked" lines would point at the PSUs.
    const bankCheck = await readiness.run('bank')

    let linked: LinkOutcome[] = []
    if (config.sandbox.linkPersonas && bankCheck.ok) {
      linked = await linkPersonas(
        {
          bank: config.stet.defaultBank,
          redirectUri: config.stet.redirectUri,
          ...services.connections,
          connections: services.connections.list,
          consents: services.consents,
          accounts: services.accounts,
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
    const devToken = (
      psuId: string,
      opts: { present?: boolean; banks?: string[]; clientId?: string; operator?: boolean } = {},
    ): Promise<string> => {
      if (auth.issueDevToken === undefined) throw new Error('development tokens are only available in sandbox mode')
      const claims = {
        psuId,
        present: opts.present ?? false,
        banks: opts.banks ?? [],
        operator: opts.operator ?? false,
      }
      return auth.issueDevToken(
        opts.clientId === undefined ? claims : { ...claims, clientId: opts.clientId },
        12 * 3600,
      )
    }
    const trustedDocuments =
      config.auth.trustedDocuments.length === 0 ? undefined : await loadPartnerDocuments(config.auth.trustedDocuments)

    const schema = await buildGatewaySchema()
    const limits = createOperationLimits(config.limits)
    const apollo = new ApolloServer<GatewayContext>({
      schema,
      formatError: createFormatError(logger),
      // Apollo's own messages go through the same redacting logger (DESIGN inv. 10).
      logger,
      // PERF-BASELINE: the cache-control plugin costs 4–7 µs per field and pretty-printed JSON ≈ 6 µs per response;
      // the gateway sets no HTTP cache hints and serves its own GraphiQL.
      plugins: [
        limits.plugin,
        argumentCheckPlugin,
        operationPlugin,
        ...(trustedDocuments === undefined ? [] : [trustedDocumentsPlugin<GatewayContext>(trustedDocuments)]),
        ApolloServerPluginCacheControlDisabled(),
        ApolloServerPluginLandingPageDisabled(),
      ],
      parseOptions: limits.parseOptions,
      validationRules: limits.validationRules,
      stringifyResult: limits.stringifyResult,
      introspection: !config.production,
      // "Did you mean …?" would list the schema's fields to whoever probes it with introspection off.
      hideSchemaDetailsFromClientErrors: config.production,
      includeStacktraceInErrorResponses: false,
      // Bearer-only authentication: CSRF is refused at the edge for requests that carry cookies (src/http/csrf.ts).
      csrfPrevention: false,
      // main.ts owns SIGTERM/SIGINT (drain first, then stop Apollo): Apollo's own handler would race it.
      stopOnTerminationSignals: false,
    })
    await apollo.start()
    closers.push(() => apollo.stop())

    const handler = await createGatewayHandler({
      apollo,
      verifyCaller: auth.verifyCaller,
      createContext: (caller, _req, requestIds) => createContext(caller, services, requestIds),
      // A 12-hour partner token goes only to someone at this machine's keyboard, and only in sandbox mode.
      graphiqlHeaders: async (req) =>
        config.auth.devTokens && isLoopbackRequest(req)
          ? { Authorization: `Bearer ${await devToken('9999999901')}` }
          : { Authorization: 'Bearer <token: npm run token -- --psu 9999999901>' },
      graphiql: config.http.graphiql,
      corsOrigins: config.http.corsOrigins,
      maxBodyBytes: config.http.maxBodyBytes,
      operationTimeoutMs: config.limits.operationTimeoutMs,
      markTimedOut: (context, afterMs) => {
        context.budget.timedOutAfterMs = afterMs
      },
      routes: [
        ...healthRoutes(readiness),
        metricsRoute(metrics),
        auditRoute({
          verifyCaller: auth.verifyCaller,
          entries: (range) => joinAuditRecords(stores.audit.records(range), range),
          clock,
        }),
        jwksRoute('/.well-known/webhook-jwks.json', signer.jwks),
      ],
      logger,
    })
    serving.handler = handler
    // After the personas are linked: a first slot then finds them.
    deliveries.start()
    scheduler.start()
    readiness.running()
    const { port } = listener
    const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? 'localhost' : config.http.host
    return {
      url: `http://${host}:${port}`,
      port,
      sandbox,
      linked,
      credentials: lastVerdict,
      readiness,
      services,
      sync: { scheduler, deliveries, signer },
      devToken,
      close,
    }
  } catch (error) {
    await close()
    throw error
  }
}

/** The settings an operator checks when the bank refuses our credentials (named in the one readiness error). */
function credentialSettings(config: Config): { signature: string; clientId: string; certificate: string } {
  const creds = config.stet.credentials
  if (creds.kind === 'dev-pki')
    return {
      signature: `STET_DEV_PKI_DIR (${creds.dir}): the bank must trust the development QSealC found there (a standalone sandbox: give it the same STET_DEV_PKI_DIR)`,
      clientId: `STET_CLIENT_ID (${config.stet.clientId})`,
      certificate: `STET_DEV_PKI_DIR (${creds.dir}) and SANDBOX_TLS`,
    }
  return {
    signature: 'STET_QSEALC_KEY_FILE and STET_KEY_ID (the QSealC registered with the bank)',
    clientId: `STET_CLIENT_ID (${config.stet.clientId}) and the QWAC (STET_QWAC_CERT_FILE)`,
    certificate: 'STET_QWAC_CERT_FILE, STET_QWAC_KEY_FILE and STET_CA_FILE',
  }
}

function storeSetting(config: Config): string {
  return config.store.kind === 'redis' ? 'STORE_URL' : `DATA_DIR (${config.dataDir})`
}
