/**
 * A secret made on first start under DATA_DIR and shared by every process that uses that folder (the development
 * signing key, the sandbox token key). Replicas may start together: each writes its candidate whole under a private
 * name and links it into place; the first link wins and everyone reads the winner. `writeFile(…, { flag: 'wx' })`
 * alone is not enough: a second process can read the file between its creation and its first byte.
 */
import { chmod, link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import path from 'node:path'

/** Returns the file's contents, creating it (0600, in a 0700 folder) from `make()` if it does not exist yet. */
export async function readOrCreateSecretFile(file: string, make: () => Promise<string> | string): Promise<string> {
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const dir = path.dirname(file)
  await mkdir(dir, { recursive: true, mode: 0o700 })
  await chmod(dir, 0o700)
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`
  await writeFile(draft, await make(), { mode: 0o600, flag: 'wx' })
  try {
    await link(draft, file).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    })
  } finally {
    await unlink(draft)
  }
  return readFile(file, 'utf8')
}
