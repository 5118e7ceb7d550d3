/**
 * DESIGN inv. 12: tokens and bank data at rest are private to the process's user. Folders under DATA_DIR that hold
 * them are 0700 and their files 0600, whatever the umask, tightened again at every start (a copied or restored
 * DATA_DIR keeps the modes it came with).
 */
import { chmod, mkdir, readdir } from 'node:fs/promises'
import path from 'node:path'

export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 })
  await chmod(dir, 0o700)
}

/** After a store opened its files (lmdb creates them with the umask's mode): each regular file becomes 0600. */
export async function restrictFiles(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isFile()) await chmod(path.join(dir, entry.name), 0o600)
  }
}
