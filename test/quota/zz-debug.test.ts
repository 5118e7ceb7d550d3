import { it, expect } from '@jest/globals'
import { RedisLedger } from '../../src/quota/redis-ledger.js'
it('debug', async () => {
  const a = new RedisLedger({ url: 'redis://127.0.0.1:6379', prefix: 'dbg:' })
  await a.close()
  expect(1).toBe(1)
})
