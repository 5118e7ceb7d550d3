/**
 * bench/RESULTS.md from one run: the machine, the versions, one table per bank latency, the check against the
 * issue's targets, and the chart. Anything below the NOTES marker in an existing RESULTS.md (profiles, before/after)
 * is kept across runs.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { percentile } from './load.js'
import type { QueryId, VariantId } from './queries.js'
import { appliesTo, GATEWAY_VARIANTS, VARIANTS, WARM_VARIANTS } from './queries.js'
import type { BenchResults, LatencyRun } from './results.js'

export const NOTES_MARKER = '<!-- notes: everything below this line is kept when npm run bench rewrites this file -->'

export const VARIANT_LABEL: Readonly<Record<VariantId, string>> = {
  V0: 'V0 REST floor',
  V1: 'V1 naive Apollo',
  V2: 'V2 gateway cold',
  V2w: 'V2w gateway warm',
  V0m: 'V0m REST, in memory',
  V1m: 'V1m Apollo, in memory',
  'V2w-redis': 'V2w-redis warm on Redis',
  'V2w-json': 'V2w warm, cache as plain JSON',
  'V2w-redis-json': 'V2w-redis warm, cache as plain JSON',
}

function fmt(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return '–'
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

/** "median [min–max]" of a list. */
function spread(values: readonly number[], digits = 0): string {
  const finite = values.filter(Number.isFinite)
  if (finite.length === 0) return '–'
  const med = percentile(finite, 50)
  if (finite.length === 1) return fmt(med, digits)
  return `${fmt(med, digits)} [${fmt(Math.min(...finite), digits)}–${fmt(Math.max(...finite), digits)}]`
}

export function medianOf(
  run: LatencyRun,
  query: QueryId,
  variant: VariantId,
  pick: 'rps' | 'cpuUsPerOp' | 'saturationCpuUsPerOp' | 'addedP50Ms' | 'addedP99Ms' | 'peakRssMb',
): number {
  const values =
    pick === 'rps' || pick === 'saturationCpuUsPerOp'
      ? run.saturation
          .filter((s) => s.query === query && s.variant === variant)
          .map((s) => (pick === 'rps' ? s.rps : s.cpuUsPerOp))
      : pick === 'peakRssMb'
        ? [...run.saturation, ...run.fixedLoad]
            .filter((s) => s.query === query && s.variant === variant)
            .map((s) => s.peakRssMb)
        : run.fixedLoad.filter((s) => s.query === query && s.variant === variant).map((s) => s[pick])
  return pick === 'peakRssMb' ? Math.max(...values) : percentile(values, 50)
}

function table(results: BenchResults, run: LatencyRun): string[] {
  const lines = [
    `### Bank latency ${run.latencyMs} ms`,
    '',
    '| query | variant | bank calls, counting pass (min) | calls/op under load (saturation / fixed load) | 429s count / load | req/s at saturation (connections) | fixed load req/s | added p50 ms | added p99 ms | CPU µs/op (fixed load) | CPU µs/op (saturation) | peak RSS MB | event-loop p99 ms | failed answers (sat / fixed) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ]
  for (const query of results.queries) {
    for (const variant of VARIANTS.filter((v) => appliesTo(query, v))) {
      const count = run.counts.find((c) => c.query === query.id && c.variant === variant)
      const sat = run.saturation.filter((s) => s.query === query.id && s.variant === variant)
      const fixed = run.fixedLoad.filter((s) => s.query === query.id && s.variant === variant)
      const warm = WARM_VARIANTS.has(variant)
      const min = warm ? 0 : query.minCalls
      const per = query.countReps === 1 ? '' : ` over ${query.countReps} ops`
      const calls =
        count === undefined
          ? '–'
          : `${count.calls}${per} (${min}${warm ? ', warm' : ''})${count.good < count.ops ? ` ⚠ ${count.ops - count.good} failed` : ''}`
      const refusedLoad = [...sat, ...fixed].reduce((sum, s) => sum + s.refused, 0)
      lines.push(
        `| ${query.title} | ${VARIANT_LABEL[variant]} | ${calls} | ${spread(
          sat.map((s) => s.callsPerOp),
          2,
        )} / ${spread(
          fixed.map((s) => s.callsPerOp),
          2,
        )} | ${count?.refused ?? '–'} / ${refusedLoad} | ${spread(sat.map((s) => s.rps))} (${query.connections}) | ${fixed[0]?.rate ?? '–'} | ${spread(
          fixed.map((s) => s.addedP50Ms),
          1,
        )} | ${spread(
          fixed.map((s) => s.addedP99Ms),
          1,
        )} | ${spread(fixed.map((s) => s.cpuUsPerOp))} | ${spread(sat.map((s) => s.cpuUsPerOp))} | ${fmt(Math.max(...[...sat, ...fixed].map((s) => s.peakRssMb)))} | ${spread(
          fixed.map((s) => s.eldP99Ms),
          1,
        )} | ${sat.reduce((n, s) => n + s.failed, 0)} / ${fixed.reduce((n, s) => n + s.failed + s.unanswered, 0)} |`,
      )
    }
  }
  const peaks = VARIANTS.map((v) => `${v} ${fmt(run.lifetimePeakRssMb[v] ?? Number.NaN)} MB`).join(', ')
  lines.push(
    '',
    `Peak RSS over the whole ${run.latencyMs} ms session (the highest VmHWM of its measured cells): ${peaks}.`,
    '',
  )
  return lines
}

/** The Redis store's commands per warm operation: counting pass (one at a time) and fixed load. */
function storeCommands(run: LatencyRun, query: QueryId): { roundTrips: number; counting: number; load: number } {
  const count = run.counts.find((c) => c.query === query && c.variant === 'V2w-redis')
  const load = run.fixedLoad
    .filter((s) => s.query === query && s.variant === 'V2w-redis')
    .map((s) => s.storeCommandsPerOp ?? Number.NaN)
  return {
    roundTrips: count?.storeRoundTrips === undefined ? Number.NaN : count.storeRoundTrips / count.ops,
    counting: count?.storeCommands === undefined ? Number.NaN : count.storeCommands / count.ops,
    load: load.length === 0 ? Number.NaN : percentile(load, 50),
  }
}

function targets(results: BenchResults, run: LatencyRun): string[] {
  const lines = [
    `#### Targets, bank latency ${run.latencyMs} ms`,
    '',
    '| query | warm CPU/op at saturation V2w ÷ V1m (≤ 1.5) | V2w ÷ V0m | V2w-redis ÷ V1m (≤ 2.5) | Redis per warm op: commands sent (alone); commands processed, those inside scripts included (alone / under load) | cold CPU/op V2 ÷ V0 (≤ 1.25) | cold added p50 V2 − V0 (≤ 1 ms) | peak RSS of the gateway cells vs V1 (≤ V1, ≤ 200 MB) | minimal calls, no 429 |',
    '|---|---|---|---|---|---|---|---|---|',
  ]
  const mark = (ok: boolean): string => (ok ? '✅' : '❌')
  const cpu = (query: QueryId, variant: VariantId): number => medianOf(run, query, variant, 'cpuUsPerOp')
  // Warm operations last a millisecond or two: the saturation window holds thousands of them, where the fixed load
  // (set from the cold variants' rates) holds a few hundred, so the CPU clock's 10 ms ticks weigh less there.
  const warmCpu = (query: QueryId, variant: VariantId): number => medianOf(run, query, variant, 'saturationCpuUsPerOp')
  for (const query of results.queries) {
    // A target against a floor the query has no cell for (the sync: no V0/V1) reads n/a.
    const vs = (variant: VariantId, cell: () => string): string => (appliesTo(query, variant) ? cell() : 'n/a')
    const warmV1m = warmCpu(query.id, 'V2w') / warmCpu(query.id, 'V1m')
    const warmV0m = warmCpu(query.id, 'V2w') / warmCpu(query.id, 'V0m')
    const redisV1m = warmCpu(query.id, 'V2w-redis') / warmCpu(query.id, 'V1m')
    const commands = storeCommands(run, query.id)
    const cold = cpu(query.id, 'V2') / cpu(query.id, 'V0')
    const added = medianOf(run, query.id, 'V2', 'addedP50Ms') - medianOf(run, query.id, 'V0', 'addedP50Ms')
    const gatewayRss = Math.max(...[...GATEWAY_VARIANTS].map((v) => medianOf(run, query.id, v, 'peakRssMb')))
    const v1Rss = medianOf(run, query.id, 'V1', 'peakRssMb')
    const rss = appliesTo(query, 'V1')
      ? `${fmt(gatewayRss)} vs ${fmt(v1Rss)} MB ${mark(gatewayRss <= v1Rss && gatewayRss <= 200)}`
      : `${fmt(gatewayRss)} MB, V1 n/a ${mark(gatewayRss <= 200)}`
    const gatewayCounts = run.counts.filter((c) => c.query === query.id && GATEWAY_VARIANTS.has(c.variant))
    const minimal = gatewayCounts.every(
      (c) => c.calls <= (WARM_VARIANTS.has(c.variant) ? 0 : query.minCalls) && c.good === c.ops,
    )
    const gatewayRefused =
      gatewayCounts.reduce((n, c) => n + c.refused, 0) +
      [...run.saturation, ...run.fixedLoad]
        .filter((s) => s.query === query.id && GATEWAY_VARIANTS.has(s.variant))
        .reduce((n, s) => n + s.refused, 0)
    lines.push(
      `| ${query.title} | ${vs('V1m', () => `${fmt(warmV1m, 2)}× ${mark(warmV1m <= 1.5)}`)} | ${vs('V0m', () => `${fmt(warmV0m, 2)}×`)} | ${vs('V1m', () => `${fmt(redisV1m, 2)}× ${mark(redisV1m <= 2.5)}`)} | ${fmt(commands.roundTrips, 1)}; ${fmt(commands.counting, 1)} / ${fmt(commands.load, 1)} | ${vs('V0', () => `${fmt(cold, 2)}× ${mark(cold <= 1.25)}`)} | ${vs('V0', () => `${fmt(added, 1)} ms ${mark(added <= 1)}`)} | ${rss} | ${mark(minimal && gatewayRefused === 0)} ${gatewayRefused} × 429 |`,
    )
  }
  lines.push('')
  return lines
}

export async function writeResults(results: BenchResults, file: string): Promise<void> {
  let kept = ''
  try {
    const previous = await readFile(file, 'utf8')
    const at = previous.indexOf(NOTES_MARKER)
    if (at >= 0) kept = previous.slice(at + NOTES_MARKER.length)
  } catch {
    kept = ''
  }
  const m = results.machine
  const p = results.profile
  const lines = [
    '# `npm run bench`: the gateway side by side with what a user would otherwise build',
    '',
    `Run ${results.date} (${results.durationS} s), profile \`${p.name}\`: per cell ${p.warmupMs} ms warm-up + ${p.measureMs} ms measured, ${p.reps} repetitions, variants interleaved (${VARIANTS.join(' ')}, then reversed); medians with [min–max].`,
    '',
    `- Machine: ${m.nproc} vCPU, ${m.cpuModel}, ${m.memoryGb} GB RAM, Linux ${m.kernel}; ${m.pinned ? 'server under test pinned on core 1 (`taskset`), bank + load generator on core 0' : 'no CPU pinning (taskset missing or one core)'}.`,
    `- Node ${results.node}; ${Object.entries(results.versions)
      .map(([name, version]) => `${name} ${version}`)
      .join(', ')}.`,
    "- Bank: the repository's sandbox bank as its own process (`SANDBOX_LATENCY_MS`, benchmark personas), which verifies every signature, counts every call and answers 429 past 4 unattended calls per key and day. Every variant signs like a real TPP (RSA-2048 QSealC).",
    '',
    '![throughput and latency per variant](throughput-latency.png)',
    '',
    '## What is measured',
    '',
    "- **V0** hand-written REST aggregator (node:http + undici), exactly the bank calls each query needs, in parallel. **V1** naive Apollo Server 5 (standalone) + type-graphql, field resolvers call the bank (no DataLoader, no cache). **V2** the gateway with present-PSU tokens (every read goes to the bank). **V2w** the gateway with partner tokens after one warming pass with a present token (batch reads served from its cache). The unattended dashboard uses a partner token on V2 and V2w; V0 and V1 send no PSU-IP-Address for it, so they meet the bank's limit. Each variant has its own unattended PSU (BENCH0005UA…UE): no variant spends another's budget. **V0m** and **V1m** are the floors of a warm read (issue 16): V0's and V1's own code over an in-memory map of already parsed bank answers (bench/memory-bank.ts: each distinct request asked of the bank once in the warming pass, PSU present), same bytes out. **V2w-redis** is V2w with its store on a Redis of its own (`STORE_URL`; a redis-server started by the bench, so that its `total_commands_processed` counts the gateway's commands alone).",
    `- **Bank calls**: a counting pass sends each operation alone (the unattended dashboard ten times) and reads the bank's counters; (min) is the theoretical minimum of one cold operation (one call per STET resource read; an account id resolves through the PSU's list). "Calls/op under load" = bank calls during the saturation window ÷ answers. Under load the cold variants (V0, V1, V2) give each connection its own PSU on the present queries (the open loop takes them in turn; bench personas BENCH05C00…63, BENCH20C00…15), so concurrent identical reads cannot share a bank call: V2's cold figures are cold.`,
    `- **req/s at saturation**: closed loop (connections per query in brackets), good answers only. **Added latency**: open loop at a fixed offered load (half the slowest cold variant's saturation rate for that query), measured from each request's scheduled send time, minus the bank's own sequential latency of a cold read (2 × bank latency: the account list, then the per-account reads); a cached answer can be below 0. **CPU µs/op**: the server's utime + stime (all threads, /proc/PID/stat) from the first measured send of the fixed-load run until its last answer, ÷ answers (at saturation, with operations lasting longer than a short window, the count of answers in the window is too noisy). **Peak RSS**: VmHWM, reset per cell (clear_refs). **Event-loop p99**: \`monitorEventLoopDelay\` inside the server under test, during the fixed-load window.`,
    "- **Partner sync** (issue 17): `transactionsSync` from the start of the 5-account PSU's first account (`first: 100`), which only the gateway answers (V0, V1 and their in-memory floors have no journal: no row, their targets n/a). V2 asks it with a present token and `refresh: true`, the cold sync (one TRANSACTIONS read; the account from the list cached at linking); V2w and V2w-redis as a partner without refresh, after a warming pass that refreshes: the journal alone, no bank call. Its fixed load is half V2's saturation rate, its added latency subtracts one bank latency (one read).",
    '',
    '## Results',
    '',
  ]
  for (const run of results.runs) lines.push(...table(results, run))
  lines.push('## Against the targets of issue 16', '')
  for (const run of results.runs) lines.push(...targets(results, run))
  lines.push('## Queries (GraphQL text; V0 serves the same data from REST routes)', '')
  for (const query of results.queries) {
    const only = query.variants === undefined ? '' : `; asked of ${query.variants.join(', ')} only`
    lines.push(`- **${query.title}** (min ${query.minCalls} bank calls cold${only}): \`${query.graphql}\``)
  }
  lines.push('', NOTES_MARKER)
  await writeFile(file, `${lines.join('\n')}${kept === '' ? '\n' : kept}`)
}
