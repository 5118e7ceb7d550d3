/**
 * Process entry: the only reader of process.env (STYLE.md B4). A start-up failure (bad settings, a busy port, an
 * unreadable key file) is one readable line on stderr and exit code 1; SIGTERM/SIGINT stop gracefully (in-flight
 * operations finish within SHUTDOWN_TIMEOUT_MS, then Apollo, the bank pools and the store close) and exit 0.
 */
import { ConfigInvalidError, loadConfig } from './config/config.js'
import { PortUnavailableError } from './http/http-listener.js'
import { boundHeapGrowth, GATEWAY_NODE_FLAGS } from './observability/heap-growth.js'
import { createLogger } from './observability/logger.js'
import { startGateway, type Gateway } from './server.js'

function startFailed(reason: string): never {
  process.stderr.write(`stet-gateway: ${reason}\n`)
  process.exit(1)
}

let config
try {
  // `npm start` shows a sandbox whose data moves over the day (SANDBOX_MOVING); tests, which read the personas'
  // fixed data, get it only when they ask (loadConfig's default is off).
  config = loadConfig({ SANDBOX_MOVING: 'true', ...process.env })
} catch (error) {
  if (error instanceof ConfigInvalidError) startFailed(`invalid configuration: ${error.problems.join('; ')}`)
  throw error
}
boundHeapGrowth(config.runtime.heapGrowingPercent)
const logger = createLogger(config.logLevel)
const missingFlags = GATEWAY_NODE_FLAGS.filter((flag) => !process.execArgv.includes(flag))
if (missingFlags.length > 0)
  logger.warn(
    { missingFlags },
    'started without the Node flags npm start gives (README "Performance"): cold reads cost more CPU',
  )
let gateway: Gateway
try {
  gateway = await startGateway(config, { logger })
} catch (error) {
  if (error instanceof PortUnavailableError) startFailed(error.message)
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  if (code === 'ENOENT' || code === 'EACCES')
    startFailed(
      `cannot read ${(error as NodeJS.ErrnoException).path ?? 'a file'} (${code}): check the *_FILE settings and DATA_DIR`,
    )
  startFailed(`failed to start: ${error instanceof Error ? error.message : String(error)}`)
}
const ready = gateway.credentials.status !== 'rejected'
logger.info(
  { graphql: `${gateway.url}/graphql`, graphiql: `${gateway.url}/graphiql`, sandbox: gateway.sandbox?.url },
  ready ? 'stet-gateway ready' : 'stet-gateway started, NOT ready: the bank rejects its credentials (see /readyz)',
)
console.log(
  `\n  GraphQL:  ${gateway.url}/graphql\n  GraphiQL: ${gateway.url}/graphiql${gateway.sandbox ? `\n  Sandbox bank: ${gateway.sandbox.url}` : ''}\n  Token:    npm run -s token -- --psu 9999999901 [--present]\n`,
)

let stopping = false
const stop = (signal: string): void => {
  if (stopping) return
  stopping = true
  logger.info({ signal }, 'stopping: finishing in-flight operations')
  gateway.close().then(
    () => {
      logger.info({ signal }, 'stopped')
      process.exit(0)
    },
    (error: unknown) => {
      logger.error({ err: String(error) }, 'stop failed')
      process.exit(1)
    },
  )
}
process.on('SIGTERM', () => stop('SIGTERM'))
process.on('SIGINT', () => stop('SIGINT'))
