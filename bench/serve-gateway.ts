/**
 * V2 / V2w: the gateway itself (startGateway, as src/main.ts starts it, with the same environment settings), in a
 * process that also measures its own event-loop delay (loop-monitor.ts). V2w-json and V2w-redis-json: the same, with
 * the cache written as plain JSON.
 */
import { loadConfig } from '../src/config/config.js'
import { boundHeapGrowth } from '../src/observability/heap-growth.js'
import { createLogger } from '../src/observability/logger.js'
import { startGateway } from '../src/server.js'
import { installAllocationProfile } from './allocation-profile.js'
import { announceReady, installLoopMonitor } from './loop-monitor.js'

installLoopMonitor()
installAllocationProfile(process.env.BENCH_ALLOCATION_PROFILE)
const config = loadConfig(process.env)
boundHeapGrowth(config.runtime.heapGrowingPercent) // as main.ts does
// BENCH_CACHE_ENCODING=json (V2w-json, V2w-redis-json): the cache written as before issue 18, for the before/after.
const cacheEncoding = process.env.BENCH_CACHE_ENCODING === 'json' ? 'json' : 'compact'
const gateway = await startGateway(config, { logger: createLogger(config.logLevel), cacheEncoding })
const failed = gateway.linked.filter((outcome) => outcome.status === 'failed')
if (failed.length > 0) {
  process.stderr.write(`personas not linked: ${JSON.stringify(failed)}\n`)
  process.exit(1)
}
announceReady(gateway.url)
process.once('SIGTERM', () => {
  void gateway.close().finally(() => process.exit(0))
})
