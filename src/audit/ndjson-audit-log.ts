/**
 * The embedded trail: one append-only NDJSON file per Paris day under DATA_DIR/audit (folder 0700, files 0600: it names
 * PSUs and IBANs, DESIGN inv. 12). A file is only ever appended to (O_APPEND, so writers never overwrite each other)
 * and deleted whole when its day leaves the retention period; a person can read it with `cat`.
 *
 * A call record is fsynced (fdatasync) before `appendCall` resolves, like the ledger's grant (DESIGN inv. 3): at most
 * a few per key and day, so the cost is the ledger's again, once. Outcome records are written without a sync: a crash
 * may lose one, and the export then says `UNKNOWN`, which is the truth of a call whose answer we never recorded.
 */
import { createReadStream } from 'node:fs'
import { chmod, mkdir, open, readdir, unlink, type FileHandle } from 'node:fs/promises'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { DAY_LABEL, parisDayLabel, parisDaysBetween } from './audit-days.js'
import type { AuditCallRecord, AuditLog, AuditOutcomeRecord, AuditRange, AuditRecord } from './audit-log.js'
import { decodeAuditRecord, encodeAuditRecord } from './audit-record-codec.js'

const FILE = /^unattended-(\d{4}-\d{2}-\d{2})\.ndjson$/

export class NdjsonAuditLog implements AuditLog {
  readonly #dir: string
  /** Open append handles by day; only the latest two days are kept open. */
  readonly #files = new Map<string, Promise<FileHandle>>()
  /** One write at a time per process: each line is one `write`, and a sync covers every line before it. */
  #queue: Promise<unknown> = Promise.resolve()

  private constructor(dir: string) {
    this.#dir = dir
  }

  static async open(dir: string): Promise<NdjsonAuditLog> {
    await mkdir(dir, { recursive: true, mode: 0o700 })
    await chmod(dir, 0o700)
    return new NdjsonAuditLog(dir)
  }

  appendCall(record: AuditCallRecord): Promise<void> {
    return this.#append(parisDayLabel(record.at), record, true)
  }

  appendOutcome(record: AuditOutcomeRecord): Promise<void> {
    return this.#append(parisDayLabel(record.callAt), record, false)
  }

  async *records(range: AuditRange): AsyncGenerator<AuditRecord> {
    for (const day of parisDaysBetween(range.from, range.to)) {
      const stream = createReadStream(this.#path(day), { encoding: 'utf8' })
      const opened = await new Promise<boolean>((resolve, reject) => {
        stream.once('open', () => resolve(true))
        stream.once('error', (error: NodeJS.ErrnoException) =>
          error.code === 'ENOENT' ? resolve(false) : reject(error),
        )
      })
      if (!opened) continue
      const lines = createInterface({ input: stream, crlfDelay: Infinity })
      try {
        for await (const line of lines) {
          const record = line === '' ? undefined : decodeAuditRecord(line)
          if (record !== undefined) yield record
        }
      } finally {
        lines.close()
        stream.destroy()
      }
    }
  }

  async pruneBefore(before: number): Promise<number> {
    const cutoff = parisDayLabel(before)
    let dropped = 0
    for (const name of await readdir(this.#dir)) {
      const day = FILE.exec(name)?.[1]
      // A day whose label sorts before the cutoff's ended at or before the cutoff's midnight, so before `before`.
      if (day === undefined || !DAY_LABEL.test(day) || day >= cutoff) continue
      await this.#closeDay(day)
      await unlink(path.join(this.#dir, name)).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error
      })
      dropped++
    }
    return dropped
  }

  async close(): Promise<void> {
    await this.#queue.catch(() => undefined)
    for (const day of [...this.#files.keys()]) await this.#closeDay(day)
  }

  #path(day: string): string {
    return path.join(this.#dir, `unattended-${day}.ndjson`)
  }

  #append(day: string, record: AuditRecord, sync: boolean): Promise<void> {
    const line = Buffer.from(`${encodeAuditRecord(record)}\n`, 'utf8')
    const run = this.#queue.then(async () => {
      const file = await this.#file(day)
      await file.write(line)
      if (sync) await file.datasync()
    })
    this.#queue = run.catch(() => undefined)
    return run
  }

  async #file(day: string): Promise<FileHandle> {
    let handle = this.#files.get(day)
    if (handle === undefined) {
      handle = open(this.#path(day), 'a', 0o600).then(async (file) => {
        await file.chmod(0o600)
        return file
      })
      this.#files.set(day, handle)
      handle.catch(() => this.#files.delete(day))
      for (const old of [...this.#files.keys()].sort().slice(0, -2)) await this.#closeDay(old)
    }
    return handle
  }

  async #closeDay(day: string): Promise<void> {
    const handle = this.#files.get(day)
    if (handle === undefined) return
    this.#files.delete(day)
    await handle.then((file) => file.close()).catch(() => undefined)
  }
}
