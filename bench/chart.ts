/**
 * bench/throughput-latency.png: per bank latency, req/s at saturation (log scale) and added latency p50 (bar) with
 * p99 (tick), grouped by query, one colour per variant. Drawn as SVG and rasterised with Debian's `rsvg-convert`
 * (librsvg2-bin); without it the SVG is written beside the PNG's path instead.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { VARIANTS } from './queries.js'
import { VARIANT_LABEL } from './report.js'
import type { VariantId } from './queries.js'
import { medianOf } from './report.js'
import type { BenchResults, LatencyRun } from './results.js'

const COLOURS: Readonly<Record<VariantId, string>> = {
  V0: '#4c72b0',
  V1: '#dd8452',
  V2: '#55a868',
  V2w: '#8172b3',
  V0m: '#8fb0d9',
  V1m: '#f0b78c',
  'V2w-redis': '#c44e52',
  'V2w-json': '#b5acd6',
  'V2w-redis-json': '#e0999b',
}
const SHORT: Readonly<Record<string, string>> = {
  balances: '1 account balances',
  dashboard: 'dashboard ×5',
  aliases: '3 aliases 2 fragments',
  tx20: 'tx of 20 accounts',
  unattended: 'unattended ×10',
  sync: 'partner sync',
}

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;')

interface Panel {
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
}

function throughputPanel(results: BenchResults, run: LatencyRun, box: Panel): string[] {
  const out: string[] = []
  const values = results.queries
    .flatMap((q) => VARIANTS.map((v) => medianOf(run, q.id, v, 'rps')))
    .filter((v) => Number.isFinite(v) && v > 0)
  const top = 10 ** Math.ceil(Math.log10(Math.max(10, ...values)))
  const scale = (v: number): number => (v <= 1 ? 0 : (Math.log10(v) / Math.log10(top)) * box.height)
  out.push(
    `<text x="${box.x}" y="${box.y - 10}" font-size="15" font-weight="bold">Bank ${run.latencyMs} ms: requests/s at saturation (log scale, good answers)</text>`,
  )
  for (let decade = 1; decade <= top; decade *= 10) {
    const y = box.y + box.height - scale(decade)
    out.push(
      `<line x1="${box.x}" x2="${box.x + box.width}" y1="${y}" y2="${y}" stroke="#ddd"/>`,
      `<text x="${box.x - 6}" y="${y + 4}" font-size="11" text-anchor="end">${decade}</text>`,
    )
  }
  const group = box.width / results.queries.length
  const bar = (group - 20) / VARIANTS.length
  results.queries.forEach((q, qi) => {
    VARIANTS.forEach((v, vi) => {
      const value = medianOf(run, q.id, v, 'rps')
      const h = Number.isFinite(value) ? scale(value) : 0
      const x = box.x + qi * group + 10 + vi * bar
      out.push(`<rect x="${x}" y="${box.y + box.height - h}" width="${bar - 2}" height="${h}" fill="${COLOURS[v]}"/>`)
      out.push(
        `<text x="${x + bar / 2 - 1}" y="${box.y + box.height - h - 3}" font-size="9" text-anchor="middle">${Number.isFinite(value) ? Math.round(value) : '–'}</text>`,
      )
    })
    out.push(
      `<text x="${box.x + qi * group + group / 2}" y="${box.y + box.height + 16}" font-size="11" text-anchor="middle">${escape(SHORT[q.id] ?? q.id)}</text>`,
    )
  })
  return out
}

function latencyPanel(results: BenchResults, run: LatencyRun, box: Panel): string[] {
  const out: string[] = []
  const p50 = (q: string, v: VariantId) => medianOf(run, q as never, v, 'addedP50Ms')
  const p99 = (q: string, v: VariantId) => medianOf(run, q as never, v, 'addedP99Ms')
  const all = results.queries
    .flatMap((q) => VARIANTS.flatMap((v) => [p50(q.id, v), p99(q.id, v)]))
    .filter(Number.isFinite)
  const max = Math.max(1, ...all)
  const min = Math.min(0, ...all)
  const scale = (v: number): number => box.y + box.height - ((v - min) / (max - min)) * box.height
  out.push(
    `<text x="${box.x}" y="${box.y - 10}" font-size="15" font-weight="bold">Bank ${run.latencyMs} ms: added latency at fixed load, ms (bar p50, tick p99)</text>`,
  )
  const step = 10 ** Math.floor(Math.log10(max - min))
  for (let t = Math.ceil(min / step) * step; t <= max; t += step) {
    out.push(
      `<line x1="${box.x}" x2="${box.x + box.width}" y1="${scale(t)}" y2="${scale(t)}" stroke="${t === 0 ? '#888' : '#ddd'}"/>`,
      `<text x="${box.x - 6}" y="${scale(t) + 4}" font-size="11" text-anchor="end">${Math.round(t)}</text>`,
    )
  }
  const group = box.width / results.queries.length
  const bar = (group - 20) / VARIANTS.length
  results.queries.forEach((q, qi) => {
    VARIANTS.forEach((v, vi) => {
      const x = box.x + qi * group + 10 + vi * bar
      const a = p50(q.id, v)
      const b = p99(q.id, v)
      if (Number.isFinite(a)) {
        const y0 = scale(0)
        const y1 = scale(a)
        out.push(
          `<rect x="${x}" y="${Math.min(y0, y1)}" width="${bar - 2}" height="${Math.abs(y0 - y1)}" fill="${COLOURS[v]}"/>`,
        )
      }
      if (Number.isFinite(b))
        out.push(
          `<line x1="${x}" x2="${x + bar - 2}" y1="${scale(b)}" y2="${scale(b)}" stroke="#222" stroke-width="2"/>`,
          `<line x1="${x + bar / 2 - 1}" x2="${x + bar / 2 - 1}" y1="${scale(Number.isFinite(a) ? a : 0)}" y2="${scale(b)}" stroke="#222"/>`,
        )
    })
    out.push(
      `<text x="${box.x + qi * group + group / 2}" y="${box.y + box.height + 16}" font-size="11" text-anchor="middle">${escape(SHORT[q.id] ?? q.id)}</text>`,
    )
  })
  return out
}

export function chartSvg(results: BenchResults): string {
  const panelW = 640
  const panelH = 260
  const rowH = panelH + 90
  const width = 2 * panelW + 180
  const height = results.runs.length * rowH + 80
  const body: string[] = []
  results.runs.forEach((run, i) => {
    const y = 60 + i * rowH
    body.push(...throughputPanel(results, run, { x: 60, y, width: panelW, height: panelH }))
    body.push(...latencyPanel(results, run, { x: panelW + 140, y, width: panelW, height: panelH }))
  })
  const legend = VARIANTS.map(
    (v, i) =>
      `<rect x="${60 + i * 190}" y="${height - 30}" width="14" height="14" fill="${COLOURS[v]}"/><text x="${80 + i * 190}" y="${height - 18}" font-size="13">${VARIANT_LABEL[v]}</text>`,
  )
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="60" y="24" font-size="17" font-weight="bold">stet-gateway bench ${escape(results.date.slice(0, 16))}, profile ${results.profile.name}, Node ${results.node}</text>`,
    ...body,
    ...legend,
    '</svg>',
  ].join('\n')
}

export async function renderChart(results: BenchResults, pngFile: string): Promise<void> {
  const svg = chartSvg(results)
  const dir = await mkdtemp(path.join(tmpdir(), 'stetgw-chart-'))
  try {
    const svgFile = path.join(dir, 'chart.svg')
    await writeFile(svgFile, svg)
    await promisify(execFile)('rsvg-convert', ['-o', pngFile, svgFile])
  } catch (error) {
    const fallback = pngFile.replace(/\.png$/, '.svg')
    await writeFile(fallback, svg)
    process.stderr.write(
      `bench: rsvg-convert failed (${error instanceof Error ? error.message : String(error)}): apt-get install librsvg2-bin; wrote ${fallback}\n`,
    )
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
