/** The raw results of one `npm run bench`, as written to bench/results.json and read by report.ts and chart.ts. */
import type { QueryId, VariantId } from './queries.js'

export interface CountSample {
  readonly query: QueryId
  readonly variant: VariantId
  /** Operations sent one after the other. */
  readonly ops: number
  /** Answers with data and no error. */
  readonly good: number
  /** Bank calls over those operations (the bank's own counters). */
  readonly calls: number
  /** 429s the bank answered over those operations. */
  readonly refused: number
  readonly firstError: string
  /** V2w-redis: commands its Redis processed over those operations (the store's own INFO counter). */
  readonly storeCommands?: number
  /** V2w-redis: commands its gateway sent to Redis over those operations (MONITOR, without those run inside scripts). */
  readonly storeRoundTrips?: number
}

export interface SaturationSample {
  readonly query: QueryId
  readonly variant: VariantId
  readonly rep: number
  /** Good answers per second with N connections in a closed loop. */
  readonly rps: number
  /** Every answer, good or not, per second. */
  readonly responsesPerSecond: number
  readonly failed: number
  /** Server CPU (user + system, all threads) per answer. */
  readonly cpuUsPerOp: number
  readonly callsPerOp: number
  readonly refused: number
  readonly peakRssMb: number
}

export interface LatencySample {
  readonly query: QueryId
  readonly variant: VariantId
  readonly rep: number
  /** Offered load, requests per second (open loop). */
  readonly rate: number
  readonly p50Ms: number
  readonly p99Ms: number
  /** Latency minus the bank's own sequential latency for a cold read (depth × bank latency). */
  readonly addedP50Ms: number
  readonly addedP99Ms: number
  readonly sent: number
  readonly failed: number
  readonly unanswered: number
  readonly refused: number
  /** Server CPU (user + system, all threads) per answer, from the first measured send until every measured answer. */
  readonly cpuUsPerOp: number
  readonly callsPerOp: number
  readonly eldP99Ms: number
  readonly peakRssMb: number
  /** V2w-redis: commands its Redis processed per answer over the fixed-load window. */
  readonly storeCommandsPerOp?: number
}

export interface LatencyRun {
  readonly latencyMs: number
  readonly counts: CountSample[]
  readonly saturation: SaturationSample[]
  readonly fixedLoad: LatencySample[]
  readonly lifetimePeakRssMb: Partial<Record<VariantId, number>>
}

export interface BenchResults {
  readonly date: string
  readonly durationS: number
  readonly profile: {
    name: string
    warmupMs: number
    measureMs: number
    reps: number
    connections: number
    graceMs: number
  }
  readonly machine: { nproc: number; cpuModel: string; memoryGb: number; kernel: string; pinned: boolean }
  readonly node: string
  readonly versions: Record<string, string>
  readonly queries: {
    id: QueryId
    title: string
    minCalls: number
    depth: number
    countReps: number
    connections: number
    graphql: string
    /** The variants asked it; absent: every variant. */
    variants?: VariantId[]
  }[]
  readonly runs: LatencyRun[]
}
