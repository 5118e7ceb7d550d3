/**
 * Every setting, read once from the environment and validated at start (STYLE.md B4). Only `main.ts` passes
 * `process.env`; tests pass plain objects. All problems are reported at once, each line naming the setting.
 */
import path from 'node:path'
import { GatewayError } from '../errors.js'
import { loadAuthConfig, parseTrustedProxies, type AuthConfig } from './auth-config.js'
import { envReaders, type Env } from './env-readers.js'
import { loadSyncConfig, type SyncConfig } from './sync-config.js'

export class ConfigInvalidError extends GatewayError {
  readonly code = 'CONFIG_INVALID'
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`)
  }
}

export type QuotaWindowsSetting = 'both' | 'calendar-day' | 'rolling-24h'

export interface Config {
  readonly mode: 'embedded-sandbox' | 'external-bank'
  readonly http: {
    readonly host: string
    readonly port: number
    /** Normalised CIDRs (`10.0.0.0/8`, `::1/128`) whose `X-Forwarded-For` is believed. */
    readonly trustedProxies: readonly string[]
    /** Origins a browser may call from (CORS); empty = no cross-origin browser access. */
    readonly corsOrigins: readonly string[]
    /** Serve /graphiql (development tokens embedded only in sandbox mode, and only to a loopback client). */
    readonly graphiql: boolean
    /** SIGTERM/SIGINT: how long in-flight operations may take to finish before their connections are closed. */
    readonly shutdownTimeoutMs: number
  } & ServerLimits
  /** The process itself (applied by main.ts only). */
  readonly runtime: {
    /** V8's old-generation growth past the live heap, in percent (observability/heap-growth.ts); 0: V8's own. */
    readonly heapGrowingPercent: number
  }
  readonly dataDir: string
  readonly sandbox: {
    /** Personas linked at start (their OAuth flow + consent for everything they own). */
    readonly linkPersonas: boolean
    /** Which PSU ids to link; empty = the bank's sandbox personas. */
    readonly personaIds: readonly string[]
    readonly port: number
    readonly tls: boolean
    readonly accessTokenTtlSeconds: number
    /** How the embedded sandbox refuses past its daily limit: `429`, or BPCE's `403` with `message: "TMRQ"`. */
    readonly limitAnswer: '429' | '403-TMRQ'
    /** SANDBOX_MOVING: pending card entries dropped, balances following bookings (off unless asked; main.ts asks). */
    readonly moving: boolean
  }
  readonly stet: {
    readonly environment: 'sandbox' | 'live'
    /** STET_BASE_URL: one bank URL for every bank code; absent = the embedded sandbox (or the registry's hosts when live). */
    readonly baseUrl: string | undefined
    readonly clientId: string
    readonly keyId: string | undefined
    /** Files; absent in sandbox mode = the development PKI made under DATA_DIR/pki. */
    readonly credentials:
      | {
          readonly kind: 'dev-pki'
          /** STET_DEV_PKI_DIR (default DATA_DIR/pki): a standalone sandbox trusts the QSealC found there. */
          readonly dir: string
        }
      | {
          readonly kind: 'files'
          readonly qsealcKeyFile: string
          readonly qwacCertFile: string | undefined
          readonly qwacKeyFile: string | undefined
          readonly caFile: string | undefined
        }
    readonly defaultBank: string
    readonly timeouts: { readonly connectMs: number; readonly headersMs: number; readonly bodyMs: number }
    readonly maxConnectionsPerOrigin: number
    /** The first of `redirectUris`: where the sandbox personas' own authorisation returns (persona linking). */
    readonly redirectUri: string
    /**
     * REDIRECT_URIS: the only redirect URIs `startBankAuthorization` accepts, compared as exact strings (RFC 6749
     * §3.1.2.2 asks for registered redirection endpoints; the bank compares them strictly, NOTES §4).
     */
    readonly redirectUris: readonly string[]
  }
  /**
   * TOKEN_ENCRYPTION_KEYS: the keys that seal tokens and connection records at rest (JWE dir + A256GCM), oldest first;
   * the last seals new records. Absent in sandbox mode = one key generated under DATA_DIR/keys.
   */
  readonly tokenKeys: readonly { readonly kid: string; readonly key: Uint8Array }[] | undefined
  readonly store:
    | { readonly kind: 'embedded' }
    | { readonly kind: 'redis'; readonly url: string; readonly prefix: string; readonly waitReplicas: number }
    | {
        readonly kind: 'redis-cluster'
        /** `host:port` of some nodes (STORE_CLUSTER_NODES or a `redis+cluster://` STORE_URL). */
        readonly nodes: readonly string[]
        readonly username: string | undefined
        readonly password: string | undefined
        readonly prefix: string
        /** A quota write counts once this many replicas hold it (WAIT). */
        readonly waitReplicas: number
      }
  readonly quota: {
    /** Default 4: the bank's page, "Limits"; RTS 2018/389 art. 36(5)(b). */
    readonly dailyLimit: number
    readonly limitsByBank: Readonly<Record<string, number>>
    readonly windows: QuotaWindowsSetting
    /** An empty store at start may be taken as never used (sandbox default); otherwise it counts as lost (DESIGN inv. 6). */
    readonly trustEmptyStore: boolean
  }
  readonly cache: {
    /** A batch read is never refreshed more often than this, whatever the budget allows. */
    readonly minBatchMaxAgeMs: number
    /** How long a cached value is kept at all (stale-if-error horizon). */
    readonly retentionMs: number
    /** An identical answer is not rewritten within this (a tenth of the freshness floor at most). */
    readonly unchangedRewriteMs: number
    /** CACHE_MAX_BYTES: the embedded cache's bound (oldest entries evicted past it); 0 = none. */
    readonly maxBytes: number
    /**
     * CACHE_STORE_URL: a Redis of its own for the cache entries and marks, run with an evicting `maxmemory-policy`
     * (the main store keeps `noeviction`: ledger, tokens and leases carry TTLs too). Absent: the main store.
     */
    readonly storeUrl: string | undefined
  }
  readonly audit: {
    /**
     * Days the trail of unattended calls is kept (AUDIT_RETENTION_DAYS, default 400): a whole year of evidence for an
     * annual review, plus the weeks it takes to be held after the year ends. It names PSUs and IBANs, so it is not
     * kept longer by default (GDPR minimisation); a compliance rule asking for more sets it higher.
     */
    readonly retentionDays: number
  }
  /** The transactions journal behind `transactionsSync` (services/transaction-journal.ts). */
  readonly journal: {
    /** Live entries and tombstones per account. */
    readonly maxEntriesPerAccount: number
    /** Entries dated older than this leave the journal; at least the bank's 62 days. */
    readonly retentionDays: number
  }
  readonly auth: AuthConfig
  /** The refresh scheduler and the webhooks (issue 17). */
  readonly sync: SyncConfig
  /** `STET_ENVIRONMENT=live` or `NODE_ENV=production`: introspection, field suggestions and GraphiQL off. */
  readonly production: boolean
  readonly limits: OperationLimits
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
}

/** The node:http server's own bounds (slow-loris, idle sockets, floods). */
export interface ServerLimits {
  readonly maxBodyBytes: number
  readonly headersTimeoutMs: number
  readonly requestTimeoutMs: number
  readonly keepAliveTimeoutMs: number
  readonly maxConnections: number
}

/**
 * What one GraphQL operation may cost (DESIGN inv. 12). The defaults sit far above what a real frontend sends (the
 * README's full example query: depth 7, 0 aliases, ~130 tokens, cost ~14,000) and far below what hurts.
 */
export interface OperationLimits {
  readonly maxTokens: number
  readonly maxDepth: number
  readonly maxAliases: number
  readonly maxDirectives: number
  /** Fragment spreads nested inside fragment spreads (a chain of 5,000 overflowed graphql-js's recursion). */
  readonly maxFragmentNesting: number
  /** Selections visited with fragments expanded (bounds the cost analysis itself). */
  readonly maxSelections: number
  readonly maxCost: number
  /** How many accounts a list of accounts is costed at. */
  readonly accountsListSize: number
  /** Characters of one string argument or variable. */
  readonly maxStringLength: number
  readonly maxResponseBytes: number
  /** Parse + validate + execute, from the request's arrival. */
  readonly operationTimeoutMs: number
}

export function loadConfig(env: Env): Config {
  const problems: string[] = []
  const str = (name: string, fallback: string): string => {
    const v = env[name]
    return v === undefined || v === '' ? fallback : v
  }
  const { opt, int, bool } = envReaders(env, problems)
  const list = (name: string): string[] =>
    (opt(name) ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
  const oneOf = <T extends string>(name: string, values: readonly T[], fallback: T): T => {
    const raw = opt(name)
    if (raw === undefined) return fallback
    if ((values as readonly string[]).includes(raw)) return raw as T
    problems.push(`${name} must be one of ${values.join(', ')} (got "${raw}")`)
    return fallback
  }
  const url = (name: string, protocols: string[]): string | undefined => {
    const raw = opt(name)
    if (raw === undefined) return undefined
    try {
      const u = new URL(raw)
      if (!protocols.includes(u.protocol)) throw new Error('protocol')
      return raw.replace(/\/+$/, '')
    } catch {
      problems.push(`${name} must be a ${protocols.join(' or ')} URL (got "${raw}")`)
      return undefined
    }
  }

  const baseUrl = url('STET_BASE_URL', ['http:', 'https:'])
  const environment = oneOf('STET_ENVIRONMENT', ['sandbox', 'live'] as const, 'sandbox')
  const mode = baseUrl === undefined && environment === 'sandbox' ? 'embedded-sandbox' : 'external-bank'
  const port = int('PORT', 4000, 0, 65535)
  const dataDir = path.resolve(str('DATA_DIR', './data'))

  const qsealcKeyFile = opt('STET_QSEALC_KEY_FILE')
  if (environment === 'live' && qsealcKeyFile === undefined) {
    problems.push('STET_QSEALC_KEY_FILE is required when STET_ENVIRONMENT=live (the QSealC private key, PEM)')
  }
  if (environment === 'live' && (opt('STET_QWAC_CERT_FILE') === undefined || opt('STET_QWAC_KEY_FILE') === undefined)) {
    problems.push('STET_QWAC_CERT_FILE and STET_QWAC_KEY_FILE are required when STET_ENVIRONMENT=live (mutual TLS)')
  }
  const clientId = str('STET_CLIENT_ID', 'PSDFR-ACPR-SANDBOX')
  if (environment === 'live' && opt('STET_CLIENT_ID') === undefined) {
    problems.push(
      'STET_CLIENT_ID is required when STET_ENVIRONMENT=live (the TPP organisation identifier, PSDXX-YYYYYYYY-ZZZZZZZZ)',
    )
  }

  const limitsByBank: Record<string, number> = {}
  for (const part of (opt('QUOTA_LIMITS') ?? '').split(',').filter((p) => p.trim() !== '')) {
    const m = /^\s*(\d{5})=(\d+)\s*$/.exec(part)
    if (m?.[1] === undefined || m[2] === undefined || Number(m[2]) < 1) {
      problems.push(`QUOTA_LIMITS must look like "17515=4,11315=3" (got "${part}")`)
    } else {
      limitsByBank[m[1]] = Number(m[2])
    }
  }
  const cluster = clusterSetting(opt('STORE_CLUSTER_NODES'), opt('STORE_URL'), problems)
  const isClusterUrl = opt('STORE_URL')?.startsWith('redis+cluster:') === true
  const storeUrl = cluster === undefined && !isClusterUrl ? url('STORE_URL', ['redis:', 'rediss:']) : undefined
  const waitReplicas = int('STORE_WAIT_REPLICAS', 0, 0, 16)
  const prefix = str('STORE_PREFIX', 'stetgw:')
  const cacheStoreUrl = url('CACHE_STORE_URL', ['redis:', 'rediss:'])
  if (cacheStoreUrl !== undefined && cluster === undefined && storeUrl === undefined && !isClusterUrl)
    problems.push('CACHE_STORE_URL needs a shared store (STORE_URL or STORE_CLUSTER_NODES): the embedded cache is lmdb')
  if (/[{}]/.test(prefix)) problems.push(`STORE_PREFIX must not contain { or } (got "${prefix}")`)
  const redirectUris = list('REDIRECT_URIS')
  for (const uri of redirectUris) {
    if (!URL.canParse(uri) || !['http:', 'https:'].includes(new URL(uri).protocol) || new URL(uri).hash !== '') {
      problems.push(`REDIRECT_URIS must be absolute http(s) URLs without a fragment, comma-separated (got "${uri}")`)
    }
  }
  if (redirectUris.length === 0) redirectUris.push(str('STET_REDIRECT_URI', `http://localhost:${port}/callback`))
  const tokenKeys = parseTokenKeys(opt('TOKEN_ENCRYPTION_KEYS'), problems)
  if (tokenKeys === undefined && environment === 'live') {
    problems.push(
      'TOKEN_ENCRYPTION_KEYS is required when STET_ENVIRONMENT=live (kid:base64url-32-bytes, comma-separated)',
    )
  }
  const logLevel = oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info')
  const auth = loadAuthConfig(env, environment, problems)

  const production = environment === 'live' || env.NODE_ENV === 'production'
  const corsOrigins = list('CORS_ORIGINS')
  for (const origin of corsOrigins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin))
      problems.push(`CORS_ORIGINS must list origins like https://app.example.com, without a path (got "${origin}")`)
  }

  const config: Config = {
    mode,
    http: {
      // Loopback by default: a gateway is exposed on purpose (the Dockerfile sets HOST=0.0.0.0), never by accident.
      host: str('HOST', '127.0.0.1'),
      port,
      trustedProxies: parseTrustedProxies(opt('TRUSTED_PROXIES'), problems),
      corsOrigins,
      graphiql: bool('GRAPHIQL', !production),
      maxBodyBytes: int('HTTP_MAX_BODY_BYTES', 100_000, 1_000, 100_000_000),
      headersTimeoutMs: int('HTTP_HEADERS_TIMEOUT_MS', 10_000, 100),
      requestTimeoutMs: int('HTTP_REQUEST_TIMEOUT_MS', 30_000, 100),
      keepAliveTimeoutMs: int('HTTP_KEEP_ALIVE_TIMEOUT_MS', 5_000, 100),
      maxConnections: int('HTTP_MAX_CONNECTIONS', 1_000, 1),
      shutdownTimeoutMs: int('SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    },
    runtime: { heapGrowingPercent: int('HEAP_GROWING_PERCENT', 30, 0, 300) },
    dataDir,
    sandbox: {
      linkPersonas: bool('SANDBOX_PERSONAS', mode === 'embedded-sandbox'),
      personaIds: (opt('SANDBOX_PERSONA_IDS') ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      port: int('SANDBOX_PORT', 0, 0, 65535),
      tls: bool('SANDBOX_TLS', false),
      accessTokenTtlSeconds: int('SANDBOX_ACCESS_TOKEN_TTL_SECONDS', 3600, 1),
      limitAnswer: oneOf('SANDBOX_LIMIT_ANSWER', ['429', '403-TMRQ'] as const, '429'),
      moving: bool('SANDBOX_MOVING', false),
    },
    stet: {
      environment,
      baseUrl,
      clientId,
      keyId: opt('STET_KEY_ID'),
      credentials:
        qsealcKeyFile === undefined
          ? { kind: 'dev-pki', dir: path.resolve(str('STET_DEV_PKI_DIR', path.join(dataDir, 'pki'))) }
          : {
              kind: 'files',
              qsealcKeyFile,
              qwacCertFile: opt('STET_QWAC_CERT_FILE'),
              qwacKeyFile: opt('STET_QWAC_KEY_FILE'),
              caFile: opt('STET_CA_FILE'),
            },
      defaultBank: str('STET_DEFAULT_BANK', '17515'),
      timeouts: {
        connectMs: int('STET_CONNECT_TIMEOUT_MS', 5000, 1),
        headersMs: int('STET_HEADERS_TIMEOUT_MS', 15000, 1),
        bodyMs: int('STET_BODY_TIMEOUT_MS', 15000, 1),
      },
      maxConnectionsPerOrigin: int('STET_MAX_CONNECTIONS', 32, 1, 1024),
      redirectUri: redirectUris[0] ?? '',
      redirectUris,
    },
    tokenKeys,
    store:
      cluster !== undefined
        ? { kind: 'redis-cluster', ...cluster, prefix, waitReplicas }
        : storeUrl === undefined
          ? { kind: 'embedded' }
          : { kind: 'redis', url: storeUrl, prefix, waitReplicas },
    quota: {
      dailyLimit: int('QUOTA_DAILY_LIMIT', 4, 1, 4),
      limitsByBank,
      windows: oneOf('QUOTA_WINDOWS', ['both', 'calendar-day', 'rolling-24h'] as const, 'both'),
      trustEmptyStore: bool('QUOTA_TRUST_EMPTY_STORE', environment === 'sandbox'),
    },
    cache: {
      minBatchMaxAgeMs: int('CACHE_MIN_BATCH_MAX_AGE_MS', 5 * 60_000, 0),
      retentionMs: int('CACHE_RETENTION_MS', 7 * 24 * 3600_000, 60_000),
      unchangedRewriteMs: int('CACHE_UNCHANGED_REWRITE_MS', 30_000, 0, 300_000),
      maxBytes: int('CACHE_MAX_BYTES', 1024 ** 3, 0),
      storeUrl: cacheStoreUrl,
    },
    audit: { retentionDays: int('AUDIT_RETENTION_DAYS', 400, 1, 3650) },
    journal: {
      // GEORGES, the busiest persona, books ~4 a day: 5,000 is over three years of him.
      maxEntriesPerAccount: int('JOURNAL_MAX_ENTRIES_PER_ACCOUNT', 5_000, 100, 1_000_000),
      // The bank shows 62 days (bank page, Limits); the journal keeps what it saw for longer.
      retentionDays: int('JOURNAL_RETENTION_DAYS', 400, 62, 3_650),
    },
    auth,
    sync: loadSyncConfig(env, environment, problems),
    production,
    limits: {
      // At most 4,000: graphql-js parses recursively, and ~2,300 nested selection sets (2 tokens each) overflow its stack.
      maxTokens: int('LIMIT_TOKENS', 3_000, 10, 4_000),
      maxDepth: int('LIMIT_DEPTH', 12, 2, 1_000),
      maxAliases: int('LIMIT_ALIASES', 30, 0),
      maxDirectives: int('LIMIT_DIRECTIVES', 50, 1),
      maxFragmentNesting: int('LIMIT_FRAGMENT_NESTING', 20, 1, 1_000),
      maxSelections: int('LIMIT_SELECTIONS', 20_000, 100),
      maxCost: int('LIMIT_COST', 500_000, 10),
      accountsListSize: int('LIMIT_COST_ACCOUNTS', 20, 1),
      maxStringLength: int('LIMIT_STRING_LENGTH', 2_000, 16),
      maxResponseBytes: int('LIMIT_RESPONSE_BYTES', 16_000_000, 1_000),
      operationTimeoutMs: int('LIMIT_OPERATION_TIMEOUT_MS', 30_000, 100),
    },
    logLevel,
  }
  for (const [bank, limit] of Object.entries(limitsByBank)) {
    if (limit > 4) problems.push(`QUOTA_LIMITS for ${bank} must be at most 4 (the bank's limit)`)
  }
  if (problems.length > 0) throw new ConfigInvalidError(problems)
  return Object.freeze(config)
}

const NODE = /^[A-Za-z0-9.-]+:\d{1,5}$|^\[[0-9A-Fa-f:.]+\]:\d{1,5}$/

/**
 * Redis Cluster: `STORE_CLUSTER_NODES=host:port,…`, or `STORE_URL=redis+cluster://[user:password@]host:port,…`
 * (a URL with several hosts, which `new URL` cannot parse). Undefined when neither asks for a cluster.
 */
function clusterSetting(
  nodesSetting: string | undefined,
  storeUrl: string | undefined,
  problems: string[],
): { nodes: string[]; username: string | undefined; password: string | undefined } | undefined {
  let list = nodesSetting
  let username: string | undefined
  let password: string | undefined
  let name = 'STORE_CLUSTER_NODES'
  if (list === undefined) {
    const m = /^redis\+cluster:\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/?#]*)\/?$/.exec(storeUrl ?? '')
    if (m === null) {
      if (storeUrl?.startsWith('redis+cluster:') === true)
        problems.push(`STORE_URL must look like redis+cluster://host:port,host:port (got "${storeUrl}")`)
      return undefined
    }
    name = 'STORE_URL'
    username = m[1] === undefined || m[1] === '' ? undefined : decodeURIComponent(m[1])
    password = m[2] === undefined ? undefined : decodeURIComponent(m[2])
    list = m[3] ?? ''
  } else if (storeUrl !== undefined) {
    problems.push('STORE_CLUSTER_NODES and STORE_URL cannot both be set (choose a cluster or a single Redis)')
  }
  const nodes = list
    .split(',')
    .map((node) => node.trim())
    .filter(Boolean)
  if (nodes.length === 0 || !nodes.every((node) => NODE.test(node))) {
    problems.push(`${name} must list cluster nodes as host:port,host:port (got "${list}")`)
  }
  return { nodes, username, password }
}

/**
 * `TOKEN_ENCRYPTION_KEYS=2026-01:<base64url of 32 random bytes>,2026-06:<…>`: a `kid` (letters, digits, `.`, `_`, `-`),
 * a colon, then the AES-256 key. Oldest first: to rotate, append a new key; drop an old one only once no record uses it.
 * `openssl rand -base64 32 | tr '+/' '-_' | tr -d '='` makes a key.
 */
function parseTokenKeys(raw: string | undefined, problems: string[]): { kid: string; key: Uint8Array }[] | undefined {
  if (raw === undefined) return undefined
  const keys: { kid: string; key: Uint8Array }[] = []
  for (const part of raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([A-Za-z0-9._-]{1,64}):([A-Za-z0-9_-]+={0,2})$/.exec(part)
    const key = m?.[2] === undefined ? undefined : Buffer.from(m[2], 'base64url')
    if (m?.[1] === undefined || key === undefined || key.byteLength !== 32) {
      problems.push('TOKEN_ENCRYPTION_KEYS entries must be kid:base64url of 32 bytes (got an entry that is not)')
      continue
    }
    if (keys.some((k) => k.kid === m[1])) problems.push(`TOKEN_ENCRYPTION_KEYS names the key id "${m[1]}" twice`)
    keys.push({ kid: m[1], key: new Uint8Array(key) })
  }
  return keys.length === 0 ? undefined : keys
}
