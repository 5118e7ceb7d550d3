/**
 * `npm run bench:profile -- [query] [variant] [seconds] [connections]`: one server under `node --cpu-prof` against the sandbox bank
 * (10 ms latency, benchmark personas), a closed loop on one query (1 connection by default: with more, concurrent
 * identical reads share bank calls in the gateway and the profile is no longer a cold one), then the profile summarised: the
 * functions with the most self time, and the share of time under a few functions we watch. Defaults: tx20 V2 8 s.
 * The .cpuprofile stays in the work folder printed at the end (open it in Chrome's DevTools).
 */
import { cp, mkdir, mkdtemp, readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { issueDevToken, loadOrCreateDevSigningKey } from '../src/auth/dev-token.js'
import { GATEWAY_NODE_FLAGS } from '../src/observability/heap-growth.js'
import { loadOrCreateDevPki } from '../src/pki/dev-pki.js'
import { closedLoop, type RequestSpec } from './load.js'
import { peakRssMb, resetPeakRss, rssSplitMb, threadTicks, type ThreadCpu } from './proc-stats.js'
import { killAll, spawnChild, waitReady } from './processes.js'
import { loadPsusOf, psusOf, QUERIES, requestFor, type VariantId } from './queries.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const distSrc = path.resolve(here, '..', 'src')
const CLIENT_ID = 'PSDFR-ACPR-SANDBOX'
const [queryId = 'tx20', variantArg = 'V2', secondsArg = '8', connectionsArg = '1'] = process.argv.slice(2)
const variant = variantArg as VariantId
const query = QUERIES.find((q) => q.id === queryId)
if (query === undefined || !['V0', 'V1', 'V2', 'V2w', 'V2w-redis', 'V0m', 'V1m'].includes(variant)) {
  process.stderr.write(
    `usage: npm run bench:profile -- [${QUERIES.map((q) => q.id).join('|')}] [V0|V1|V2|V2w|V2w-redis|V0m|V1m] [s] [connections]\n`,
  )
  process.exit(2)
}
process.once('exit', killAll)
setTimeout(() => {
  process.stderr.write('bench:profile: time limit reached\n')
  process.exit(2)
}, 240_000).unref()

const work = await mkdtemp(path.join(tmpdir(), 'stetgw-profile-'))
const pkiDir = path.join(work, 'pki')
await loadOrCreateDevPki(pkiDir, { clientId: CLIENT_ID })
const bank = spawnChild(
  'bank',
  [path.join(distSrc, 'sandbox', 'main.js')],
  {
    SANDBOX_PORT: '0',
    SANDBOX_LATENCY_MS: '10',
    SANDBOX_BENCH_PERSONAS: 'true',
    SANDBOX_DATA_DIR: 'memory', // as bench/run.ts: the referee counts in memory
    DATA_DIR: work,
    STET_CLIENT_ID: CLIENT_ID,
  },
  0,
)
const bankUrl = await bank.nextLine((line) => /listening on (\S+)/.exec(line)?.[1], 30_000)
const dataDir = path.join(work, 'server')
await cp(pkiDir, path.join(dataDir, 'pki'), { recursive: true })
const psus = psusOf(variant)
/** V2w-redis: the gateway on a redis-server of its own, started here (REDIS_MONITOR=1 prints its commands of one operation). */
const redisPort = 20_000 + Math.floor(Math.random() * 20_000)
if (variant === 'V2w-redis') {
  const redis = spawnChild(
    'redis',
    ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {},
    0,
    'redis-server',
  )
  await redis.nextLine((line) => (line.includes('Ready to accept connections') ? true : undefined), 30_000)
}
if (variant === 'V2w-redis') process.stderr.write(`redis on port ${redisPort}\n`)
const redisEnv: Record<string, string> =
  variant === 'V2w-redis'
    ? { STORE_URL: `redis://127.0.0.1:${redisPort}`, STORE_PREFIX: 'bench:', QUOTA_TRUST_EMPTY_STORE: 'true' }
    : {}
/**
 * BENCH_ALLOCATION_PROFILE=1: also an allocation profile of the measured window (allocation-profile.ts); with
 * BENCH_ALLOCATION_SURVIVORS=1, of what outlived a scavenge only.
 */
const allocationFile = process.env.BENCH_ALLOCATION_PROFILE === '1' ? path.join(work, 'allocations.heapprofile') : ''
/**
 * BENCH_HEAP_SNAPSHOT=1: also a heap snapshot near the end of the measured window, under load (`--heapsnapshot-signal`),
 * summarised by constructor (self size of what is alive then, retained or not yet collected).
 */
const heapSnapshot = process.env.BENCH_HEAP_SNAPSHOT === '1'
const snapshotDir = path.join(work, 'snapshot')
const script = variant.startsWith('V0') ? 'serve-v0.js' : variant.startsWith('V1') ? 'serve-v1.js' : 'serve-gateway.js'
// V0m and V1m: the baselines over their in-memory map, filled by the warm-up's first requests (bench/memory-bank.ts).
const memoryEnv: Record<string, string> = variant === 'V0m' || variant === 'V1m' ? { BANK_MEMORY: 'true' } : {}
const server = spawnChild(
  variant,
  [
    '--cpu-prof',
    `--cpu-prof-dir=${path.join(work, 'prof')}`,
    // BENCH_PROF_INTERVAL_US: a finer sampling interval than V8's 1 ms, for operations of a few hundred µs.
    ...(process.env.BENCH_PROF_INTERVAL_US === undefined
      ? []
      : [`--cpu-prof-interval=${process.env.BENCH_PROF_INTERVAL_US}`]),
    ...(heapSnapshot ? ['--heapsnapshot-signal=SIGUSR1', `--diagnostic-dir=${snapshotDir}`] : []),
    // The gateway as `npm start` runs it.
    ...(script === 'serve-gateway.js' ? GATEWAY_NODE_FLAGS : []),
    // BENCH_NODE_FLAGS: more flags for the server under test (`--trace-gc`, a V8 setting to try), space-separated.
    ...(process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter((flag) => flag !== ''),
    path.join(here, script),
  ],
  {
    // The baselines' settings and the gateway's, as bench/run.ts gives them.
    BANK_URL: bankUrl,
    PKI_DIR: path.join(dataDir, 'pki'),
    PSUS: psus.join(','),
    BANK_CONNECTIONS: '128',
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    STET_BASE_URL: bankUrl,
    STET_CLIENT_ID: CLIENT_ID,
    STET_MAX_CONNECTIONS: '128',
    SANDBOX_PERSONAS: 'true',
    SANDBOX_PERSONA_IDS: psus.join(','),
    LOG_LEVEL: 'warn',
    BENCH_ALLOCATION_PROFILE: allocationFile,
    ...redisEnv,
    ...memoryEnv,
  },
  1,
)
const allocationSignal = async (): Promise<void> => {
  if (allocationFile === '') return
  const next = server.nextLine((line) => (line.includes('"allocationProfile"') ? true : undefined), 30_000)
  server.process.kill('SIGUSR2')
  await next
}
const url = await waitReady(server)
const atReady = { ...rssSplitMb(server.pid), peak: peakRssMb(server.pid) }
// With more than one connection a cold variant gives each its own PSU, as bench/run.ts does (no shared bank calls).
const loadPsus = Number(connectionsArg) > 1 ? loadPsusOf(variant, query) : [query.psu(variant)]
const specs: RequestSpec[] = []
for (const psu of loadPsus) {
  let token = ''
  if (variant === 'V2' || variant === 'V2w' || variant === 'V2w-redis') {
    const key = await loadOrCreateDevSigningKey(dataDir)
    const present = query.present && variant === 'V2'
    token = await issueDevToken(key, { psuId: psu, present, banks: [] }, { clock: Date.now, ttlSeconds: 3600 })
  }
  specs.push(requestFor(variant, query, token, psu))
}
let threadsBefore: ThreadCpu[] = []
let threadsAfter: ThreadCpu[] = []
let rss = { anon: 0, file: 0, shmem: 0, peak: 0 }
let startPeak = 0
const result = await closedLoop(
  url,
  (connection: number) => specs[connection % specs.length] ?? requestFor(variant, query, ''),
  {
    connections: Number(connectionsArg),
    warmupMs: 1000,
    durationMs: Number(secondsArg) * 1000,
  },
  {
    onStart: async () => {
      await allocationSignal()
      threadsBefore = threadTicks(server.pid)
      startPeak = peakRssMb(server.pid)
      resetPeakRss(server.pid)
    },
    onEnd: async () => {
      threadsAfter = threadTicks(server.pid)
      rss = { ...rssSplitMb(server.pid), peak: peakRssMb(server.pid) }
      await allocationSignal()
      if (heapSnapshot) await takeHeapSnapshot()
    },
  },
)
await server.stop()
await bank.stop()

/** Signals the snapshot (the load still running) and waits until its file is complete. */
async function takeHeapSnapshot(): Promise<void> {
  await mkdir(snapshotDir, { recursive: true })
  server.process.kill('SIGUSR1')
  for (let waited = 0; waited < 60_000; waited += 500) {
    await new Promise((resolve) => setTimeout(resolve, 500))
    const [name] = (await readdir(snapshotDir)).filter((f) => f.endsWith('.heapsnapshot'))
    if (name === undefined) continue
    const text = await readFile(path.join(snapshotDir, name), 'utf8')
    if (text.trimEnd().endsWith('}')) return
  }
}

interface ProfileNode {
  readonly id: number
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number }
  readonly children?: readonly number[]
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[]
  readonly samples: readonly number[]
}
const profDir = path.join(work, 'prof')
const [file] = await readdir(profDir)
if (file === undefined) throw new Error('no profile written')
const profile = JSON.parse(await readFile(path.join(profDir, file), 'utf8')) as CpuProfile
const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const parent = new Map<number, number>()
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
const selfCount = new Map<number, number>()
for (const s of profile.samples) selfCount.set(s, (selfCount.get(s) ?? 0) + 1)
const total = profile.samples.length
const label = (n: ProfileNode): string => {
  const where = n.callFrame.url.replace(/^.*\/(node_modules\/|dist-bench\/)/, '')
  return `${n.callFrame.functionName || '(anonymous)'} ${where}:${n.callFrame.lineNumber + 1}`
}
const self = new Map<string, number>()
/** Self time by where the code lives: a package, a file of ours, node's internals, or V8 (GC, idle, program). */
const byModule = new Map<string, number>()
const moduleOf = (url: string): string => {
  if (url === '') return '(v8 / native)'
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (pkg?.[1] !== undefined) return pkg[1]
  if (url.startsWith('node:')) return 'node internals'
  return url.replace(/^.*\/dist(-bench)?\//, '')
}
const inclusive = new Map<string, number>()
for (const [id, count] of selfCount) {
  const node = byId.get(id)
  if (node === undefined) continue
  self.set(label(node), (self.get(label(node)) ?? 0) + count)
  const where = node.callFrame.functionName === '(idle)' ? '(idle)' : moduleOf(node.callFrame.url)
  byModule.set(where, (byModule.get(where) ?? 0) + count)
  // Inclusive: every distinct function on the sample's stack, once.
  const seen = new Set<string>()
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const frame = byId.get(at)
    if (frame === undefined) break
    const name = frame.callFrame.functionName || '(anonymous)'
    if (seen.has(name)) continue
    seen.add(name)
    inclusive.set(name, (inclusive.get(name) ?? 0) + count)
  }
}
const pct = (n: number): string => `${((100 * n) / total).toFixed(1)} %`
const out: string[] = [
  `${variant} ${query.id}: ${result.rps.toFixed(1)} req/s over ${secondsArg} s, ${connectionsArg} connection(s), ${total} samples`,
  '',
  `CPU per operation by thread (user + system µs), over the measured window:`,
  ...threadsAfter
    .map((t) => {
      const before = threadsBefore.find((b) => b.name === t.name)
      const user = t.userTicks - (before?.userTicks ?? 0)
      const system = t.systemTicks - (before?.systemTicks ?? 0)
      return { name: t.name, user, system }
    })
    .filter((t) => t.user + t.system > 0)
    .sort((a, b) => b.user + b.system - (a.user + a.system))
    .map((t) => {
      const us = (ticks: number): string => String(Math.round((ticks * 1e4) / result.completed))
      return `  ${t.name.padEnd(16)} user ${us(t.user).padStart(7)}  system ${us(t.system).padStart(7)}`
    }),
  `RSS once ready: anon ${atReady.anon.toFixed(0)} MB, file ${atReady.file.toFixed(0)} MB; peak so far ${atReady.peak.toFixed(0)} MB`,
  `RSS at the end: anon ${rss.anon.toFixed(0)} MB, file ${rss.file.toFixed(0)} MB, shmem ${rss.shmem.toFixed(0)} MB; peak ${rss.peak.toFixed(0)} MB in the measured window, ${startPeak.toFixed(0)} MB from start to the end of the warm-up`,
  '',
  'self time by where the code lives:',
  ...[...byModule.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15)
    .map(([name, n]) => `  ${pct(n).padStart(7)}  ${name}`),
  '',
  'self time:',
  ...[...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 25)
    .map(([name, n]) => `  ${pct(n).padStart(7)}  ${name}`),
  '',
  'inclusive (functions we watch):',
  ...[
    'signRequest',
    'createPrivateKey',
    'execute',
    'parse',
    'validate',
    'safeParse',
    'set',
    'startWriting',
    'stringify',
    'serialize',
    'JSON.stringify',
    'toTransactionRecord',
    'readPresent',
    '#readPresent',
    '#remember',
  ]
    .filter((name) => inclusive.has(name))
    .map((name) => `  ${pct(inclusive.get(name) ?? 0).padStart(7)}  ${name}`),
  '',
  `profile: ${path.join(profDir, file)}`,
  ...(allocationFile === '' ? [] : await allocationSummary(allocationFile, result.completed)),
  ...(heapSnapshot ? await snapshotSummary(snapshotDir) : []),
]
process.stdout.write(`${out.join('\n')}\n`)
process.exit(0)

interface AllocationNode {
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number }
  readonly selfSize: number
  readonly children: readonly AllocationNode[]
}

/** Bytes allocated per operation (sampled, collected objects included), by package and by function. */
async function allocationSummary(fileName: string, operations: number): Promise<string[]> {
  const { head } = JSON.parse(await readFile(fileName, 'utf8')) as { head: AllocationNode }
  const byWhere = new Map<string, number>()
  const byFunction = new Map<string, number>()
  let totalBytes = 0
  const walk = (node: AllocationNode): void => {
    if (node.selfSize > 0) {
      totalBytes += node.selfSize
      const where = moduleOf(node.callFrame.url)
      byWhere.set(where, (byWhere.get(where) ?? 0) + node.selfSize)
      const name = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.replace(/^.*\/(node_modules\/|dist-bench\/)/, '')}:${node.callFrame.lineNumber + 1}`
      byFunction.set(name, (byFunction.get(name) ?? 0) + node.selfSize)
    }
    for (const child of node.children) walk(child)
  }
  walk(head)
  const kb = (bytes: number): string => (bytes / 1024 / operations).toFixed(1).padStart(8)
  return [
    '',
    process.env.BENCH_ALLOCATION_SURVIVORS === '1'
      ? `allocations that outlived a scavenge (sampled every 4 KiB, those a mark-compact collected included): ${kb(totalBytes).trim()} KiB per operation`
      : `allocations (sampled every 4 KiB, collected objects included): ${kb(totalBytes).trim()} KiB per operation`,
    'by where the code lives (KiB per operation):',
    ...[...byWhere.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([name, bytes]) => `  ${kb(bytes)}  ${name}`),
    'by function (KiB per operation):',
    ...[...byFunction.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 20)
      .map(([name, bytes]) => `  ${kb(bytes)}  ${name}`),
    `allocation profile: ${fileName}`,
  ]
}

interface HeapSnapshot {
  readonly snapshot: {
    readonly meta: { readonly node_fields: string[]; readonly node_types: [string[], ...unknown[]] }
  }
  readonly nodes: number[]
  readonly strings: string[]
}

/** What the heap held under load, by kind and constructor name (self sizes; a 'string' is counted by its type). */
async function snapshotSummary(dir: string): Promise<string[]> {
  const [name] = (await readdir(dir)).filter((f) => f.endsWith('.heapsnapshot'))
  if (name === undefined) return ['', 'heap snapshot: none written']
  const snap = JSON.parse(await readFile(path.join(dir, name), 'utf8')) as HeapSnapshot
  const fields = snap.snapshot.meta.node_fields
  const types = snap.snapshot.meta.node_types[0]
  const width = fields.length
  const at = (field: string): number => fields.indexOf(field)
  const [typeAt, nameAt, sizeAt] = [at('type'), at('name'), at('self_size')]
  const byName = new Map<string, { bytes: number; count: number }>()
  let total = 0
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt] ?? 0] ?? '?'
    const size = snap.nodes[i + sizeAt] ?? 0
    const label =
      type === 'object' || type === 'closure' ? `${type} ${snap.strings[snap.nodes[i + nameAt] ?? 0] ?? ''}` : type
    const entry = byName.get(label) ?? { bytes: 0, count: 0 }
    entry.bytes += size
    entry.count++
    byName.set(label, entry)
    total += size
  }
  const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1).padStart(7)
  return [
    '',
    `heap snapshot under load: ${mb(total).trim()} MB of objects (self sizes), by kind / constructor:`,
    ...[...byName.entries()]
      .sort((a, b) => b[1].bytes - a[1].bytes)
      .slice(0, 25)
      .map(([label, { bytes, count }]) => `  ${mb(bytes)} MB  ${String(count).padStart(8)}  ${label}`),
    `heap snapshot: ${path.join(dir, name)}`,
  ]
}
