/**
 * Starts a real gateway (HTTP on an ephemeral port) with its embedded sandbox bank, in a fresh DATA_DIR, and talks
 * to it over HTTP like a client would. The sandbox's own counters (its stats) are the referee of every call count.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { request } from 'undici'
import type { Clock } from '../../src/clock.js'
import { loadConfig } from '../../src/config/config.js'
import type { Logger } from '../../src/observability/logger.js'
import { loadOrCreateDevPki } from '../../src/pki/dev-pki.js'
import { startGateway, type Gateway } from '../../src/server.js'

const SHARED_PKI_DIR = path.join(tmpdir(), `stetgw-test-pki-${process.getuid?.() ?? 0}`)

/** RSA key generation is the slow part of a start: make the development PKI once and copy it into each DATA_DIR. */
export async function seedDataDir(): Promise<string> {
  await loadOrCreateDevPki(SHARED_PKI_DIR, { clientId: 'PSDFR-ACPR-SANDBOX' })
  const dataDir = await mkdtemp(path.join(tmpdir(), 'stetgw-data-'))
  await cp(SHARED_PKI_DIR, path.join(dataDir, 'pki'), { recursive: true })
  return dataDir
}

export interface TestGateway {
  readonly gateway: Gateway
  readonly dataDir: string
  query(
    query: string,
    options?: { token?: string; variables?: Record<string, unknown>; headers?: Record<string, string> },
  ): Promise<GraphQLResponse>
  close(options?: { keepData?: boolean }): Promise<void>
}

export interface GraphQLResponse {
  readonly status: number
  readonly data?: Record<string, unknown> | null
  readonly errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[]
  readonly extensions?: Record<string, unknown>
}

export async function startTestGateway(
  env: Record<string, string> = {},
  options: { clock?: Clock; dataDir?: string; logger?: Logger } = {},
): Promise<TestGateway> {
  const dataDir = options.dataDir ?? (await seedDataDir())
  // The refresh scheduler is on by default in sandbox mode; a test that counts calls must not meet a slot by chance.
  const config = loadConfig({
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    REFRESH_SCHEDULE: 'off',
    ...env,
  })
  const gateway = await startGateway(config, {
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  })
  return {
    gateway,
    dataDir,
    query: (query, opts = {}) => postGraphQL(gateway.url, query, opts),
    close: async (closeOptions = {}) => {
      await gateway.close()
      if (closeOptions.keepData !== true && options.dataDir === undefined)
        await rm(dataDir, { recursive: true, force: true })
    },
  }
}

export async function postGraphQL(
  baseUrl: string,
  query: string,
  options: { token?: string; variables?: Record<string, unknown>; headers?: Record<string, string> } = {},
): Promise<GraphQLResponse> {
  const res = await request(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
      ...options.headers,
    },
    body: JSON.stringify({ query, variables: options.variables ?? {} }),
  })
  const body = (await res.body.json()) as Omit<GraphQLResponse, 'status'>
  return { status: res.statusCode, ...body }
}
