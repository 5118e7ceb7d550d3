/**
 * How cache entries are written as text, in lmdb and in Redis alike: plain JSON. keyv's default codec walks every
 * value in JavaScript (to carry Buffers and escape strings starting with ':') and revives every string on the way
 * back; our entries are plain JSON data (STET records, numbers, booleans), so V8's native JSON does the same work at a
 * fraction of the cost: about 0.8 % of a cold read's CPU profile went to the default codec alone (bench/RESULTS.md).
 */
import type { KeyvOptions } from 'keyv'

export const cacheCodec: Pick<KeyvOptions, 'serialize' | 'deserialize'> = {
  serialize: (data) => JSON.stringify(data),
  deserialize: (text) => JSON.parse(text) as ReturnType<typeof JSON.parse>,
}
