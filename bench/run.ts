/**
 * `npm run bench` (issue 7): in one session on one machine, the gateway (V2 cold, V2w warm) side by side with what a
 * user would otherwise build (V0 a REST aggregator, V1 naive Apollo + type-graphql), against the sandbox bank run as
 * its own process with a fixed latency, for each latency of BENCH_LATENCIES (default 10,50 ms). Variants run
 * interleaved (V0 V1 V2 V2w, then reversed), repeated; medians with min–max. Writes bench/RESULTS.md,
 * bench/results.json and bench/throughput-latency.png. Bounded: a watchdog kills everything past the profile's limit.
 *
 * Profiles (BENCH_PROFILE): quick (default, ≤ 8 min) and full.
 *
 * Targeted cells (issue 16: before/after of one change without the whole run): BENCH_QUERIES and BENCH_VARIANTS, comma
 * lists (`BENCH_QUERIES=tx20 BENCH_VARIANTS=V0,V2`), run only those, still interleaved, and print a summary instead of
 * rewriting bench/RESULTS.md (the JSON goes to a file in the system's temporary folder, named at the end). A query
 * only some variants answer (the sync: the gateway's) skips the others' cells.
 */
import { execFileSync } from 'node:child_process'
import { connect } from 'node:net'
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createClient } from 'redis'
import { request } from 'undici'
import { issueDevToken, loadOrCreateDevSigningKey } from '../src/auth/dev-token.js'
import { GATEWAY_NODE_FLAGS } from '../src/observability/heap-growth.js'
import { loadOrCreateDevPki } from '../src/pki/dev-pki.js'
import type { SandboxStats } from '../src/sandbox/sandbox-bank.js'
import { renderChart } from './chart.js'
import { closedLoop, openLoop, percentile } from './load.js'
import type { RequestSource, RequestSpec } from './load.js'
import { cpuTicks, CLOCK_TICKS_PER_SECOND, peakRssMb, resetPeakRss } from './proc-stats.js'
import { CAN_PIN, killAll, loopDelay, spawnChild, stopAll, waitReady } from './processes.js'
import type { Child } from './processes.js'
import {
  appliesTo,
  GRAPHQL,
  JSON_CACHE_VARIANTS,
  loadPsusOf,
  OPTIONAL_VARIANTS,
  psusOf,
  QUERIES,
  REDIS_VARIANTS,
  requestFor,
  serverKindOf,
  VARIANTS,
  WARM_VARIANTS,
} from './queries.js'
import type { QueryDef, VariantId } from './queries.js'
import type { BenchResults, CountSample, LatencyRun, LatencySample, SaturationSample } from './results.js'
import { writeResults } from './report.js'

const here = path.dirname(fileURLToPath(import.meta.url))
/** dist-bench/bench → the repository root. */
const root = path.resolve(here, '..', '..')
const distSrc = path.resolve(here, '..', 'src')
const CLIENT_ID = 'PSDFR-ACPR-SANDBOX'

interface Profile {
  readonly name: string
  readonly warmupMs: number
  readonly measureMs: number
  readonly reps: number
  readonly connections: number
  readonly graceMs: number
  readonly hardLimitMs: number
}

const PROFILES = {
  quick: {
    name: 'quick',
    warmupMs: 500,
    measureMs: 1500,
    reps: 2,
    connections: 64,
    graceMs: 2000,
    hardLimitMs: 20 * 60_000,
  },
  full: {
    name: 'full',
    warmupMs: 2000,
    measureMs: 6000,
    reps: 3,
    connections: 64,
    graceMs: 5000,
    hardLimitMs: 75 * 60_000,
  },
} as const satisfies Record<string, Profile>

const profile: Profile = process.env.BENCH_PROFILE === 'full' ? PROFILES.full : PROFILES.quick
const latencies = (process.env.BENCH_LATENCIES ?? '10,50').split(',').map(Number)
/** `all` unless `list` names some of `all` or of `optional`, in that order. */
function selected<T extends string>(
  all: readonly T[],
  list: string | undefined,
  what: string,
  optional: readonly T[] = [],
): readonly T[] {
  if (list === undefined || list === '') return all
  const names = list.split(',')
  const known = [...all, ...optional]
  const unknown = names.filter((name) => !known.includes(name as T))
  if (unknown.length > 0) throw new Error(`unknown ${what}: ${unknown.join(', ')} (known: ${known.join(', ')})`)
  return known.filter((name) => names.includes(name))
}
const variantsRun = selected(VARIANTS, process.env.BENCH_VARIANTS, 'variant', OPTIONAL_VARIANTS)
const queriesRun = QUERIES.filter((q) =>
  selected(
    QUERIES.map((x) => x.id),
    process.env.BENCH_QUERIES,
    'query',
  ).includes(q.id),
)
const targeted =
  variantsRun.length !== VARIANTS.length ||
  variantsRun.some((v) => !VARIANTS.includes(v)) ||
  queriesRun.length < QUERIES.length
/** Connections from each server to the bank (gateway STET_MAX_CONNECTIONS, baselines' undici Agent). */
const BANK_CONNECTIONS = '128'
const SERVER_CORE = 1
const DRIVER_CORE = 0

const watchdog = setTimeout(() => {
  process.stderr.write(`bench: hard time limit (${profile.hardLimitMs / 60_000} min) reached, stopping\n`)
  killAll()
  process.exit(2)
}, profile.hardLimitMs)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAll()
    process.exit(130)
  })
}
process.once('exit', killAll)

function log(message: string): void {
  process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`)
}

async function bankStats(bankUrl: string): Promise<SandboxStats['totals']> {
  const res = await request(`${bankUrl}/sandbox/stats`)
  return ((await res.body.json()) as SandboxStats).totals
}

/** What `npm run token` prints, made in this process (the cold pools need one token per PSU: 80 per gateway). */
async function devToken(dataDir: string, psu: string, present: boolean): Promise<string> {
  const key = await loadOrCreateDevSigningKey(dataDir)
  return issueDevToken(key, { psuId: psu, present, banks: [] }, { clock: Date.now, ttlSeconds: 43_200 })
}

async function post(origin: string, spec: RequestSpec): Promise<{ status: number; text: string }> {
  const res = await request(`${origin}${spec.path}`, {
    method: spec.method,
    headers: spec.headers,
    ...(spec.body === undefined ? {} : { body: spec.body }),
  })
  return { status: res.statusCode, text: await res.body.text() }
}

interface Server {
  readonly variant: VariantId
  readonly child: Child
  readonly url: string
  /** Bearer per query and PSU (`query|psu`, V2/V2w); empty for V0/V1. */
  readonly tokens: Map<string, string>
}

const median = (values: readonly number[]): number => percentile(values, 50)

async function benchLatency(latencyMs: number, work: string, pkiDir: string): Promise<LatencyRun> {
  log(`latency ${latencyMs} ms: starting the bank and the four servers`)
  const bankDir = path.join(work, `bank-${latencyMs}`)
  await cp(pkiDir, path.join(bankDir, 'pki'), { recursive: true })
  // BENCH_BANK_CPU_PROF=<dir>: the bank under --cpu-prof (is the bank, not the server under test, setting the pace?).
  const bankProf = process.env.BENCH_BANK_CPU_PROF
  const bank = spawnChild(
    'bank',
    [
      ...(bankProf === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${bankProf}`]),
      path.join(distSrc, 'sandbox', 'main.js'),
    ],
    {
      SANDBOX_PORT: '0',
      SANDBOX_LATENCY_MS: String(latencyMs),
      SANDBOX_BENCH_PERSONAS: 'true',
      // The referee counts in memory: rewriting and fsyncing its whole counter file after every call was 39 % of the
      // bank's CPU once every connection read its own PSU, and set the cold cells' pace (issue 16).
      SANDBOX_DATA_DIR: 'memory',
      DATA_DIR: bankDir,
      STET_CLIENT_ID: CLIENT_ID,
    },
    DRIVER_CORE,
  )
  const bankUrl = await bank.nextLine((line) => /listening on (\S+)/.exec(line)?.[1], 30_000)

  const baselineEnv = (psus: string[]) => ({
    BANK_URL: bankUrl,
    PKI_DIR: path.join(bankDir, 'pki'),
    STET_CLIENT_ID: CLIENT_ID,
    PSUS: psus.join(','),
    BANK_CONNECTIONS,
    PORT: '0',
  })
  const gatewayEnv = async (variant: VariantId): Promise<Record<string, string>> => {
    const dataDir = path.join(work, `${variant}-${latencyMs}`)
    await cp(pkiDir, path.join(dataDir, 'pki'), { recursive: true })
    return {
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      STET_BASE_URL: bankUrl,
      STET_CLIENT_ID: CLIENT_ID,
      STET_MAX_CONNECTIONS: BANK_CONNECTIONS,
      SANDBOX_PERSONAS: 'true',
      SANDBOX_PERSONA_IDS: psusOf(variant).join(','),
      LOG_LEVEL: 'warn',
    }
  }
  // V2w-redis: the gateway on its own Redis (no other client on it, so its command count is the gateway's alone).
  const redisPort = 20_000 + Math.floor(Math.random() * 20_000)
  const redisServer = spawnChild(
    'redis',
    ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {},
    DRIVER_CORE,
    'redis-server',
  )
  await redisServer.nextLine((line) => (line.includes('Ready to accept connections') ? true : undefined), 30_000)
  const redisUrl = `redis://127.0.0.1:${redisPort}`
  const redis = createClient({ url: redisUrl })
  // Its failures surface as the rejected INFO; the store stopping at the end of the session is not one.
  redis.on('error', () => {})
  await redis.connect()
  /** Commands the store has processed, less the INFO commands of this count itself. */
  let infoCalls = 0
  const storeCommands = async (): Promise<number> => {
    const info = await redis.info('stats')
    infoCalls++
    return Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? 'NaN') - infoCalls
  }

  /**
   * Round trips to the store: the commands a client sent, read from MONITOR (commands a Lua script runs inside the
   * store are listed as `[0 lua]` and are not round trips). Only during the counting pass: MONITOR slows Redis down.
   */
  const monitorStore = async (): Promise<{ sent: () => number; close: () => void }> => {
    const socket = connect(redisPort, '127.0.0.1')
    let sent = 0
    let partial = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\r\n')
      partial = lines.pop() ?? ''
      for (const line of lines) if (/^\+\d+\.\d+ \[\d+ \d/.test(line)) sent++
    })
    socket.on('error', () => {})
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
    socket.write('MONITOR\r\n')
    await new Promise((resolve) => setTimeout(resolve, 100))
    return { sent: () => sent, close: () => socket.destroy() }
  }

  const scriptOf = { rest: 'serve-v0.js', apollo: 'serve-v1.js', gateway: 'serve-gateway.js' } as const
  const envOf = async (variant: VariantId): Promise<Record<string, string>> => {
    const psus = psusOf(variant)
    if (serverKindOf(variant) !== 'gateway')
      return { ...baselineEnv(psus), BANK_MEMORY: variant === 'V0m' || variant === 'V1m' ? 'true' : 'false' }
    const env = {
      ...(await gatewayEnv(variant)),
      // bench/serve-gateway.ts passes it to startGateway (not a gateway setting).
      ...(JSON_CACHE_VARIANTS.has(variant) ? { BENCH_CACHE_ENCODING: 'json' } : {}),
    }
    if (!REDIS_VARIANTS.has(variant)) return env
    // Both Redis variants share the bench's redis-server under prefixes of their own.
    const prefix = variant === 'V2w-redis' ? 'bench:' : `bench-${variant}:`
    return { ...env, STORE_URL: redisUrl, STORE_PREFIX: prefix, QUOTA_TRUST_EMPTY_STORE: 'true' }
  }
  const servers = new Map<VariantId, Server>()
  const starts: [VariantId, Child][] = []
  for (const variant of variantsRun) {
    const script = path.join(here, scriptOf[serverKindOf(variant)])
    // The gateway as `npm start` runs it (its V8 flags); the baselines as plain `node`.
    const flags = serverKindOf(variant) === 'gateway' ? GATEWAY_NODE_FLAGS : []
    starts.push([variant, spawnChild(variant, [...flags, script], await envOf(variant), SERVER_CORE)])
  }
  for (const [variant, child] of starts) {
    servers.set(variant, { variant, child, url: await waitReady(child), tokens: new Map() })
  }

  // Tokens: V2 present everywhere but the unattended query (partner); V2w and V2w-redis partner everywhere, after a
  // warming pass with a present token. The in-memory floors (V0m, V1m) are warmed by the same pass, PSU present.
  for (const variant of variantsRun) {
    const server = servers.get(variant)
    if (server === undefined) continue
    const gateway = serverKindOf(variant) === 'gateway'
    const dataDir = path.join(work, `${variant}-${latencyMs}`)
    if (gateway) {
      for (const query of QUERIES.filter((q) => appliesTo(q, variant))) {
        const partner = WARM_VARIANTS.has(variant) || !query.present
        for (const psu of new Set([query.psu(variant), ...loadPsusOf(variant, query)]))
          server.tokens.set(`${query.id}|${psu}`, await devToken(dataDir, psu, !partner))
      }
    }
    if (!WARM_VARIANTS.has(variant)) continue
    for (const query of queriesRun.filter((q) => appliesTo(q, variant))) {
      const present = gateway ? await devToken(dataDir, query.psu(variant), true) : ''
      const warming = requestFor(variant, { ...query, present: true }, present, query.psu(variant), true)
      const answer = await post(server.url, warming)
      if (answer.status !== 200 || answer.text.includes('"errors":'))
        throw new Error(`${variant} warming ${query.id}: ${answer.status} ${answer.text.slice(0, 300)}`)
    }
  }
  const spec = (variant: VariantId, query: QueryDef, psu = query.psu(variant)): RequestSpec => {
    const server = servers.get(variant)
    if (server === undefined) throw new Error(`no server ${variant}`)
    return requestFor(variant, query, server.tokens.get(`${query.id}|${psu}`) ?? '', psu)
  }
  /** The load of a cell: one PSU per connection (or per send, in turn) on the cold variants' present queries. */
  const loadOf = (variant: VariantId, query: QueryDef): RequestSource => {
    const specs = loadPsusOf(variant, query).map((psu) => spec(variant, query, psu))
    return (index: number) => specs[index % specs.length] ?? spec(variant, query)
  }
  const serverOf = (variant: VariantId): Server => {
    const server = servers.get(variant)
    if (server === undefined) throw new Error(`no server ${variant}`)
    return server
  }

  // Counting pass: one operation at a time (ten for the unattended dashboard), the bank's counters as referee.
  const counts: CountSample[] = []
  for (const query of queriesRun) {
    for (const variant of variantsRun.filter((v) => appliesTo(query, v))) {
      const before = await bankStats(bankUrl)
      const commandsBefore = variant === 'V2w-redis' ? await storeCommands() : 0
      const monitor = variant === 'V2w-redis' ? await monitorStore() : undefined
      let good = 0
      let sample = ''
      for (let i = 0; i < query.countReps; i++) {
        const answer = await post(serverOf(variant).url, spec(variant, query))
        if (answer.status === 200 && !answer.text.includes('"errors":')) good++
        else sample = `${answer.status} ${answer.text.slice(0, 160)}`
      }
      const after = await bankStats(bankUrl)
      await new Promise((resolve) => setTimeout(resolve, monitor === undefined ? 0 : 100))
      const roundTrips = monitor?.sent()
      monitor?.close()
      const commands = variant === 'V2w-redis' ? (await storeCommands()) - commandsBefore : undefined
      const calls = after.batch + after.present - before.batch - before.present
      counts.push({
        query: query.id,
        variant,
        ops: query.countReps,
        good,
        calls,
        refused: after.refused - before.refused,
        firstError: sample,
        ...(commands === undefined ? {} : { storeCommands: commands }),
        ...(roundTrips === undefined ? {} : { storeRoundTrips: roundTrips }),
      })
    }
  }
  log(`latency ${latencyMs} ms: counting pass done`)

  const order = (rep: number, query: QueryDef): readonly VariantId[] => {
    const asked = variantsRun.filter((v) => appliesTo(query, v))
    return rep % 2 === 0 ? asked : asked.reverse()
  }
  const saturation: SaturationSample[] = []
  const fixedLoad: LatencySample[] = []
  for (const query of queriesRun) {
    for (let rep = 0; rep < profile.reps; rep++) {
      for (const variant of order(rep, query)) {
        const server = serverOf(variant)
        let ticks = 0
        let stats = { batch: 0, present: 0, refused: 0 }
        let statsAfter = stats
        const result = await closedLoop(
          server.url,
          loadOf(variant, query),
          { connections: query.connections, warmupMs: profile.warmupMs, durationMs: profile.measureMs },
          {
            onStart: async () => {
              ticks = cpuTicks(server.child.pid)
              resetPeakRss(server.child.pid)
              stats = await bankStats(bankUrl)
            },
            onEnd: async () => {
              ticks = cpuTicks(server.child.pid) - ticks
              statsAfter = await bankStats(bankUrl)
            },
          },
        )
        const responses = result.completed + result.failed
        saturation.push({
          query: query.id,
          variant,
          rep,
          rps: result.rps,
          responsesPerSecond: responses / result.seconds,
          failed: result.failed,
          cpuUsPerOp: responses === 0 ? Number.NaN : (ticks * 1e6) / CLOCK_TICKS_PER_SECOND / responses,
          callsPerOp:
            responses === 0
              ? Number.NaN
              : (statsAfter.batch + statsAfter.present - stats.batch - stats.present) / responses,
          refused: statsAfter.refused - stats.refused,
          peakRssMb: peakRssMb(server.child.pid),
        })
      }
    }
    // The fixed offered load: half the slowest cold variant's saturation rate, so every variant runs below saturation
    // (the sync: V2's, its only cold variant).
    const coldRates = (['V0', 'V1', 'V2'] as const)
      .filter((v) => variantsRun.includes(v) && appliesTo(query, v))
      .map((v) =>
        median(saturation.filter((s) => s.query === query.id && s.variant === v).map((s) => s.responsesPerSecond)),
      )
    // BENCH_FIXED_RATE: a targeted run's own rate (to compare with another run at the same load).
    const fixedRate = Number(process.env.BENCH_FIXED_RATE ?? 'NaN')
    const rate = Number.isFinite(fixedRate)
      ? fixedRate
      : Math.max(5, Math.min(2000, Math.floor(0.5 * Math.min(...(coldRates.length === 0 ? [200] : coldRates)))))
    for (let rep = 0; rep < profile.reps; rep++) {
      for (const variant of order(rep, query)) {
        const server = serverOf(variant)
        let stats = { batch: 0, present: 0, refused: 0 }
        let statsAfter = stats
        let eld = { p50Ms: Number.NaN, p99Ms: Number.NaN, maxMs: Number.NaN }
        let ticks = 0
        let commands = 0
        const result = await openLoop(
          server.url,
          loadOf(variant, query),
          { rate, warmupMs: profile.warmupMs, durationMs: profile.measureMs, graceMs: profile.graceMs },
          {
            onStart: async () => {
              ticks = cpuTicks(server.child.pid)
              resetPeakRss(server.child.pid)
              await loopDelay(server.child)
              stats = await bankStats(bankUrl)
              if (variant === 'V2w-redis') commands = await storeCommands()
            },
            onEnd: async () => {
              ticks = cpuTicks(server.child.pid) - ticks
              eld = await loopDelay(server.child)
              statsAfter = await bankStats(bankUrl)
              if (variant === 'V2w-redis') commands = (await storeCommands()) - commands
            },
          },
        )
        const floor = query.depth * latencyMs
        fixedLoad.push({
          query: query.id,
          variant,
          rep,
          rate,
          p50Ms: percentile(result.latenciesMs, 50),
          p99Ms: percentile(result.latenciesMs, 99),
          addedP50Ms: percentile(result.latenciesMs, 50) - floor,
          addedP99Ms: percentile(result.latenciesMs, 99) - floor,
          sent: result.sent,
          failed: result.failed,
          unanswered: result.unanswered,
          refused: statsAfter.refused - stats.refused,
          cpuUsPerOp:
            result.latenciesMs.length === 0
              ? Number.NaN
              : (ticks * 1e6) / CLOCK_TICKS_PER_SECOND / result.latenciesMs.length,
          callsPerOp:
            result.latenciesMs.length === 0
              ? Number.NaN
              : (statsAfter.batch + statsAfter.present - stats.batch - stats.present) / result.latenciesMs.length,
          eldP99Ms: eld.p99Ms,
          peakRssMb: peakRssMb(server.child.pid),
          ...(variant === 'V2w-redis' && result.latenciesMs.length > 0
            ? { storeCommandsPerOp: commands / result.latenciesMs.length }
            : {}),
        })
      }
    }
    log(`latency ${latencyMs} ms: ${query.id} done (fixed load ${rate}/s)`)
  }
  // Each cell resets VmHWM at its start (clear_refs): the session's peak is the highest of the cells' and the last one.
  const lifetimePeakRssMb: Partial<Record<VariantId, number>> = {}
  for (const [variant, server] of servers) {
    const cells = [...saturation, ...fixedLoad].filter((s) => s.variant === variant).map((s) => s.peakRssMb)
    lifetimePeakRssMb[variant] = Math.max(peakRssMb(server.child.pid), ...cells)
  }
  await redis.close()
  await stopAll()
  return { latencyMs, counts, saturation, fixedLoad, lifetimePeakRssMb }
}

async function packageVersion(name: string): Promise<string> {
  // Straight from the file: some packages' `exports` maps do not expose their package.json to require().
  try {
    const raw = await readFile(path.join(root, 'node_modules', name, 'package.json'), 'utf8')
    return (JSON.parse(raw) as { version?: string }).version ?? 'unknown'
  } catch {
    return 'unknown'
  }
}

async function machine(): Promise<BenchResults['machine']> {
  const cpuinfo = execFileSync('cat', ['/proc/cpuinfo'], { encoding: 'utf8' })
  const meminfo = execFileSync('cat', ['/proc/meminfo'], { encoding: 'utf8' })
  const memKb = Number(/^MemTotal:\s+(\d+)/m.exec(meminfo)?.[1] ?? 'NaN')
  return {
    // --all: the orchestrator itself may run pinned to one core.
    nproc: Number(execFileSync('nproc', ['--all'], { encoding: 'utf8' }).trim()),
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? 'unknown',
    memoryGb: Math.round((memKb / 1024 / 1024) * 10) / 10,
    kernel: execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim(),
    pinned: CAN_PIN,
  }
}

async function main(): Promise<void> {
  const startedAt = Date.now()
  if (CAN_PIN) execFileSync('taskset', ['-pc', String(DRIVER_CORE), String(process.pid)], { stdio: 'ignore' })
  const work = await mkdtemp(path.join(tmpdir(), 'stetgw-bench-'))
  try {
    log(`profile ${profile.name}, latencies ${latencies.join(', ')} ms, ${profile.reps} repetitions, work dir ${work}`)
    const pkiDir = path.join(work, 'pki')
    await loadOrCreateDevPki(pkiDir, { clientId: CLIENT_ID })
    const runs: LatencyRun[] = []
    for (const latencyMs of latencies) runs.push(await benchLatency(latencyMs, work, pkiDir))
    const versions: Record<string, string> = {}
    for (const name of ['@apollo/server', 'graphql', 'type-graphql', 'undici', 'dataloader', 'keyv'])
      versions[name] = await packageVersion(name)
    const results: BenchResults = {
      date: new Date(startedAt).toISOString(),
      durationS: Math.round((Date.now() - startedAt) / 1000),
      profile: { ...profile },
      machine: await machine(),
      node: process.version,
      versions,
      queries: QUERIES.map((q) => ({
        id: q.id,
        title: q.title,
        minCalls: q.minCalls,
        depth: q.depth,
        countReps: q.countReps,
        connections: q.connections,
        ...(q.variants === undefined ? {} : { variants: VARIANTS.filter((v) => appliesTo(q, v)) }),
        graphql: q.id === 'unattended' ? GRAPHQL.dashboard : GRAPHQL[q.id],
      })),
      runs,
    }
    if (targeted) {
      const file = path.join(tmpdir(), `stetgw-bench-targeted-${startedAt}.json`)
      await writeFile(file, `${JSON.stringify(results, null, 1)}\n`)
      process.stdout.write(targetedSummary(results))
      log(`done in ${results.durationS} s (targeted cells; bench/RESULTS.md untouched): ${file}`)
      return
    }
    const benchDir = path.join(root, 'bench')
    await writeFile(path.join(benchDir, 'results.json'), `${JSON.stringify(results, null, 1)}\n`)
    await renderChart(results, path.join(benchDir, 'throughput-latency.png'))
    await writeResults(results, path.join(benchDir, 'RESULTS.md'))
    log(`done in ${results.durationS} s: bench/RESULTS.md, bench/results.json, bench/throughput-latency.png`)
  } finally {
    await stopAll()
    await rm(work, { recursive: true, force: true })
    clearTimeout(watchdog)
  }
}

/** A targeted run's medians, one line per cell (the full report needs every variant and query). */
function targetedSummary(results: BenchResults): string {
  const lines: string[] = []
  for (const run of results.runs) {
    lines.push(
      `bank ${run.latencyMs} ms: query variant | sat req/s | sat CPU µs/op | fixed CPU µs/op | added p50 ms | calls/op sat/fixed | peak RSS MB`,
    )
    for (const query of queriesRun) {
      for (const variant of variantsRun.filter((v) => appliesTo(query, v))) {
        const sat = run.saturation.filter((s) => s.query === query.id && s.variant === variant)
        const fix = run.fixedLoad.filter((s) => s.query === query.id && s.variant === variant)
        const m = (values: number[], digits = 0): string => median(values).toFixed(digits)
        lines.push(
          `  ${query.id} ${variant} | ${m(sat.map((s) => s.rps))} | ${m(sat.map((s) => s.cpuUsPerOp))} | ${m(fix.map((s) => s.cpuUsPerOp))} | ${m(
            fix.map((s) => s.addedP50Ms),
            1,
          )} | ${m(
            sat.map((s) => s.callsPerOp),
            2,
          )}/${m(
            fix.map((s) => s.callsPerOp),
            2,
          )} | ${Math.max(...sat.map((s) => s.peakRssMb), ...fix.map((s) => s.peakRssMb)).toFixed(0)}`,
        )
      }
    }
    lines.push(...encodingRatios(run))
  }
  return `${lines.join('\n')}\n`
}

/** Issue 18's before/after: each compact-cache variant's medians ÷ its plain-JSON twin's, when both ran. */
function encodingRatios(run: LatencyRun): string[] {
  const pairs = (
    [
      ['V2w', 'V2w-json'],
      ['V2w-redis', 'V2w-redis-json'],
    ] as const
  ).filter(([compact, json]) => variantsRun.includes(compact) && variantsRun.includes(json))
  if (pairs.length === 0) return []
  const lines = ['  compact ÷ plain JSON cache: query pair | sat CPU/op | fixed CPU/op | sat req/s']
  for (const query of queriesRun) {
    for (const [compact, json] of pairs) {
      const ratio = <S extends SaturationSample | LatencySample>(
        cells: readonly S[],
        pick: (s: S) => number,
      ): string => {
        const of = (variant: VariantId): number =>
          median(cells.filter((s) => s.query === query.id && s.variant === variant).map(pick))
        return (of(compact) / of(json)).toFixed(2)
      }
      const sat = ratio(run.saturation, (s) => s.cpuUsPerOp)
      const fixed = ratio(run.fixedLoad, (s) => s.cpuUsPerOp)
      lines.push(`  ${query.id} ${compact} ÷ ${json} | ${sat} | ${fixed} | ${ratio(run.saturation, (s) => s.rps)}`)
    }
  }
  return lines
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  killAll()
  process.exit(1)
})
