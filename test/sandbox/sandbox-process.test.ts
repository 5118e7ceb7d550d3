/**
 * `npm run sandbox` (the built entry it runs) restarted with the same folders: the link made before the restart
 * still reads, and the day's counts go on (the 5th unattended call is refused, here as 403 TMRQ, the process being
 * started with SANDBOX_LIMIT_ANSWER=403-TMRQ). The state lives in SANDBOX_DATA_DIR, DATA_DIR/sandbox by default.
 * The clock is the real one: the calls of this test take well under a second of the day.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readdir, rm, stat } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { loadOrCreateDevPki, sha256FingerprintHex } from '../../src/pki/dev-pki.js'
import type { SandboxBank } from '../../src/sandbox/sandbox-bank.js'
import type { SandboxSession } from '../support/sandbox-session.js'
import { callAis, MutableClock, obtainToken, putConsent } from '../support/sandbox-session.js'
import { LEA, LEA_MAIN } from '../support/sandbox-personas.js'
import { seedDataDir } from '../support/test-gateway.js'

const root = new URL('../../', import.meta.url).pathname
const children: ChildProcess[] = []
let dataDir = ''

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
  if (dataDir !== '') await rm(dataDir, { recursive: true, force: true })
})

async function spawnSandbox(env: Record<string, string>): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['dist/sandbox/main.js'], {
    cwd: root,
    env: { ...process.env, SANDBOX_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`sandbox did not start: ${out}`)), 30_000)
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const match = /listening on (\S+)/.exec(out)
      if (match?.[1] !== undefined) {
        clearTimeout(timer)
        resolve(match[1])
      }
    })
    child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`sandbox exited with ${String(code)}: ${out}`))
    })
  })
  return {
    url,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    },
  }
}

describe('npm run sandbox restarted with the same DATA_DIR', () => {
  it('keeps the link and the day’s counts, in DATA_DIR/sandbox (0700, files 0600)', async () => {
    dataDir = await seedDataDir()
    const pki = await loadOrCreateDevPki(path.join(dataDir, 'pki'), { clientId: 'PSDFR-ACPR-SANDBOX' })
    const env = { DATA_DIR: dataDir, SANDBOX_LIMIT_ANSWER: '403-TMRQ' }
    // The test's calls need only the bank's URL: the session's other parts are the signing key and the clock.
    const sessionOn = (url: string): SandboxSession => ({
      bank: { url } as SandboxBank,
      pki,
      time: new MutableClock(Date.now()),
      keyId: `https://tpp.example/certs/qsealc_${sha256FingerprintHex(pki.qsealc.certPem)}`,
    })
    const balances = `/accounts/${LEA_MAIN.resourceId}/balances`

    const first = await spawnSandbox(env)
    let session = sessionOn(first.url)
    const { access_token: token } = await obtainToken(session, LEA)
    expect((await putConsent(session, token, { balances: [LEA_MAIN.iban] })).status).toBe(201)
    for (let i = 0; i < 4; i++)
      expect((await callAis(session, { path: balances, token, unattended: true })).status).toBe(200)
    await first.stop()

    const second = await spawnSandbox(env)
    session = sessionOn(second.url)
    expect((await callAis(session, { path: balances, token })).status).toBe(200)
    const refused = await callAis(session, { path: balances, token, unattended: true })
    expect(refused.status).toBe(403)
    expect(refused.json).toMatchObject({ status: 403, message: 'TMRQ' })
    await second.stop()

    const folder = path.join(dataDir, 'sandbox')
    expect((await stat(folder)).mode & 0o777).toBe(0o700)
    const names = (await readdir(folder)).sort()
    expect(names).toEqual(['consents.json', 'daily-counters.json', 'oauth.json'])
    for (const name of names) expect((await stat(path.join(folder, name))).mode & 0o777).toBe(0o600)
  }, 90_000)

  it('keeps its state in SANDBOX_DATA_DIR when set, apart from the PKI', async () => {
    const elsewhere = path.join(dataDir, 'bank-state', 'nested')
    const bank = await spawnSandbox({ DATA_DIR: dataDir, SANDBOX_DATA_DIR: elsewhere })
    const pki = await loadOrCreateDevPki(path.join(dataDir, 'pki'), { clientId: 'PSDFR-ACPR-SANDBOX' })
    const session: SandboxSession = {
      bank: { url: bank.url } as SandboxBank,
      pki,
      time: new MutableClock(Date.now()),
      keyId: `https://tpp.example/certs/qsealc_${sha256FingerprintHex(pki.qsealc.certPem)}`,
    }
    await obtainToken(session, LEA)
    await bank.stop()
    expect((await stat(elsewhere)).mode & 0o777).toBe(0o700)
    expect(await readdir(elsewhere)).toContain('oauth.json')
  }, 60_000)

  it('with SANDBOX_DATA_DIR=memory counts in memory only: nothing written, a restart starts the day afresh', async () => {
    const memoryDir = await seedDataDir()
    const env = { DATA_DIR: memoryDir, SANDBOX_DATA_DIR: 'memory' }
    const pki = await loadOrCreateDevPki(path.join(memoryDir, 'pki'), { clientId: 'PSDFR-ACPR-SANDBOX' })
    const sessionOn = (url: string): SandboxSession => ({
      bank: { url } as SandboxBank,
      pki,
      time: new MutableClock(Date.now()),
      keyId: `https://tpp.example/certs/qsealc_${sha256FingerprintHex(pki.qsealc.certPem)}`,
    })
    const balances = `/accounts/${LEA_MAIN.resourceId}/balances`
    try {
      const first = await spawnSandbox(env)
      let session = sessionOn(first.url)
      let { access_token: token } = await obtainToken(session, LEA)
      expect((await putConsent(session, token, { balances: [LEA_MAIN.iban] })).status).toBe(201)
      for (let i = 0; i < 4; i++)
        expect((await callAis(session, { path: balances, token, unattended: true })).status).toBe(200)
      expect((await callAis(session, { path: balances, token, unattended: true })).status).toBe(429)
      await first.stop()
      const second = await spawnSandbox(env)
      session = sessionOn(second.url)
      // The token of the first process is gone with it; a new link reads, and its day's count starts at 0.
      ;({ access_token: token } = await obtainToken(session, LEA))
      expect((await putConsent(session, token, { balances: [LEA_MAIN.iban] })).status).toBe(201)
      expect((await callAis(session, { path: balances, token, unattended: true })).status).toBe(200)
      await second.stop()
      expect(await readdir(memoryDir)).not.toContain('sandbox')
      expect(await readdir(memoryDir)).not.toContain('memory')
    } finally {
      await rm(memoryDir, { recursive: true, force: true })
    }
  }, 90_000)
})
