/**
 * One place that knows how to open Redis: a single server (`redis://…`) or a Redis Cluster (`STORE_CLUSTER_NODES`,
 * `redis+cluster://…`). The ledger, the cache, the locks and the tokens take a `RedisConnection` and use only
 * single-key commands or scripts whose keys share one hash tag, so the same code runs on both.
 *
 * Cluster specifics handled here:
 * - MOVED and ASK are followed by node-redis itself (the command did not run where it was refused: re-sending it is
 *   always safe).
 * - node-redis refreshes its slot map only on MOVED. When a master dies, commands for its slots fail on a dead socket
 *   and never see a MOVED, so the map would stay stale after its replica is promoted. `watchClusterTopology` asks for
 *   a fresh map (CLUSTER SLOTS, from a live node) whenever a node connection fails, at most twice a second.
 * - Every command fails fast while its node is unreachable (no offline queue): callers decide what is safe to retry.
 */
import calculateSlot from 'cluster-key-slot'
import { createClient, createCluster } from 'redis'
import type { RedisClientType, RedisClusterType } from 'redis'

export type RedisTarget =
  | { readonly kind: 'single'; readonly url: string }
  | {
      readonly kind: 'cluster'
      /** `host:port` of some nodes: the client discovers the rest. */
      readonly nodes: readonly string[]
      readonly username?: string
      readonly password?: string
    }

export type RedisConnection = RedisClientType | RedisClusterType

export interface RedisConnectionOptions {
  readonly connectTimeoutMs: number
  /** Default: node-redis's own (reconnect forever with a growing delay). */
  readonly reconnectStrategy?: (retries: number) => number
}

export function isCluster(connection: RedisConnection): connection is RedisClusterType {
  return 'masters' in connection
}

/** Opens nothing yet: call `connect()`. */
export function createRedisConnection(target: RedisTarget, options: RedisConnectionOptions): RedisConnection {
  const socket = {
    connectTimeout: options.connectTimeoutMs,
    ...(options.reconnectStrategy === undefined ? {} : { reconnectStrategy: options.reconnectStrategy }),
  }
  if (target.kind === 'single') {
    return createClient({ url: target.url, disableOfflineQueue: true, socket }) as RedisClientType
  }
  const cluster = createCluster({
    rootNodes: target.nodes.map((node) => ({ url: `redis://${node}` })),
    defaults: {
      disableOfflineQueue: true,
      socket,
      ...(target.username === undefined ? {} : { username: target.username }),
      ...(target.password === undefined ? {} : { password: target.password }),
    },
  }) as unknown as RedisClusterType
  watchClusterTopology(cluster)
  return cluster
}

const REDISCOVER_EVERY_MS = 500

/** See the module comment: a failed node connection triggers a slot-map refresh from a node that still answers. */
function watchClusterTopology(cluster: RedisClusterType): void {
  let last = 0
  const refresh = (): void => {
    const now = Date.now()
    if (now - last < REDISCOVER_EVERY_MS || !cluster.isOpen) return
    last = now
    const live = cluster.masters.concat(cluster.replicas).find((node) => node.client?.isReady === true)?.client
    if (live === undefined) return
    // `_slots.rediscover` is node-redis's own MOVED handler (public in its typings); it falls back to the root nodes.
    cluster._slots.rediscover(live as never).catch(() => undefined)
  }
  cluster.on('node-error', refresh)
  cluster.on('node-reconnecting', refresh)
}

/**
 * A command that names no key (WAIT), sent to the master that holds `key`'s slot (a single server: the server).
 * `WAIT` must go to the node that took the write it waits for.
 */
export function sendCommandFor(connection: RedisConnection, key: string, args: string[]): Promise<unknown> {
  if (isCluster(connection)) return connection.sendCommand(key, false, args)
  return connection.sendCommand(args)
}

/** The cluster slot of a key (its hash tag's, when it has one). */
export function slotOf(key: string): number {
  return calculateSlot(key)
}

export const CLUSTER_SLOTS = 16384

let slotTags: string[] | undefined

/**
 * For each of the 16384 slots, a short hash tag whose keys land in it: `{<slotTagFor(s)>}` puts a key in slot `s`.
 * Lets a script address a per-slot record beside any key (a key's slot is known, its partner key is named for it).
 * Computed once (about 170 000 CRC16s, a few tens of ms), only on a cluster.
 */
export function slotTagFor(slot: number): string {
  if (slotTags === undefined) {
    const tags = new Array<string>(CLUSTER_SLOTS)
    let filled = 0
    for (let i = 0; filled < CLUSTER_SLOTS; i++) {
      const tag = `s${i.toString(36)}`
      const s = calculateSlot(tag)
      if (tags[s] === undefined) {
        tags[s] = tag
        filled++
      }
    }
    slotTags = tags
  }
  const tag = slotTags[slot]
  if (tag === undefined) throw new RangeError(`no slot ${slot}`)
  return tag
}

/**
 * One command per key for many keys (thousands: a store's witnesses), pipelined to the node that holds each key
 * (a node-redis cluster sends commands one by one, at about half a millisecond each here). A group that fails (a
 * slot moved meanwhile) is sent again key by key through the routing client. Returns the replies in key order.
 */
export async function pipelinePerKey(
  connection: RedisConnection,
  keys: readonly string[],
  command: (key: string) => string[],
): Promise<unknown[]> {
  const groups = new Map<RedisClientType, number[]>()
  const replies = new Array<unknown>(keys.length)
  const slow: number[] = []
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] ?? ''
    const client = isCluster(connection) ? nodeClientOf(connection, key) : connection
    if (client === undefined) slow.push(i)
    else {
      const group = groups.get(client)
      if (group === undefined) groups.set(client, [i])
      else group.push(i)
    }
  }
  await Promise.all(
    [...groups].map(async ([client, indexes]) => {
      const multi = client.multi()
      for (const i of indexes) multi.addCommand(command(keys[i] ?? ''))
      try {
        const answers = await multi.execAsPipeline()
        indexes.forEach((i, n) => (replies[i] = answers[n]))
      } catch {
        slow.push(...indexes)
      }
    }),
  )
  for (const i of slow) {
    const key = keys[i] ?? ''
    replies[i] = isCluster(connection)
      ? await connection.sendCommand(key, false, command(key))
      : await connection.sendCommand(command(key))
  }
  return replies
}

function nodeClientOf(cluster: RedisClusterType, key: string): RedisClientType | undefined {
  const client = cluster.slots[slotOf(key)]?.master.client
  return client?.isReady === true ? (client as unknown as RedisClientType) : undefined
}
