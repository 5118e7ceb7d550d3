/**
 * The Redis ledger's Lua scripts, inlined as strings so that the build needs no copy step (STYLE.md B6 names a
 * `reserve.lua`; same contract, kept here). Each script touches the keys of one slot only: a key's grants, its 429
 * mark and its slot's witness (`store-epoch.ts`), or the store-wide record alone, so every script runs unchanged on
 * Redis Cluster (invariant 7).
 *
 * Time: `now` is the store's `TIME`, so that every replica counts on one clock (invariant 5), unless the caller
 * passes `nowOverride` (tests move time; `RedisLedgerOptions.clock`). Redis 7 replicates script effects, so `TIME`
 * is allowed in a writing script. The Paris day of `now` comes from `midnights`: the caller passes the Paris
 * midnights (luxon, `parisMidnightsAround`) of the days around its own clock, ascending; the script picks the last
 * one <= now and the first one > now. The labelling of a day therefore never depends on the caller's clock, only the
 * list does; when the store's time falls outside the list (a clock skew of days), the script answers `clock-skew`
 * and the ledger fails closed.
 *
 * Every number goes back to the client as a decimal string (`%.0f`: exact for epoch milliseconds).
 */

const CLOCK_AND_DAY = `
local function clock_now(override)
  if override ~= '' then return tonumber(override) end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function num(value) return string.format('%.0f', value) end
local function paris_day(now, first)
  local day_start, day_end
  for i = first, #ARGV do
    local midnight = tonumber(ARGV[i])
    if midnight <= now then day_start = midnight elseif not day_end then day_end = midnight end
  end
  return day_start, day_end
end
`

/** Rolling window and retention, mirrored from windows.ts. */
const CONSTANTS = `
local ROLLING_MS = 86400000
local RETENTION_MS = 93600000
local function windows_end(now, day_end, windows)
  if windows == 'calendar-day' then return day_end end
  if windows == 'rolling-24h' then return now + ROLLING_MS end
  return math.max(day_end, now + ROLLING_MS)
end
`

/**
 * Check, then take one unit: a refused call uses no quota (unlike rate-limiter-flexible's consume-then-check).
 *
 * KEYS[1] grants (sorted set: member = grant id, score = grant time), KEYS[2] exhaustedUntil (string, epoch ms),
 * KEYS[3] the slot's witness (`<epoch id>` clean, `<epoch id>|<lostUntil>` a loss recorded).
 * ARGV[1] the epoch id this process counts under, ARGV[2] limit, ARGV[3] windows, ARGV[4] grant id,
 * ARGV[5] nowOverride ('' = TIME), ARGV[6..] Paris midnights.
 * Returns { status, now, reason, exhaustedUntil, lostUntil, witness, grant times... } where status is
 * `ok` (decided), `no-witness` or `foreign-witness` (nothing done: the caller judges the witness, then asks again)
 * or `clock-skew` (nothing done); reason is '' when granted, else `store-lost`, `exhausted` or `limit`.
 *
 * Idempotent per grant id: a grant already held under ARGV[4] is answered as granted and not added again, so a
 * reserve whose reply was lost (a failover, a timeout) is asked again with the same id and can never take two units.
 */
export const RESERVE_SCRIPT = `${CLOCK_AND_DAY}${CONSTANTS}
local now = clock_now(ARGV[5])
local day_start, day_end = paris_day(now, 6)
if not day_start or not day_end then return { 'clock-skew', num(now), '', '', '', '' } end

local witness = redis.call('GET', KEYS[3])
if not witness then return { 'no-witness', num(now), '', '', '', '' } end
local bar = string.find(witness, '|', 1, true)
local lost_until = nil
if bar then
  lost_until = tonumber(string.sub(witness, bar + 1))
elseif witness ~= ARGV[1] then
  return { 'foreign-witness', num(now), '', '', '', witness }
end

redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', num(now - RETENTION_MS))
local exhausted_until = tonumber(redis.call('GET', KEYS[2]) or '')
local reason = ''
if redis.call('ZSCORE', KEYS[1], ARGV[4]) then
  reason = ''
elseif lost_until and now < lost_until then
  reason = 'store-lost'
elseif exhausted_until and now < exhausted_until then
  reason = 'exhausted'
else
  local calendar = redis.call('ZCOUNT', KEYS[1], num(day_start), '+inf')
  local rolling = redis.call('ZCOUNT', KEYS[1], '(' .. num(now - ROLLING_MS), '+inf')
  local used = math.max(calendar, rolling)
  if ARGV[3] == 'calendar-day' then used = calendar elseif ARGV[3] == 'rolling-24h' then used = rolling end
  if used >= tonumber(ARGV[2]) then
    reason = 'limit'
  else
    redis.call('ZADD', KEYS[1], num(now), ARGV[4])
    redis.call('PEXPIRE', KEYS[1], RETENTION_MS)
  end
end

local reply = { 'ok', num(now), reason, exhausted_until and num(exhausted_until) or '',
  lost_until and num(lost_until) or '', witness }
local held = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
for i = 2, #held, 2 do reply[#reply + 1] = held[i] end
return reply
`

/**
 * Read a key without changing it. KEYS as RESERVE_SCRIPT; ARGV[1] nowOverride.
 * Returns { now, exhaustedUntil, witness ('' missing), grant times... }.
 */
export const STATUS_SCRIPT = `${CLOCK_AND_DAY}
local now = clock_now(ARGV[1])
local exhausted_until = tonumber(redis.call('GET', KEYS[2]) or '')
local witness = redis.call('GET', KEYS[3])
local reply = { num(now), exhausted_until and num(exhausted_until) or '', witness or '' }
local held = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
for i = 2, #held, 2 do reply[#reply + 1] = held[i] end
return reply
`

/**
 * A 429: the key is spent until its windows end (invariant 4). Never shortens an earlier mark.
 * KEYS[1] exhaustedUntil. ARGV[1] nowOverride, ARGV[2] windows, ARGV[3..] Paris midnights. Returns { status, until }.
 * The key's TTL is relative to the script's `now`, so a test clock far from real time cannot expire it early.
 */
export const MARK_EXHAUSTED_SCRIPT = `${CLOCK_AND_DAY}${CONSTANTS}
local now = clock_now(ARGV[1])
local day_start, day_end = paris_day(now, 3)
if not day_start or not day_end then return { 'clock-skew', num(now) } end
local until_at = windows_end(now, day_end, ARGV[2])
local previous = tonumber(redis.call('GET', KEYS[1]) or '')
if previous and previous > until_at then until_at = previous end
redis.call('SET', KEYS[1], num(until_at), 'PX', num(until_at - now + 60000))
return { 'ok', num(until_at) }
`

/**
 * Compare-and-set a slot's witness. KEYS[1] the witness. ARGV[1] the value expected ('' = missing), ARGV[2] the
 * epoch id, ARGV[3] `clean` or `lost` (lost until the windows of the store's now have passed), ARGV[4] nowOverride,
 * ARGV[5] windows, ARGV[6..] Paris midnights. Returns { status, witness held afterwards, value meant }: `ok` when
 * written, `changed` when the witness was not what was expected (nothing done), `clock-skew`.
 */
export const WRITE_WITNESS_SCRIPT = `${CLOCK_AND_DAY}${CONSTANTS}
local current = redis.call('GET', KEYS[1]) or ''
local value = ARGV[2]
if ARGV[3] == 'lost' then
  local now = clock_now(ARGV[4])
  local day_start, day_end = paris_day(now, 6)
  if not day_start or not day_end then return { 'clock-skew', current, '' } end
  value = ARGV[2] .. '|' .. num(windows_end(now, day_end, ARGV[5]))
end
if current ~= ARGV[1] then return { 'changed', current, value } end
redis.call('SET', KEYS[1], value)
return { 'ok', value, value }
`

/**
 * Compare-and-set the store-wide record. KEYS[1] the hash { id, missing, state, distrust }. ARGV[1] the id expected
 * ('' = missing), ARGV[2] the new id, ARGV[3] missing, ARGV[4] distrust. The new record is `init` until every witness
 * exists. Returns the record held afterwards { id, missing, state, distrust, lostAt } ('' for none): the new one if
 * the store still held what was expected, else the current one. (`lostAt`: a record written by the previous scheme.)
 */
export const CLAIM_EPOCH_SCRIPT = `
local current = redis.call('HMGET', KEYS[1], 'id', 'missing', 'state', 'distrust', 'lostAt')
local current_id = current[1] or ''
if current_id ~= ARGV[1] then
  return { current_id, current[2] or '', current[3] or '', current[4] or '', current[5] or '' }
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'id', ARGV[2], 'missing', ARGV[3], 'state', 'init', 'distrust', ARGV[4])
return { ARGV[2], ARGV[3], 'init', ARGV[4], '' }
`

/** Every witness exists: the record becomes `ready`. KEYS[1] the record, ARGV[1] its id. */
export const EPOCH_READY_SCRIPT = `
if redis.call('HGET', KEYS[1], 'id') == ARGV[1] then redis.call('HSET', KEYS[1], 'state', 'ready') end
return 'ok'
`
