/**
 * `npm run token -- --psu 9999999901 [--present] [--bank 17515] [--ttl 43200]`: prints a development bearer token.
 * Without --present: a partner/batch caller. With it: a frontend session where the PSU is at the keyboard.
 */
import { parseArgs } from 'node:util'
import { systemClock } from '../clock.js'
import { loadConfig } from '../config/config.js'
import { issueDevToken, loadOrCreateDevSigningKey } from './dev-token.js'

const { values } = parseArgs({
  options: {
    psu: { type: 'string' },
    present: { type: 'boolean', default: false },
    bank: { type: 'string', multiple: true },
    ttl: { type: 'string', default: '43200' },
  },
})
const config = loadConfig(process.env)
if (!config.auth.devTokens) {
  console.error('development tokens are only accepted in sandbox mode (STET_ENVIRONMENT=sandbox)')
  process.exit(2)
}
if (values.psu === undefined || !/^[A-Z0-9]{6,20}$/i.test(values.psu)) {
  console.error('usage: npm run token -- --psu <PSU id, e.g. 9999999901> [--present] [--bank 17515] [--ttl seconds]')
  process.exit(2)
}
const ttlSeconds = Number(values.ttl)
if (!Number.isInteger(ttlSeconds) || ttlSeconds < 60 || ttlSeconds > 86_400) {
  console.error('--ttl must be an integer number of seconds between 60 and 86400 (development tokens are short-lived)')
  process.exit(2)
}
const key = await loadOrCreateDevSigningKey(config.dataDir)
console.log(
  await issueDevToken(
    key,
    { psuId: values.psu, present: values.present, banks: values.bank ?? [] },
    { clock: systemClock, ttlSeconds },
  ),
)
