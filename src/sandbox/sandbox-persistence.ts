/**
 * What the sandbox keeps across a restart, as a bank would: its OAuth tokens (digests, with their expiry and
 * revocation), the consents it was given, its daily counters. One JSON file per concern under the data folder
 * (0700; files 0600), each replaced atomically (durable-json-file.ts). Authorization codes live 1 h and stay in
 * memory: a restart in the middle of a login only means logging in again.
 * Without a data folder (unit tests) nothing is written and the state lives as long as the process.
 */
import { chmod, mkdir, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { DurableJsonFile } from './durable-json-file.js'

/** A part of the sandbox's state that can be written out and read back. */
export interface PersistentState {
  snapshot(): unknown
  /** Throws on a snapshot it cannot read (a file from another version, or edited by hand). */
  restore(snapshot: unknown): void
  /** Called after every change the part makes. */
  onChange(listener: () => void): void
}

export interface SandboxPersistence {
  /** Resolves once every change made so far is on disk. */
  settled(): Promise<void>
}

const IN_MEMORY: SandboxPersistence = { settled: () => Promise.resolve() }

/** Restores each part from `<dataDir>/<file name>` and writes it back on every change. */
export async function openSandboxPersistence(
  dataDir: string | undefined,
  parts: Record<string, PersistentState>,
): Promise<SandboxPersistence> {
  if (dataDir === undefined) return IN_MEMORY
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  // `mode` only applies to folders mkdir creates: tighten one that was already there.
  await chmod(dataDir, 0o700)
  // Temporary files of a write a crash interrupted: the file they were to replace is still whole.
  for (const name of await readdir(dataDir)) {
    if (name.endsWith('.tmp')) await rm(join(dataDir, name), { force: true })
  }
  const files: DurableJsonFile[] = []
  for (const [name, part] of Object.entries(parts)) {
    const file = new DurableJsonFile(dataDir, name, () => part.snapshot())
    const saved = await file.read()
    if (saved !== undefined) {
      await chmod(file.path, 0o600)
      try {
        part.restore(saved)
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error)
        throw new Error(`sandbox state file ${file.path} cannot be read (${reason}); delete it to start afresh`)
      }
    }
    part.onChange(() => file.changed())
    files.push(file)
  }
  return { settled: async () => void (await Promise.all(files.map((file) => file.settled()))) }
}
