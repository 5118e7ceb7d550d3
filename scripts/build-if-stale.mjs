// Runs `npm run build` only when something the build reads is newer than dist/ (npm start, npm run token,
// npm run sandbox): a fresh clone builds once, later runs start at once. Build output goes to stderr, so that
// `npm run -s token` prints the token alone.
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import path from 'node:path'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const stamp = path.join(root, 'dist', '.build-stamp')

function newest(entry) {
  const stat = statSync(entry, { throwIfNoEntry: false })
  if (stat === undefined) return 0
  if (!stat.isDirectory()) return stat.mtimeMs
  return readdirSync(entry).reduce((latest, name) => Math.max(latest, newest(path.join(entry, name))), stat.mtimeMs)
}

const inputs = ['src', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json']
const sourceTime = Math.max(...inputs.map((name) => newest(path.join(root, name))))
const builtTime = statSync(stamp, { throwIfNoEntry: false })?.mtimeMs ?? 0
if (sourceTime >= builtTime) {
  process.stderr.write('stet-gateway: building (dist/ is older than the sources)…\n')
  const result = spawnSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: ['ignore', 2, 2] })
  if (result.status !== 0) process.exit(result.status ?? 1)
}
