/**
 * V2 / V2w: the gateway itself (startGateway, as src/main.ts starts it, with the same environment settings), in a
 * process that also measures its own event-loop delay (loop-monitor.ts).
 */
import { loadConfig } from '../src/config/config.js'
import { createLogger } from '../src/observability/logger.js'
import { startGateway } from '../src/server.js'
import { installAllocationProfile } from './allocation-profile.js'
import { announceReady, installLoopMonitor } from './loop-monitor.js'

installLoopMonitor()
installAllocationProfile(process.env.BENCH_ALLOCATION_PROFILE)
const config = loadConfig(process.env)
const gateway = await startGateway(config, { logger: createLogger(config.logLevel) })
const failed = gateway.linked.filter((outcome) => outcome.status === 'failed')
if (failed.length > 0) {
  process.stderr.write(`personas not linked: ${JSON.stringify(failed)}\n`)
  process.exit(1)
}
announceReady(gateway.url)
process.once('SIGTERM', () => {
  void gateway.close().finally(() => process.exit(0))
})
