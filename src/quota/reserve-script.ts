/**
 * The Redis ledger's Lua scripts, inlined as strings so that the build needs no copy step (STYLE.md B6 names a
 * `reserve.lua`; same contract, kept here). Each script touches only keys of one hash tag (`{bank:psu}`), or the
 * epoch key alone, so every script runs unchanged on Redis Cluster (invariant 7).
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

/** Rolling window and retention, mirrored from windows.ts. Tag epochs outlive every grant they vouch for. */
const CONSTANTS = `
local ROLLING_MS = 86400000
local RETENTION_MS = 93600000
local TAG_EPOCH_TTL_MS = 604800000
`

/**
 * Check, then take one unit: a refused call uses no quota (unlike rate-limiter-flexible's consume-then-check).
 *
 * KEYS[1] grants (sorted set: member = grant id, score = grant time), KEYS[2] exhaustedUntil (string, epoch ms),
 * KEYS[3] the tag's epoch (`<epochId>` confirmed, `p:<epochId>` pending, missing: never used or lost).
 * ARGV[1] the epoch id this process counts under, ARGV[2] a tag epoch the caller has verified it may replace ('' none),
 * ARGV[3] lostUntil ('' none), ARGV[4] limit, ARGV[5] windows, ARGV[6] grant id, ARGV[7] nowOverride ('' = TIME),
 * ARGV[8..] Paris midnights.
 * Returns { status, now, reason, exhaustedUntil, tagEpoch, grant times... } where status is
 * `ok` (decided, tag confirmed), `tentative` (decided, but the tag had no confirmed epoch: the caller must verify the
 * store epoch before it trusts the grant), `tag-mismatch` (nothing done) or `clock-skew` (nothing done);
 * reason is '' when granted, else `store-lost`, `exhausted` or `limit`.
 */
export const RESERVE_SCRIPT = `${CLOCK_AND_DAY}${CONSTANTS}
local now = clock_now(ARGV[7])
local day_start, day_end = paris_day(now, 8)
if not day_start or not day_end then return { 'clock-skew', num(now), '', '', '' } end

local tag = redis.call('GET', KEYS[3])
local status = 'ok'
if tag == ARGV[1] then
  redis.call('PEXPIRE', KEYS[3], TAG_EPOCH_TTL_MS)
elseif tag and ARGV[2] ~= '' and tag == ARGV[2] then
  redis.call('SET', KEYS[3], ARGV[1], 'PX', TAG_EPOCH_TTL_MS)
elseif tag and string.sub(tag, 1, 2) ~= 'p:' then
  return { 'tag-mismatch', num(now), '', '', tag }
else
  status = 'tentative'
  redis.call('SET', KEYS[3], 'p:' .. ARGV[1], 'PX', TAG_EPOCH_TTL_MS)
end

redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', num(now - RETENTION_MS))
local lost_until = tonumber(ARGV[3])
local exhausted_until = tonumber(redis.call('GET', KEYS[2]) or '')
local reason = ''
if lost_until and now < lost_until then
  reason = 'store-lost'
elseif exhausted_until and now < exhausted_until then
  reason = 'exhausted'
else
  local calendar = redis.call('ZCOUNT', KEYS[1], num(day_start), '+inf')
  local rolling = redis.call('ZCOUNT', KEYS[1], '(' .. num(now - ROLLING_MS), '+inf')
  local used = math.max(calendar, rolling)
  if ARGV[5] == 'calendar-day' then used = calendar elseif ARGV[5] == 'rolling-24h' then used = rolling end
  if used >= tonumber(ARGV[4]) then
    reason = 'limit'
  else
    redis.call('ZADD', KEYS[1], num(now), ARGV[6])
    redis.call('PEXPIRE', KEYS[1], RETENTION_MS)
  end
end

local reply = { status, num(now), reason, exhausted_until and num(exhausted_until) or '', tag or '' }
local held = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
for i = 2, #held, 2 do reply[#reply + 1] = held[i] end
return reply
`

/**
 * Read a key without changing it. KEYS as RESERVE_SCRIPT; ARGV[1] nowOverride.
 * Returns { now, exhaustedUntil, tagEpoch, grant times... }.
 */
export const STATUS_SCRIPT = `${CLOCK_AND_DAY}
local now = clock_now(ARGV[1])
local exhausted_until = tonumber(redis.call('GET', KEYS[2]) or '')
local tag = redis.call('GET', KEYS[3])
local reply = { num(now), exhausted_until and num(exhausted_until) or '', tag or '' }
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
local until_at = math.max(day_end, now + ROLLING_MS)
if ARGV[2] == 'calendar-day' then until_at = day_end elseif ARGV[2] == 'rolling-24h' then until_at = now + ROLLING_MS end
local previous = tonumber(redis.call('GET', KEYS[1]) or '')
if previous and previous > until_at then until_at = previous end
redis.call('SET', KEYS[1], num(until_at), 'PX', num(until_at - now + 60000))
return { 'ok', num(until_at) }
`

/** Confirm a pending tag epoch once the caller has verified the store epoch. KEYS[1] tag epoch, ARGV[1] epoch id. */
export const CONFIRM_TAG_SCRIPT = `
if redis.call('GET', KEYS[1]) == 'p:' .. ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'KEEPTTL')
end
return 'ok'
`

/**
 * Compare-and-set the store epoch. KEYS[1] the epoch hash { id, lostAt }. ARGV[1] the id expected ('' = missing),
 * ARGV[2] the new id, ARGV[3] '1' to record the loss at now, ARGV[4] nowOverride. Returns the epoch held afterwards,
 * { id, lostAt } ('' for none): the new one if the store still held what was expected, else the current one.
 */
export const SET_EPOCH_SCRIPT = `${CLOCK_AND_DAY}
local current = redis.call('HMGET', KEYS[1], 'id', 'lostAt')
local current_id = current[1] or ''
if current_id ~= ARGV[1] then return { current_id, current[2] or '' } end
local lost_at = ''
if ARGV[3] == '1' then lost_at = num(clock_now(ARGV[4])) end
redis.call('HSET', KEYS[1], 'id', ARGV[2], 'lostAt', lost_at)
return { ARGV[2], lost_at }
`
