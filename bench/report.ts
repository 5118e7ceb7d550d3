/**
 * bench/RESULTS.md from one run: the machine, the versions, one table per bank latency, the check against the
 * issue's targets, and the chart. Anything below the NOTES marker in an existing RESULTS.md (profiles, before/after)
 * is kept across runs.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { percentile } from './load.js'
import type { QueryId, VariantId } from './queries.js'
import { VARIANTS } from './queries.js'
import type { BenchResults, LatencyRun } from './results.js'

export const NOTES_MARKER = '<!-- notes: everything below this line is kept when npm run bench rewrites this file -->'

const VARIANT_LABEL: Readonly<Record<VariantId, string>> = {
  V0: 'V0 REST floor',
  V1: 'V1 naive Apollo',
  V2: 'V2 gateway cold',
  V2w: 'V2w gateway warm',
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
  pick: 'rps' | 'cpuUsPerOp' | 'addedP50Ms' | 'addedP99Ms' | 'peakRssMb',
): number {
  const values =
    pick === 'rps'
      ? run.saturation.filter((s) => s.query === query && s.variant === variant).map((s) => s[pick])
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
    '| query | variant | bank calls, counting pass (min) | calls/op under load (saturation / fixed load) | 429s count / load | req/s at saturation (connections) | fixed load req/s | added p50 ms | added p99 ms | CPU µs/op | peak RSS MB | event-loop p99 ms | failed answers (sat / fixed) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ]
  for (const query of results.queries) {
    for (const variant of VARIANTS) {
      const count = run.counts.find((c) => c.query === query.id && c.variant === variant)
      const sat = run.saturation.filter((s) => s.query === query.id && s.variant === variant)
      const fixed = run.fixedLoad.filter((s) => s.query === query.id && s.variant === variant)
      const min = variant === 'V2w' ? 0 : query.minCalls
      const per = query.countReps === 1 ? '' : ` over ${query.countReps} ops`
      const calls =
        count === undefined
          ? '–'
          : `${count.calls}${per} (${min}${variant === 'V2w' ? ', warm' : ''})${count.good < count.ops ? ` ⚠ ${count.ops - count.good} failed` : ''}`
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
        )} | ${spread(fixed.map((s) => s.cpuUsPerOp))} | ${fmt(Math.max(...[...sat, ...fixed].map((s) => s.peakRssMb)))} | ${spread(
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

function targets(results: BenchResults, run: LatencyRun): string[] {
  const lines = [
    `#### Targets, bank latency ${run.latencyMs} ms`,
    '',
    '| query | warm req/s ÷ V0 (≥ 1.0) | cold added p50 − V0 (≤ 2 ms) | CPU/op V2 ÷ V1 (≤ 1.3) | CPU/op V2w ÷ V1 (≤ 1.3) | max RSS (≤ 200 MB) | minimal calls, no 429 |',
    '|---|---|---|---|---|---|---|',
  ]
  const mark = (ok: boolean): string => (ok ? '✅' : '❌')
  for (const query of results.queries) {
    const warm = medianOf(run, query.id, 'V2w', 'rps') / medianOf(run, query.id, 'V0', 'rps')
    const added = medianOf(run, query.id, 'V2', 'addedP50Ms') - medianOf(run, query.id, 'V0', 'addedP50Ms')
    const cpuCold = medianOf(run, query.id, 'V2', 'cpuUsPerOp') / medianOf(run, query.id, 'V1', 'cpuUsPerOp')
    const cpuWarm = medianOf(run, query.id, 'V2w', 'cpuUsPerOp') / medianOf(run, query.id, 'V1', 'cpuUsPerOp')
    const rss = Math.max(medianOf(run, query.id, 'V2', 'peakRssMb'), medianOf(run, query.id, 'V2w', 'peakRssMb'))
    const gatewayCounts = run.counts.filter((c) => c.query === query.id && (c.variant === 'V2' || c.variant === 'V2w'))
    const minimal = gatewayCounts.every(
      (c) => c.calls <= (c.variant === 'V2w' ? 0 : query.minCalls) && c.good === c.ops,
    )
    const gatewayRefused =
      gatewayCounts.reduce((n, c) => n + c.refused, 0) +
      [...run.saturation, ...run.fixedLoad]
        .filter((s) => s.query === query.id && (s.variant === 'V2' || s.variant === 'V2w'))
        .reduce((n, s) => n + s.refused, 0)
    lines.push(
      `| ${query.title} | ${fmt(warm, 2)}× ${mark(warm >= 1)} | ${fmt(added, 1)} ms ${mark(added <= 2)} | ${fmt(cpuCold, 2)}× ${mark(cpuCold <= 1.3)} | ${fmt(cpuWarm, 2)}× ${mark(cpuWarm <= 1.3)} | ${fmt(rss)} MB ${mark(rss <= 200)} | ${mark(minimal && gatewayRefused === 0)} ${gatewayRefused} × 429 |`,
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
    `Run ${results.date} (${results.durationS} s), profile \`${p.name}\`: per cell ${p.warmupMs} ms warm-up + ${p.measureMs} ms measured, ${p.reps} repetitions, variants interleaved (V0 V1 V2 V2w, then reversed); medians with [min–max].`,
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
    "- **V0** hand-written REST aggregator (node:http + undici), exactly the bank calls each query needs, in parallel. **V1** naive Apollo Server 5 (standalone) + type-graphql, field resolvers call the bank (no DataLoader, no cache). **V2** the gateway with present-PSU tokens (every read goes to the bank). **V2w** the gateway with partner tokens after one warming pass with a present token (batch reads served from its cache). The unattended dashboard uses a partner token on V2 and V2w; V0 and V1 send no PSU-IP-Address for it, so they meet the bank's limit. Each variant has its own unattended PSU (BENCH0005UA…UD): no variant spends another's budget.",
    `- **Bank calls**: a counting pass sends each operation alone (the unattended dashboard ten times) and reads the bank's counters; (min) is the theoretical minimum of one cold operation (one call per STET resource read; an account id resolves through the PSU's list). "Calls/op under load" = bank calls during the saturation window ÷ answers: concurrent identical reads may share one call in the gateway.`,
    `- **req/s at saturation**: closed loop (connections per query in brackets), good answers only. **Added latency**: open loop at a fixed offered load (half the slowest cold variant's saturation rate for that query), measured from each request's scheduled send time, minus the bank's own sequential latency of a cold read (2 × bank latency: the account list, then the per-account reads); a cached answer can be below 0. **CPU µs/op**: the server's utime + stime (all threads, /proc/PID/stat) from the first measured send of the fixed-load run until its last answer, ÷ answers (at saturation, with operations lasting longer than a short window, the count of answers in the window is too noisy). **Peak RSS**: VmHWM, reset per cell (clear_refs). **Event-loop p99**: \`monitorEventLoopDelay\` inside the server under test, during the fixed-load window.`,
    '',
    '## Results',
    '',
  ]
  for (const run of results.runs) lines.push(...table(results, run))
  lines.push('## Against the targets of issue 7', '')
  for (const run of results.runs) lines.push(...targets(results, run))
  lines.push('## Queries (GraphQL text; V0 serves the same data from REST routes)', '')
  for (const query of results.queries)
    lines.push(`- **${query.title}** (min ${query.minCalls} bank calls cold): \`${query.graphql}\``)
  lines.push('', NOTES_MARKER)
  await writeFile(file, `${lines.join('\n')}${kept === '' ? '\n' : kept}`)
}
