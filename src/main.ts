/** Process entry: the only reader of process.env (STYLE.md B4). */
import { ConfigInvalidError, loadConfig } from './config/config.js'
import { createLogger } from './observability/logger.js'
import { startGateway } from './server.js'

let config
try {
  config = loadConfig(process.env)
} catch (error) {
  if (error instanceof ConfigInvalidError) {
    console.error(error.message)
    process.exit(78) // EX_CONFIG
  }
  throw error
}
const logger = createLogger(config.logLevel)
const gateway = await startGateway(config, { logger })
logger.info(
  { graphql: `${gateway.url}/graphql`, graphiql: `${gateway.url}/graphiql`, sandbox: gateway.sandbox?.url },
  'stet-gateway ready',
)
console.log(
  `\n  GraphQL:  ${gateway.url}/graphql\n  GraphiQL: ${gateway.url}/graphiql${gateway.sandbox ? `\n  Sandbox bank: ${gateway.sandbox.url}` : ''}\n  Token:    npm run token -- --psu 9999999901 [--present]\n`,
)

const stop = (signal: string): void => {
  logger.info({ signal }, 'stopping')
  gateway.close().then(
    () => process.exit(0),
    () => process.exit(1),
  )
}
process.once('SIGTERM', () => stop('SIGTERM'))
process.once('SIGINT', () => stop('SIGINT'))
