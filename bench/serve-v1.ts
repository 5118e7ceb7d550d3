/**
 * V1: a naive Apollo Server 5 (standalone) + type-graphql server whose field resolvers call the bank directly.
 * V1m (BANK_MEMORY=true): the same server over the in-memory answers of memory-bank.ts.
 * Env as V0 (BANK_URL, PKI_DIR, STET_CLIENT_ID, PSUS, BANK_CONNECTIONS, PORT); the PSU is `x-psu-id`, `x-psu-present: 1` sends
 * PSU-IP-Address.
 */
import { ApolloServer } from '@apollo/server'
import { startStandaloneServer } from '@apollo/server/standalone'
import { bankFromEnv } from './bank-client.js'
import { baselineBank } from './memory-bank.js'
import { installAllocationProfile } from './allocation-profile.js'
import { announceReady, installLoopMonitor } from './loop-monitor.js'
import type { V1Context } from './v1-schema.js'
import { buildV1Schema } from './v1-schema.js'

installLoopMonitor()
installAllocationProfile(process.env.BENCH_ALLOCATION_PROFILE)
const bank = baselineBank(await bankFromEnv(process.env), process.env)

const apollo = new ApolloServer<V1Context>({ schema: await buildV1Schema() })
const { url } = await startStandaloneServer(apollo, {
  listen: { port: Number(process.env.PORT ?? '0'), host: '127.0.0.1' },
  context: async ({ req }) => {
    const psu = req.headers['x-psu-id']
    const address = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '')
    return {
      bank,
      psu: typeof psu === 'string' ? psu : '',
      ip: req.headers['x-psu-present'] === '1' ? address : undefined,
    }
  },
})
announceReady(url.replace(/\/$/, ''))
process.once('SIGTERM', () => {
  void apollo.stop().finally(() => void bank.close().finally(() => process.exit(0)))
})
