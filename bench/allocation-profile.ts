/**
 * An allocation profile of a server under test (issue 16: "an allocation profile of the transaction path"), with
 * V8's sampling heap profiler told to keep the samples of objects the GC has already collected: what a request
 * allocates, not only what survives (`--heap-prof` keeps only the live ones). With BENCH_ALLOCATION_PROFILE=<file>,
 * SIGUSR2 starts the sampling and the next SIGUSR2 writes the profile to the file (bench/profile.ts brackets its
 * measured window with the two signals). BENCH_ALLOCATION_SURVIVORS=1 drops the samples a scavenge collected: what is
 * left is what outlived the young generation (promoted, then kept or collected by a mark-compact), the allocations that
 * cost the old generation's marking. A scavenge is forced just before the profile is taken: without it, what the window
 * allocated since the last one would still be counted (dead, but not yet collected by anything).
 */
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

/** V8's `gc()`, for the bench's server processes only (the flag exposes it to contexts created after it is set). */
function minorCollection(): void {
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as (options: { type: 'minor'; execution: 'sync' }) => void
  gc({ type: 'minor', execution: 'sync' })
}

export function installAllocationProfile(file: string | undefined): void {
  if (file === undefined || file === '') return
  const session = new Session()
  session.connect()
  let sampling = false
  process.on('SIGUSR2', () => {
    void (async () => {
      if (!sampling) {
        sampling = true
        await session.post('HeapProfiler.enable')
        await session.post('HeapProfiler.startSampling', {
          samplingInterval: 4096,
          includeObjectsCollectedByMajorGC: true,
          includeObjectsCollectedByMinorGC: process.env.BENCH_ALLOCATION_SURVIVORS !== '1',
        })
        process.stdout.write(`${JSON.stringify({ allocationProfile: 'started' })}\n`)
        return
      }
      if (process.env.BENCH_ALLOCATION_SURVIVORS === '1') minorCollection()
      const { profile } = await session.post('HeapProfiler.stopSampling')
      writeFileSync(file, JSON.stringify(profile))
      process.stdout.write(`${JSON.stringify({ allocationProfile: file })}\n`)
    })()
  })
}
