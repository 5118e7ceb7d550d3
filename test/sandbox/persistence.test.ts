/**
 * The sandbox keeps what a bank keeps under its data folder: a sandbox restarted mid-day with the same folder still
 * knows the tokens it issued (the 180-day refresh token still refreshes, a rotated or revoked one stays dead), the
 * consents it was given, and its daily counts (the 5th unattended call of the day is still refused). The clock is
 * injected; restarts are real (the server closed, a new one started on the same folder).
 */
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { startSandboxBank } from '../../src/sandbox/sandbox-bank.js'
import type { TokenResponse } from '../../src/stet-api/wire.js'
import { OAUTH_REVOKE_PATH, OAUTH_TOKEN_PATH } from '../../src/stet-api/wire.js'
import type { SandboxSession } from '../support/sandbox-session.js'
import {
  callAis,
  CLIENT_ID,
  MutableClock,
  obtainToken,
  postForm,
  putConsent,
  startSession,
  testPki,
} from '../support/sandbox-session.js'
import { LEA, LEA_MAIN, LEA_SECOND } from '../support/sandbox-personas.js'

const MORNING = '2025-11-25T10:00:00.000+01:00'
const balances = `/accounts/${LEA_MAIN.resourceId}/balances`
let root = ''
const open: SandboxSession[] = []

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sandbox-persistence-'))
})
afterEach(async () => {
  for (const session of open.splice(0)) await session.bank.close().catch(() => undefined)
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

let folders = 0
function freshFolder(): string {
  folders++
  return path.join(root, `run-${folders}`, 'sandbox')
}

/** A sandbox on `dataDir`, on the test's clock. */
async function startOn(dataDir: string, time: MutableClock, extra: { dailyLimit?: number } = {}) {
  const session = await startSession({ dataDir, clock: time.clock, ...extra })
  session.time = time
  open.push(session)
  return session
}

async function restart(session: SandboxSession, dataDir: string): Promise<SandboxSession> {
  await session.bank.close()
  open.splice(open.indexOf(session), 1)
  return startOn(dataDir, session.time)
}

function refresh(session: SandboxSession, refreshToken: string) {
  return postForm(session, OAUTH_TOKEN_PATH, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: CLIENT_ID,
  })
}

function unattended(session: SandboxSession, token: string, path = balances) {
  return callAis(session, { path, token, unattended: true })
}

describe('a restart mid-day with the same data folder', () => {
  it('keeps the links: the access token, the consent, and the refresh token with its 180-day horizon', async () => {
    const dataDir = freshFolder()
    const time = new MutableClock(Date.parse(MORNING))
    let session = await startOn(dataDir, time)
    const tokens = await obtainToken(session, LEA)
    const everything = [LEA_MAIN.iban, LEA_SECOND.iban]
    expect((await putConsent(session, tokens.access_token, { balances: everything })).status).toBe(201)

    time.set('2025-11-25T10:20:00.000+01:00')
    session = await restart(session, dataDir)
    // The access token and the consent survived: balances are granted, transactions were not.
    const read = await callAis(session, { path: balances, token: tokens.access_token })
    expect(read.status).toBe(200)
    expect(
      (await callAis(session, { path: `/accounts/${LEA_MAIN.resourceId}/transactions`, token: tokens.access_token }))
        .status,
    ).toBe(403)

    // The access token expired with time, not with the restart; the refresh token still refreshes.
    time.set('2025-11-25T11:30:00.000+01:00')
    expect((await callAis(session, { path: balances, token: tokens.access_token })).status).toBe(401)
    const refreshed = await refresh(session, tokens.refresh_token ?? '')
    expect(refreshed.status).toBe(200)
    const rotated = refreshed.json as TokenResponse
    expect((await callAis(session, { path: balances, token: rotated.access_token })).status).toBe(200)

    // Rotation is kept too: after another restart, the spent refresh token stays spent, the new one works.
    session = await restart(session, dataDir)
    expect((await refresh(session, tokens.refresh_token ?? '')).json).toMatchObject({ error: 'invalid_grant' })
    // 179 days after the SCA: still inside the 180-day life (a rotated token keeps the original horizon).
    time.set('2026-05-23T10:00:00.000+02:00')
    const late = await refresh(session, rotated.refresh_token ?? '')
    expect(late.status).toBe(200)
    // Past 180 days after the SCA (09:00Z on 24 May): expired, restart or not.
    session = await restart(session, dataDir)
    time.set('2026-05-24T12:00:00.000+02:00')
    expect((await refresh(session, (late.json as TokenResponse).refresh_token ?? '')).json).toEqual({
      error: 'invalid_grant',
      error_description: 'refresh token expired',
    })
  })

  it('keeps the counts: the 5th unattended call of the day is still refused after the restart', async () => {
    const dataDir = freshFolder()
    const time = new MutableClock(Date.parse(MORNING))
    let session = await startOn(dataDir, time)
    const { access_token: token } = await obtainToken(session, LEA)
    await putConsent(session, token, { balances: [LEA_MAIN.iban] })
    for (let i = 0; i < 4; i++) expect((await unattended(session, token)).status).toBe(200)

    time.set('2025-11-25T10:40:00.000+01:00')
    session = await restart(session, dataDir)
    expect((await unattended(session, token)).status).toBe(429)
    const key = session.bank.stats().keys.find((k) => k.iban === LEA_MAIN.iban && k.method === 'balances')
    expect(key).toMatchObject({ day: '2025-11-25', batch: 4, refused: 1, present: 0 })
    // The PSU present is still never limited.
    expect((await callAis(session, { path: balances, token })).status).toBe(200)

    // Past midnight in Paris the new day counts from zero, as it would have without the restart.
    time.set('2025-11-26T00:00:01.000+01:00')
    session = await restart(session, dataDir)
    const { access_token: fresh } = await obtainToken(session, LEA)
    expect((await unattended(session, fresh)).status).toBe(200)
    // present: the consent forwarded and the one present read.
    expect(session.bank.stats().totals).toEqual({ batch: 5, present: 2, refused: 1 })
  })

  it('keeps a revocation: a revoked refresh token and its access token stay revoked', async () => {
    const dataDir = freshFolder()
    const time = new MutableClock(Date.parse(MORNING))
    let session = await startOn(dataDir, time)
    const tokens = await obtainToken(session, LEA)
    expect(
      (
        await postForm(session, OAUTH_REVOKE_PATH, {
          token: tokens.refresh_token ?? '',
          token_type_hint: 'refresh_token',
          client_id: CLIENT_ID,
        })
      ).status,
    ).toBe(200)
    session = await restart(session, dataDir)
    // Known and revoked, not unknown: the bank remembers what it revoked.
    expect((await refresh(session, tokens.refresh_token ?? '')).json).toEqual({
      error: 'invalid_grant',
      error_description: 'refresh token revoked',
    })
    const read = await callAis(session, { path: '/accounts', token: tokens.access_token })
    expect(read.status).toBe(401)
    expect(read.json).toMatchObject({ message: 'invalid_token: The access token was revoked' })
    // A call with a token the bank knows reaches it and is counted, even refused.
    expect(session.bank.stats().totals.present).toBe(1)
  })

  it('forgets nothing it answered when the next one starts at once (every answer waits for its write)', async () => {
    const dataDir = freshFolder()
    const time = new MutableClock(Date.parse(MORNING))
    const first = await startOn(dataDir, time)
    const { access_token: token } = await obtainToken(first, LEA)
    await putConsent(first, token, { balances: [LEA_MAIN.iban] })
    // Eight unattended calls at once: four answered, four refused, all of them counted on disk before they answer.
    const statuses = await Promise.all(Array.from({ length: 8 }, () => unattended(first, token)))
    expect(statuses.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 429, 429, 429, 429])
    const saved = JSON.parse(await readFile(path.join(dataDir, 'daily-counters.json'), 'utf8')) as {
      keys: { method: string; batch: number; refused: number }[]
    }
    expect(saved.keys.find((k) => k.method === 'balances')).toMatchObject({ batch: 4, refused: 4 })
  })
})

describe('the data folder', () => {
  it('is created 0700 with files 0600, holding token digests and never the tokens themselves', async () => {
    const dataDir = freshFolder()
    const time = new MutableClock(Date.parse(MORNING))
    const session = await startOn(dataDir, time)
    const tokens = await obtainToken(session, LEA)
    await putConsent(session, tokens.access_token, { balances: [LEA_MAIN.iban] })
    await unattended(session, tokens.access_token)
    await session.bank.flushed()

    expect((await stat(dataDir)).mode & 0o777).toBe(0o700)
    const names = (await readdir(dataDir)).sort()
    expect(names).toEqual(['consents.json', 'daily-counters.json', 'oauth.json'])
    for (const name of names) expect((await stat(path.join(dataDir, name))).mode & 0o777).toBe(0o600)

    const oauth = await readFile(path.join(dataDir, 'oauth.json'), 'utf8')
    expect(oauth).not.toContain(tokens.access_token)
    expect(oauth).not.toContain(tokens.refresh_token ?? '')
    expect(JSON.parse(oauth)).toMatchObject({
      version: 1,
      accessTokens: [{ psuId: LEA, clientId: CLIENT_ID, revoked: false }],
      refreshTokens: [{ psuId: LEA, revoked: false }],
    })
    expect(JSON.parse(await readFile(path.join(dataDir, 'consents.json'), 'utf8'))).toEqual({
      version: 1,
      consents: [
        {
          clientId: CLIENT_ID,
          psuId: LEA,
          accounts: [{ iban: LEA_MAIN.iban, balances: true, transactions: false, overdrafts: false }],
          psuIdentity: false,
        },
      ],
    })
  })

  it('tightens a folder and files that were too open, and removes what an interrupted write left', async () => {
    const dataDir = freshFolder()
    await mkdir(dataDir, { recursive: true, mode: 0o755 })
    await chmod(dataDir, 0o755)
    await writeFile(path.join(dataDir, 'consents.json'), JSON.stringify({ version: 1, consents: [] }), { mode: 0o644 })
    await writeFile(path.join(dataDir, 'oauth.json.1a2b3c.tmp'), '{"half a', { mode: 0o600 })
    const session = await startOn(dataDir, new MutableClock(Date.parse(MORNING)))
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700)
    expect((await stat(path.join(dataDir, 'consents.json'))).mode & 0o777).toBe(0o600)
    expect(await readdir(dataDir)).toEqual(['consents.json'])
    await session.bank.close()
  })

  it('refuses to start on a state file it cannot read, naming it, rather than starting afresh in silence', async () => {
    const dataDir = freshFolder()
    await mkdir(dataDir, { recursive: true, mode: 0o700 })
    await writeFile(path.join(dataDir, 'daily-counters.json'), '{"version":1,"keys":[{"day":"yesterday"}]}')
    const start = startSandboxBank({ clientId: CLIENT_ID, tppCertificatePem: testPki().qsealc.certPem, dataDir })
    await expect(start).rejects.toThrow(/daily-counters\.json cannot be read/)
    await writeFile(path.join(dataDir, 'daily-counters.json'), '{"version":1,')
    await expect(
      startSandboxBank({ clientId: CLIENT_ID, tppCertificatePem: testPki().qsealc.certPem, dataDir }),
    ).rejects.toThrow(/daily-counters\.json is not valid JSON/)
  })
})
