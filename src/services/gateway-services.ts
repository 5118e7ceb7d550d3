/**
 * Builds the services from their parts (the composition root's service layer): the bank reader over cache, ledger
 * and STET client, the read services, and one service per bank-connection use case. Persona linking and the GraphQL
 * mutations get the same instances: one flow, not two.
 */
import type { AuditTrail } from '../audit/audit-trail.js'
import type { FreshnessCache } from '../cache/freshness-cache.js'
import type { FreshnessPolicy } from '../cache/freshness-policy.js'
import type { JournalBackend } from '../cache/journal-backend.js'
import type { RefusalMemory } from '../cache/refusal-memory.js'
import type { DistributedLock } from '../cache/single-flight.js'
import type { Clock } from '../clock.js'
import type { QuotaLedger } from '../quota/quota-ledger.js'
import type { ConnectionStore } from '../stores/connection-store.js'
import type { PendingAuthorizationStore } from '../stores/pending-authorizations.js'
import type { OAuthClient } from '../stet/oauth-client.js'
import type { StetClient } from '../stet/stet-client.js'
import type { TokenSource, TokenStore } from '../stet/token-source.js'
import { AccountDataService } from './account-data-service.js'
import { AccountJournal } from './account-journal.js'
import { AccountsService } from './accounts-service.js'
import { BankConnections } from './bank-connections.js'
import { BankReader } from './bank-reader.js'
import { CompleteBankAuthorization } from './complete-bank-authorization.js'
import { ConsentService } from './consent-service.js'
import { DisconnectBank } from './disconnect-bank.js'
import { StartBankAuthorization } from './start-bank-authorization.js'
import { SyncCursorCodec } from './sync-cursor.js'
import type { SyncEventSink } from './sync-events.js'
import type { JournalBounds } from './transaction-journal.js'
import { TransactionsSyncService } from './transactions-sync-service.js'
import type { Logger } from '../observability/logger.js'
import type { WebhookStore } from '../webhooks/webhook-store.js'
import type { Resolve, WebhookUrlPolicy } from '../webhooks/webhook-url.js'
import { encodeAccountId } from './account-id.js'
import { Webhooks } from './webhooks.js'

export interface ConnectionServices {
  readonly start: StartBankAuthorization
  readonly complete: CompleteBankAuthorization
  readonly disconnect: DisconnectBank
  readonly list: BankConnections
}

export interface GatewayServices {
  readonly accounts: AccountsService
  readonly data: AccountDataService
  readonly reader: BankReader
  readonly consents: ConsentService
  readonly connections: ConnectionServices
  readonly journal: AccountJournal
  readonly sync: TransactionsSyncService
  /** Partners' webhooks; also the sink every sync event goes to. */
  readonly webhooks: Webhooks
}

export interface GatewayServicesDeps {
  readonly tpp: string
  readonly defaultBank: string
  readonly clock: Clock
  readonly cache: FreshnessCache
  readonly refusals: RefusalMemory
  readonly policy: FreshnessPolicy
  readonly ledger: QuotaLedger
  readonly lock: DistributedLock
  /** Longer than a bank call can last, so a single-flight lease never expires mid-call. */
  readonly lockTtlMs: number
  readonly stet: StetClient
  readonly oauth: OAuthClient
  readonly tokens: TokenSource
  readonly tokenStore: TokenStore
  readonly connections: ConnectionStore
  readonly pending: PendingAuthorizationStore
  readonly redirectUris: readonly string[]
  readonly app2AppBaseUrlFor: ((bank: string) => string) | undefined
  readonly onStoreError: (error: unknown) => void
  /** The trail of unattended calls; absent: not kept (unit tests of other parts). */
  readonly audit?: AuditTrail
  /** The transactions journals' store and bounds (JOURNAL_* settings). */
  readonly journal: JournalBackend
  readonly journalBounds: JournalBounds
  /** Key material the sync cursors' MAC key is derived from (the token encryption keys: shared, durable). */
  readonly cursorKeyMaterial: readonly Uint8Array[]
  /** Where TRANSACTIONS_UPDATED goes; default: the webhooks (their outbox). */
  readonly syncEvents?: SyncEventSink
  readonly webhooks: {
    readonly store: WebhookStore
    readonly urls: WebhookUrlPolicy
    readonly maxPerConnection: number
    readonly wallClock: Clock
    readonly onEnqueued: () => void
    readonly logger: Logger
    readonly resolve?: Resolve
  }
}

export function createGatewayServices(deps: GatewayServicesDeps): GatewayServices {
  const { clock, stet, oauth, tokens, tokenStore, connections, pending } = deps
  // Late-bound: the sink needs the accounts service, which needs the reader, which reports refusals to the sink.
  const late: { webhooks?: Webhooks } = {}
  const reader = new BankReader({
    tpp: deps.tpp,
    cache: deps.cache,
    ledger: deps.ledger,
    policy: deps.policy,
    lock: deps.lock,
    clock,
    lockTtlMs: deps.lockTtlMs,
    refusals: deps.refusals,
    ...(deps.audit === undefined ? {} : { audit: deps.audit }),
    onStoreError: deps.onStoreError,
    onQuotaRefused: async (parts, nextAllowedAt) => {
      if (nextAllowedAt === null) return
      await late.webhooks?.emit({
        type: 'QUOTA_EXHAUSTED',
        bank: parts.bank,
        psuId: parts.psu,
        at: clock(),
        ...(parts.iban === undefined ? {} : { accountId: encodeAccountId(parts.bank, parts.iban) }),
        method: parts.method.toUpperCase(),
        nextAllowedAt,
      })
    },
  })
  const accounts = new AccountsService({ reader, stet, defaultBank: deps.defaultBank })
  const webhooks = new Webhooks({ ...deps.webhooks, accounts, clock })
  late.webhooks = webhooks
  const journal = new AccountJournal({
    tpp: deps.tpp,
    backend: deps.journal,
    cursors: new SyncCursorCodec(deps.cursorKeyMaterial),
    events: deps.syncEvents ?? webhooks,
    clock,
    bounds: deps.journalBounds,
    onStoreError: deps.onStoreError,
  })
  const data = new AccountDataService({ reader, stet, clock, journal, events: webhooks })
  const list = new BankConnections({ connections, tokenStore, clock })
  const consents = new ConsentService({ reader, stet, accounts, connections, bankConnections: list, clock })
  return {
    accounts,
    data,
    webhooks,
    reader,
    consents,
    journal,
    sync: new TransactionsSyncService({ journal, reader, data }),
    connections: {
      start: new StartBankAuthorization({
        accounts,
        oauth,
        pending,
        clock,
        redirectUris: deps.redirectUris,
        app2AppBaseUrlFor: deps.app2AppBaseUrlFor,
      }),
      complete: new CompleteBankAuthorization({
        pending,
        oauth,
        tokens,
        connections,
        bankConnections: list,
        accounts,
        reader,
        clock,
      }),
      disconnect: new DisconnectBank({
        oauth,
        tokenStore,
        connections,
        bankConnections: list,
        accounts,
        reader,
        journal,
        clock,
      }),
      list,
    },
  }
}
