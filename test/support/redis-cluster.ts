/**
 * A real local Redis Cluster for a test: `redis-server --cluster-enabled yes` on free ports (nothing on disk but the
 * cluster's own nodes-<port>.conf in a temporary directory), joined with `redis-cli --cluster create`, optionally one
 * replica added with `--cluster add-node --cluster-slave`. Needs nothing but `redis-server` and `redis-cli`.
 *
 * `cluster-require-full-coverage no`: the other shards keep serving while one is down (the product's advice too).
 * `cluster-node-timeout 1000`: a dead master is failed over in a couple of seconds instead of fifteen.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'
import calculateSlot from 'cluster-key-slot'
import { createClient, type RedisClientType } from 'redis'
import { freePort } from './processes.js'

const run = promisify(execFile)

export interface ClusterNode {
  readonly port: number
  readonly address: string
  child: ChildProcess | undefined
}

export interface LocalRedisCluster {
  readonly nodes: readonly ClusterNode[]
  /** `127.0.0.1:p1,127.0.0.1:p2,…` for STORE_CLUSTER_NODES. */
  readonly nodeList: string
  /** The node that serves `key`'s slot now (asks the cluster). */
  masterOf(key: string): Promise<ClusterNode>
  /** Which node serves each slot now (one question to the cluster). */
  slotOwners(): Promise<Map<number, ClusterNode>>
  /** SIGKILL, as in a crash. */
  kill(node: ClusterNode): Promise<void>
  /** Starts the node again on its port, empty (no persistence), with its cluster identity (nodes.conf). */
  restart(node: ClusterNode): Promise<void>
  /** `CLUSTER FAILOVER` on a replica: it becomes the master of its master's slots, losing nothing. */
  failover(replica: ClusterNode): Promise<void>
  /** Resolves once every slot is served by a master that answers (after a failover or a restart). */
  waitHealthy(timeoutMs?: number): Promise<void>
  /** Deletes every key under `prefix` on every master. */
  deletePrefix(prefix: string): Promise<void>
  /** A client on one node (closed by `stop`). */
  admin(node: ClusterNode): Promise<RedisClientType>
  stop(): Promise<void>
}

async function waitListening(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = new Socket().connect(port, '127.0.0.1')
      s.once('connect', () => {
        s.destroy()
        resolve(true)
      })
      s.once('error', () => resolve(false))
    })
    if (ok) return
    await sleep(25)
  }
  throw new Error(`redis-server on ${port} did not start`)
}

export async function startRedisCluster(
  options: { masters?: number; replicaOf?: number } = {},
): Promise<LocalRedisCluster> {
  const masters = options.masters ?? 3
  const dir = await mkdtemp(path.join(tmpdir(), 'stet-cluster-'))
  const count = masters + (options.replicaOf === undefined ? 0 : 1)
  const nodes: ClusterNode[] = []
  for (let i = 0; i < count; i++) {
    const port = await freePort()
    nodes.push({ port, address: `127.0.0.1:${port}`, child: undefined })
  }
  const admins = new Map<number, RedisClientType>()

  const start = async (node: ClusterNode): Promise<void> => {
    node.child = spawn(
      'redis-server',
      [
        '--port',
        String(node.port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        path.join(dir, `nodes-${node.port}.conf`),
        '--cluster-node-timeout',
        '1000',
        '--cluster-require-full-coverage',
        'no',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--dir',
        dir,
      ],
      { stdio: 'ignore' },
    )
    await waitListening(node.port)
  }
  const admin = async (node: ClusterNode): Promise<RedisClientType> => {
    let client = admins.get(node.port)
    if (client?.isReady !== true) {
      client?.destroy()
      client = createClient({ url: `redis://${node.address}`, socket: { reconnectStrategy: false } })
      client.on('error', () => undefined)
      await client.connect()
      admins.set(node.port, client)
    }
    return client
  }
  const kill = async (node: ClusterNode): Promise<void> => {
    const child = node.child
    admins.get(node.port)?.destroy()
    admins.delete(node.port)
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGKILL')
    await exited
  }
  /** Nodes that are members of the cluster (a node started but not added yet is not). */
  const joined = new Set<ClusterNode>()
  const live = (): ClusterNode[] =>
    nodes.filter(
      (n) => joined.has(n) && n.child !== undefined && n.child.exitCode === null && n.child.signalCode === null,
    )

  /** slot → the address of the master serving it, as a live node sees it. */
  const slotMap = async (): Promise<Map<number, string>> => {
    for (const node of live()) {
      try {
        const client = await admin(node)
        const ranges = (await client.sendCommand(['CLUSTER', 'SLOTS'])) as [number, number, [string, number, string]][]
        const map = new Map<number, string>()
        for (const [from, to, master] of ranges)
          for (let s = from; s <= to; s++) map.set(s, `${master[0]}:${master[1]}`)
        return map
      } catch {
        // ask the next node
      }
    }
    throw new Error('no cluster node answers')
  }

  const waitHealthy = async (timeoutMs = 20_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      try {
        const map = await slotMap()
        const alive = new Set(live().map((n) => n.address))
        let ok = map.size === 16384 && [...map.values()].every((address) => alive.has(address))
        for (const node of live()) {
          const info = String(await (await admin(node)).sendCommand(['CLUSTER', 'INFO']))
          ok &&= info.includes('cluster_state:ok')
        }
        if (ok) return
      } catch {
        // not yet
      }
      if (Date.now() > deadline) throw new Error('the cluster did not become healthy')
      await sleep(100)
    }
  }

  for (const node of nodes) await start(node)
  const masterNodes = nodes.slice(0, masters)
  for (const node of masterNodes) joined.add(node)
  await run('redis-cli', [
    '--cluster',
    'create',
    ...masterNodes.map((n) => n.address),
    '--cluster-replicas',
    '0',
    '--cluster-yes',
  ])
  await waitHealthy()
  if (options.replicaOf !== undefined) {
    const replica = nodes[masters]
    const master = masterNodes[options.replicaOf]
    if (replica === undefined || master === undefined) throw new Error('no such master')
    await run('redis-cli', ['--cluster', 'add-node', replica.address, master.address, '--cluster-slave'])
    joined.add(replica)
    // Until the replica has synced, a failover could lose writes: wait for its link to be up.
    for (let i = 0; ; i++) {
      const info = String(await (await admin(replica)).sendCommand(['INFO', 'replication']))
      if (info.includes('master_link_status:up')) break
      if (i > 400) throw new Error('the replica did not sync')
      await sleep(50)
    }
  }

  return {
    nodes,
    nodeList: masterNodes.map((n) => n.address).join(','),
    masterOf: async (key) => {
      const address = (await slotMap()).get(calculateSlot(key))
      const node = nodes.find((n) => n.address === address)
      if (node === undefined) throw new Error(`no master for ${key}`)
      return node
    },
    slotOwners: async () => {
      const owners = new Map<number, ClusterNode>()
      for (const [slot, address] of await slotMap()) {
        const node = nodes.find((n) => n.address === address)
        if (node !== undefined) owners.set(slot, node)
      }
      return owners
    },
    kill,
    restart: start,
    failover: async (replica) => {
      await (await admin(replica)).sendCommand(['CLUSTER', 'FAILOVER'])
      for (let i = 0; i < 400; i++) {
        const role = (await (await admin(replica)).sendCommand(['ROLE'])) as unknown[]
        if (role[0] === 'master') return
        await sleep(25)
      }
      throw new Error('the replica was not promoted')
    },
    waitHealthy,
    deletePrefix: async (prefix) => {
      for (const node of live()) {
        const client = await admin(node)
        const role = (await client.sendCommand(['ROLE'])) as unknown[]
        if (role[0] !== 'master') continue
        for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
          // One key at a time: keys of different slots cannot share a DEL on a cluster node.
          for (const key of keys) await client.del(key)
        }
      }
    },
    admin,
    stop: async () => {
      for (const client of admins.values()) client.destroy()
      admins.clear()
      for (const node of nodes) await kill(node)
      await rm(dir, { recursive: true, force: true })
    },
  }
}
