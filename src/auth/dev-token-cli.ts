/**
 * `npm run -s token -- --psu 9999999901 [--present] [--bank 17515] [--client partner-a] [--ttl 43200]`: prints a development bearer token,
 * alone on stdout (so that `TOKEN=$(npm run -s token -- --psu …)` works); every problem is one line on stderr.
 * Without --present: a partner/batch caller. With it: a frontend session where the PSU is at the keyboard.
 */
import { parseArgs } from 'node:util'
import { systemClock } from '../clock.js'
import { ConfigInvalidError, loadConfig } from '../config/config.js'
import { issueDevToken, loadOrCreateDevSigningKey } from './dev-token.js'

const USAGE = `usage: npm run -s token -- --psu <PSU id> [--present] [--bank <code>]... [--client <id>] [--ttl <seconds>]

Prints a development bearer token for the gateway in sandbox mode (signed with DATA_DIR's development key).
  --psu <id>       the PSU the caller acts for: 9999999901 LEA, 9999999902 CLAIRE, 9999999903 GEORGES,
                   9999999904 GILLES, D0999990I0 Marc, D0999993I0 Tech'n Co
  --present        a frontend session with the PSU at the keyboard (no daily limit); default: a partner (batch)
  --bank <code>    a bank the caller may use (repeatable; default: any)
  --client <id>    the partner's client id (client_id claim): its own TRUSTED_DOCUMENTS apply
  --ttl <seconds>  lifetime, 60..86400 (default 43200)
  -h, --help       this text`

function fail(message: string): never {
  process.stderr.write(`${message}\n`)
  process.exit(2)
}

let values
try {
  ;({ values } = parseArgs({
    options: {
      psu: { type: 'string' },
      present: { type: 'boolean', default: false },
      bank: { type: 'string', multiple: true },
      client: { type: 'string' },
      ttl: { type: 'string', default: '43200' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }))
} catch (error) {
  fail(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`)
}
if (values.help) {
  process.stdout.write(`${USAGE}\n`)
  process.exit(0)
}
let config
try {
  config = loadConfig(process.env)
} catch (error) {
  if (error instanceof ConfigInvalidError) fail(error.message)
  throw error
}
if (!config.auth.devTokens) fail('development tokens are only accepted in sandbox mode (STET_ENVIRONMENT=sandbox)')
if (values.psu === undefined || !/^[A-Z0-9]{6,20}$/i.test(values.psu)) fail(USAGE)
const ttlSeconds = Number(values.ttl)
if (values.client !== undefined && !/^[^\s,=]{1,256}$/.test(values.client)) {
  fail('--client must be a client id without spaces, commas or "="')
}
if (!Number.isInteger(ttlSeconds) || ttlSeconds < 60 || ttlSeconds > 86_400) {
  fail('--ttl must be an integer number of seconds between 60 and 86400 (development tokens are short-lived)')
}
const key = await loadOrCreateDevSigningKey(config.dataDir)
process.stdout.write(
  `${await issueDevToken(
    key,
    {
      psuId: values.psu,
      present: values.present,
      banks: values.bank ?? [],
      ...(values.client === undefined ? {} : { clientId: values.client }),
    },
    { clock: systemClock, ttlSeconds },
  )}\n`,
)
