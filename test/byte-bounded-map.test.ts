/**
 * The bound the in-process memory tiers share (src/byte-bounded-map.ts): oldest first out, a hit reorders nothing,
 * an entry above a quarter of the bound is not kept, a bound of 0 keeps nothing.
 */
import { describe, expect, it } from '@jest/globals'
import { ByteBoundedMap } from '../src/byte-bounded-map.js'

describe('ByteBoundedMap', () => {
  it('evicts in insertion order until the new entry fits, and a hit does not move an entry', () => {
    const map = new ByteBoundedMap<string, number>(100)
    map.set('a', 1, 25)
    map.set('b', 2, 25)
    map.set('c', 3, 25)
    map.set('d', 4, 25)
    expect(map.bytes).toBe(100)
    expect(map.get('a')).toBe(1) // a hit: 'a' stays the oldest
    map.set('e', 5, 20)
    expect(map.get('a')).toBeUndefined()
    expect([map.get('b'), map.get('c'), map.get('d'), map.get('e')]).toEqual([2, 3, 4, 5])
    expect(map.bytes).toBe(95)
    map.set('f', 6, 25) // 120 bytes: 'b' out
    expect([map.get('b'), map.get('c'), map.get('d'), map.get('e'), map.get('f')]).toEqual([undefined, 3, 4, 5, 6])
    expect(map.bytes).toBe(95)
  })

  it('evicts as many of the oldest as the new entry needs', () => {
    const map = new ByteBoundedMap<string, number>(100)
    for (const [key, bytes] of [
      ['a', 10],
      ['b', 10],
      ['c', 25],
      ['d', 25],
      ['e', 25],
    ] as const)
      map.set(key, 0, bytes)
    map.set('f', 1, 25) // 120, then 110: 'a' and 'b' out
    expect(['a', 'b', 'c', 'd', 'e', 'f'].map((key) => map.get(key) !== undefined)).toEqual([
      false,
      false,
      true,
      true,
      true,
      true,
    ])
    expect([map.bytes, map.size]).toEqual([100, 4])
  })

  it('keeps no entry above a quarter of the bound, and does not replace a key it holds', () => {
    const map = new ByteBoundedMap<string, string>(100)
    map.set('big', 'x', 26)
    expect(map.get('big')).toBeUndefined()
    map.set('k', 'first', 10)
    map.set('k', 'second', 10)
    expect(map.get('k')).toBe('first')
    expect(map.bytes).toBe(10)
    map.clear()
    expect([map.size, map.bytes, map.get('k')]).toEqual([0, 0, undefined])
  })

  it('keeps nothing with a bound of 0', () => {
    const off = new ByteBoundedMap<string, number>(0)
    off.set('a', 1, 1)
    expect([off.size, off.bytes, off.get('a')]).toEqual([0, 0, undefined])
  })
})
