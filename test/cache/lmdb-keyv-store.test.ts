import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from '@jest/globals'
import Keyv from 'keyv'
import { LmdbKeyvStore } from '../../src/cache/lmdb-keyv-store.js'

describe('LmdbKeyvStore', () => {
  it('keeps values across reopening and sweeps what keyv let expire', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'stetgw-lmdb-'))
    const store = new LmdbKeyvStore(dir)
    const keyv = new Keyv({ store, namespace: 'cache' })
    await keyv.set('kept', { a: 1 }, 3600_000)
    await keyv.set('gone', { b: 2 }, 1)
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(await store.sweepExpired(Date.now())).toBe(1)
    await store.disconnect()
    const reopened = new Keyv({ store: new LmdbKeyvStore(dir), namespace: 'cache' })
    expect(await reopened.get('kept')).toEqual({ a: 1 })
    expect(await reopened.get('gone')).toBeUndefined()
    await reopened.disconnect()
    await rm(dir, { recursive: true, force: true })
  })
})
