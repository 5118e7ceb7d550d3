/**
 * A person links a persona from a browser: Debian's Chromium (playwright-core) opens the sandbox's authorize URL
 * without `psu`, types the PSU id and the sandbox OTP, submits, and lands on a local redirect receiver with `code`
 * and `state`; the code is then exchanged at /token. The network is cut off but for loopback.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Browser } from 'playwright-core'
import { launchOfflineChromium } from '../support/offline-chromium.js'
import { SANDBOX_OTP } from '../../src/sandbox/sandbox-bank.js'
import type { TokenResponse } from '../../src/stet-api/wire.js'
import { OAUTH_AUTHORIZE_PATH, OAUTH_TOKEN_PATH } from '../../src/stet-api/wire.js'
import type { SandboxSession } from '../support/sandbox-session.js'
import { callAis, CLIENT_ID, postForm, startSession } from '../support/sandbox-session.js'
import { LEA } from '../support/sandbox-personas.js'

let session: SandboxSession
let browser: Browser
let receiver: Server
let receiverUrl = ''
/** What reached the redirect receiver, each a full URL. */
const received: string[] = []

beforeAll(async () => {
  session = await startSession()
  receiver = createServer((req, res) => {
    const url = new URL(req.url ?? '/', receiverUrl)
    // The browser also asks for /favicon.ico: only the callback is the redirect.
    if (url.pathname === '/callback') received.push(url.toString())
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    res.end('<!doctype html><title>Linked</title><p id="done">Back at the application.</p>')
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/callback`
  browser = await launchOfflineChromium()
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()))
  await session?.bank.close()
})

function authorizeUrl(state: string): string {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: receiverUrl,
    scope: 'aisp',
    state,
  })
  return `${session.bank.url}${OAUTH_AUTHORIZE_PATH}?${query.toString()}`
}

describe('the login page in Chromium', () => {
  it('fills the form, is refused a wrong OTP, then lands on the redirect receiver with a code that /token accepts', async () => {
    const page = await browser.newPage()
    const state = 'st-"<&>-Z'
    await page.goto(authorizeUrl(state))
    expect(await page.title()).toBe('Sandbox bank: log in')

    await page.fill('#psu', LEA)
    await page.fill('#otp', '11111111')
    await page.click('#login')
    await page.waitForSelector('[role=alert]')
    expect(await page.locator('[role=alert]').innerText()).toContain('Wrong one-time password')
    expect(received).toEqual([])
    // The PSU id typed is kept; the OTP is not.
    expect(await page.inputValue('#psu')).toBe(LEA)
    expect(await page.inputValue('#otp')).toBe('')

    await page.fill('#otp', SANDBOX_OTP)
    await Promise.all([page.waitForURL((url) => url.toString().startsWith(receiverUrl)), page.click('#login')])
    await page.waitForSelector('#done')
    expect(received).toHaveLength(1)
    const landed = new URL(received[0] ?? '')
    expect(`${landed.origin}${landed.pathname}`).toBe(receiverUrl)
    expect(landed.searchParams.get('state')).toBe(state)
    const code = landed.searchParams.get('code') ?? ''
    expect(code).toMatch(/^[A-Za-z0-9_-]{20,}$/)
    await page.close()

    const token = await postForm(session, OAUTH_TOKEN_PATH, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: receiverUrl,
      client_id: CLIENT_ID,
    })
    expect(token.status).toBe(200)
    const tokens = token.json as TokenResponse
    expect(tokens.refresh_token).toEqual(expect.any(String))
    const accounts = await callAis(session, { path: '/accounts', token: tokens.access_token })
    expect(accounts.status).toBe(200)
    expect(JSON.stringify(accounts.json)).toContain('FR7617515000920400430518020')
  }, 60_000)
})
