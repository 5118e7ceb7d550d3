/**
 * SIGTERM while an operation waits on a slow bank: the operation completes with its data, the process exits 0.
 * And a busy port: one readable line, exit code 1, before any bank call.
 */
import { spawn } from 'node:child_process'
import { rm } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { issueDevToken, loadOrCreateDevSigningKey } from '../../src/auth/dev-token.js'
import type { SandboxBank } from '../../src/sandbox/sandbox-bank.js'
import { startExternalSandbox } from '../support/external-sandbox.js'
import { spawnGateway } from '../support/processes.js'
import { postGraphQL, seedDataDir } from '../support/test-gateway.js'

const root = new URL('../../', import.meta.url).pathname
let bank: SandboxBank
let dataDir = ''

beforeAll(async () => {
  bank = await startExternalSandbox(undefined, { latencyMs: 1500 })
  dataDir = await seedDataDir()
})
afterAll(async () => {
  await bank.close()
  await rm(dataDir, { recursive: true, force: true })
})

describe('graceful shutdown', () => {
  it('SIGTERM mid-operation: the operation completes, the process exits 0', async () => {
    const gateway = await spawnGateway({
      DATA_DIR: dataDir,
      STET_BASE_URL: bank.url,
      SANDBOX_PERSONAS: 'true',
      SANDBOX_PERSONA_IDS: '9999999901',
    })
    const token = await issueDevToken(
      await loadOrCreateDevSigningKey(dataDir),
      { psuId: '9999999901', present: false, banks: [] },
      { clock: Date.now, ttlSeconds: 600 },
    )
    const seen = bank.receivedRequestIds().length
    const pending = postGraphQL(gateway.url, '{ accounts { balances { amount { amount } } } }', { token })
    while (bank.receivedRequestIds().length === seen) await sleep(10) // the bank is now answering, slowly
    const exited = new Promise<number | null>((resolve) => gateway.child.once('exit', (code) => resolve(code)))
    gateway.child.kill('SIGTERM')
    const res = await pending
    expect(res.status).toBe(200)
    expect(res.errors).toBeUndefined()
    expect((res.data?.accounts as unknown[]).length).toBe(2)
    expect(await exited).toBe(0)
  }, 90_000)

  it('a busy port is one line and exit code 1, before any bank call', async () => {
    const first = await spawnGateway({ DATA_DIR: dataDir, STET_BASE_URL: bank.url, SANDBOX_PERSONAS: 'false' })
    try {
      const port = new URL(first.url).port
      const seen = bank.receivedRequestIds().length
      const child = spawn(process.execPath, ['dist/main.js'], {
        cwd: root,
        env: { ...process.env, DATA_DIR: dataDir, PORT: port, HOST: '127.0.0.1', STET_BASE_URL: bank.url },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let stderr = ''
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
      expect(code).toBe(1)
      expect(stderr.trim().split('\n')).toEqual([
        `stet-gateway: port ${port} on 127.0.0.1 is already in use: stop the other process or set PORT to another port`,
      ])
      expect(bank.receivedRequestIds().length).toBe(seen)
    } finally {
      await first.stop()
    }
  }, 90_000)
})
