/**
 * One JSON file holding one concern of the sandbox's state, replaced whole on every change by an atomic
 * write-rename: write a temporary file (0600), fsync it, rename it over the old one, fsync the folder. A reader (or a
 * crash) sees the old file or the new one, never half of one. Changes made in the same tick, and while a write is
 * under way, share one write: a busy sandbox writes each file at most twice per fsync, not once per call.
 */
import { randomBytes } from 'node:crypto'
import { open, readFile, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'

export class DurableJsonFile {
  readonly path: string
  /** The write that will hold the latest change, when one is scheduled and not started yet. */
  #next: Promise<void> | undefined
  /** The write under way (or the last one); never rejects, so the next write can always chain on it. */
  #current: Promise<void> = Promise.resolve()
  #last: Promise<void> = Promise.resolve()

  constructor(
    private readonly dir: string,
    name: string,
    private readonly snapshot: () => unknown,
  ) {
    this.path = join(dir, name)
  }

  /** The parsed file, or undefined when there is none yet. A file that is not JSON is an error, never a silent reset. */
  async read(): Promise<unknown> {
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw error
    }
    try {
      return JSON.parse(text) as unknown
    } catch {
      throw new Error(`sandbox state file ${this.path} is not valid JSON (delete it to start that state afresh)`)
    }
  }

  /** Something changed: schedules a write that will hold it (the snapshot is taken when the write starts). */
  changed(): void {
    if (this.#next !== undefined) return
    const next = this.#current.then(async () => {
      this.#next = undefined
      await this.#write(JSON.stringify(this.snapshot()))
    })
    this.#next = next
    this.#last = next
    this.#current = next.catch(() => undefined)
  }

  /** Resolves once every change made so far is on disk; rejects if the write holding the latest one failed. */
  settled(): Promise<void> {
    return this.#last
  }

  async #write(text: string): Promise<void> {
    const temporary = `${this.path}.${randomBytes(6).toString('hex')}.tmp`
    try {
      const handle = await open(temporary, 'wx', 0o600)
      try {
        await handle.writeFile(text, 'utf8')
        await handle.sync()
      } finally {
        await handle.close()
      }
      await rename(temporary, this.path)
    } catch (error) {
      await rm(temporary, { force: true })
      throw error
    }
    // The rename itself is durable only once the folder's entry is on disk.
    const folder = await open(this.dir, 'r')
    try {
      await folder.sync()
    } finally {
      await folder.close()
    }
  }
}
