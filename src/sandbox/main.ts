/**
 * `npm run sandbox`: the sandbox bank as its own process. Being a process entry, it is the one sandbox file that reads
 * `process.env`: SANDBOX_PORT (4010), DATA_DIR (./data), STET_DEV_PKI_DIR (DATA_DIR/pki: the development PKI whose
 * QSealC it trusts; point the gateway's STET_DEV_PKI_DIR at the same folder), SANDBOX_DATA_DIR (the bank's
 * tokens, consents and daily counters; default DATA_DIR/sandbox, i.e. ./data/sandbox; `memory`: kept in memory only,
 * gone at exit, as the benchmark's bank runs), STET_CLIENT_ID
 * (PSDFR-ACPR-SANDBOX), SANDBOX_TLS (`true` for HTTPS + mTLS; plain HTTP otherwise), SANDBOX_LATENCY_MS (0),
 * SANDBOX_DAILY_LIMIT (4), SANDBOX_LIMIT_ANSWER (`429` or `403-TMRQ`), SANDBOX_BENCH_PERSONAS (`true` adds the
 * benchmark personas, personas.ts).
 */
import { join, resolve } from 'node:path'
import { loadOrCreateDevPki, sha256FingerprintHex } from '../pki/dev-pki.js'
import type { LimitAnswer } from './sandbox-bank.js'
import { startSandboxBank } from './sandbox-bank.js'

function limitAnswerOf(raw: string | undefined): LimitAnswer {
  if (raw === undefined || raw === '' || raw === '429') return '429'
  if (raw === '403-TMRQ') return raw
  throw new TypeError(`SANDBOX_LIMIT_ANSWER must be 429 or 403-TMRQ (got "${raw}")`)
}

async function main(): Promise<void> {
  const port = Number(process.env.SANDBOX_PORT ?? '4010')
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError('SANDBOX_PORT must be a port number')
  const dataDir = process.env.DATA_DIR ?? './data'
  const clientId = process.env.STET_CLIENT_ID ?? 'PSDFR-ACPR-SANDBOX'
  const useTls = process.env.SANDBOX_TLS === 'true'
  const latencyMs = Number(process.env.SANDBOX_LATENCY_MS ?? '0')
  if (!Number.isInteger(latencyMs) || latencyMs < 0)
    throw new TypeError('SANDBOX_LATENCY_MS must be a non-negative integer')
  const dailyLimit = Number(process.env.SANDBOX_DAILY_LIMIT ?? '4')
  const limitAnswer = limitAnswerOf(process.env.SANDBOX_LIMIT_ANSWER)
  // As in the gateway's embedded sandbox (DATA_DIR/sandbox).
  const sandboxDataDir = process.env.SANDBOX_DATA_DIR || join(dataDir, 'sandbox')
  const memoryOnly = sandboxDataDir === 'memory'
  const pkiDir = process.env.STET_DEV_PKI_DIR || join(dataDir, 'pki')
  const pki = await loadOrCreateDevPki(pkiDir, { clientId })
  const bank = await startSandboxBank({
    port,
    clientId,
    tppCertificatePem: pki.qsealc.certPem,
    latencyMs,
    dailyLimit,
    limitAnswer,
    ...(memoryOnly ? {} : { dataDir: sandboxDataDir }),
    benchPersonas: process.env.SANDBOX_BENCH_PERSONAS === 'true',
    tls: useTls ? { keyPem: pki.server.keyPem, certPem: pki.server.certPem, caPem: pki.caCertPem } : undefined,
  })
  process.stdout.write(
    `sandbox bank listening on ${bank.url} (client_id ${clientId}, trusting the QSealC in ${resolve(pkiDir)}, sha256 ${sha256FingerprintHex(pki.qsealc.certPem)}, state ${memoryOnly ? 'in memory only' : `in ${resolve(sandboxDataDir)}`})\n`,
  )
  const stop = () => {
    bank.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
}

main().catch((error: unknown) => {
  process.stderr.write(`sandbox bank failed to start: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
