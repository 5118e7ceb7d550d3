/**
 * The memo of checked transactions answers (checked-statements.ts): an identical text is the same statement, checked
 * once; another text is checked again; a refusal is never kept; the bound evicts the oldest; 0 turns it off.
 */
import { describe, expect, it } from '@jest/globals'
import { CheckedStatements } from '../../src/stet/checked-statements.js'
import type { CheckedTransaction } from '../../src/stet/stet-schemas.js'
import { checkTransactions } from '../../src/stet/transactions-check.js'

function answerText(n: number, label = 'x'): string {
  const transactions = Array.from({ length: n }, (_, i) => ({
    entryReference: `${label}-${i}`,
    transactionAmount: { amount: `${i}.00`, currency: 'EUR' },
    creditDebitIndicator: 'DBIT',
    status: 'BOOK',
    bookingDate: '2026-11-30',
    remittanceInformation: [`line ${i}`],
  }))
  return JSON.stringify({ transactions, _links: { self: { href: '/accounts/a/transactions' } } })
}

/** What the STET client gives the memo: the real check of the real text, counted. */
function counted(text: string, calls: { n: number }): () => readonly CheckedTransaction[] {
  return () => {
    calls.n += 1
    const checked = checkTransactions(JSON.parse(text) as unknown)
    if (!checked.ok) throw new Error(checked.issues.join('; '))
    return checked.value.transactions
  }
}

describe('CheckedStatements', () => {
  it('checks an answer once: the identical text again is the same statement, another text a new one', () => {
    const memo = new CheckedStatements(1024 * 1024)
    const calls = { n: 0 }
    const text = answerText(5)
    const first = memo.of(text, counted(text, calls))
    expect(first.transactions).toHaveLength(5)
    expect(first.transactions[0]).toMatchObject({ entryReference: 'x-0', status: 'BOOK' })
    // An equal text that is not the same string object (as every bank answer is).
    const again = memo.of(answerText(5), counted(text, calls))
    expect(again).toBe(first)
    expect(calls.n).toBe(1)
    const other = answerText(5, 'y')
    const second = memo.of(other, counted(other, calls))
    expect(second).not.toBe(first)
    expect(second.digest).not.toBe(first.digest)
    expect(second.transactions[0]).toMatchObject({ entryReference: 'y-0' })
    expect(calls.n).toBe(2)
    expect(memo.size).toBe(2)
  })

  it('keeps no refusal: a text whose check throws is checked again next time', () => {
    const memo = new CheckedStatements(1024 * 1024)
    let calls = 0
    const refuse = (): readonly CheckedTransaction[] => {
      calls += 1
      throw new Error('shape check failed')
    }
    expect(() => memo.of('{"transactions":7}', refuse)).toThrow('shape check failed')
    expect(() => memo.of('{"transactions":7}', refuse)).toThrow('shape check failed')
    expect(calls).toBe(2)
    expect(memo.size).toBe(0)
  })

  it('stays within its bound, the oldest answer evicted first, and keeps nothing when off', () => {
    const texts = Array.from({ length: 6 }, (_, i) => answerText(10, `t${i}`))
    const one = texts[0]?.length ?? 0
    // Room for four of them (each estimated at 2 bytes per character; none may take more than a quarter).
    const bound = one * 2 * 4 + 10
    const memo = new CheckedStatements(bound)
    const calls = { n: 0 }
    for (const text of texts) memo.of(text, counted(text, calls))
    expect(memo.size).toBe(4)
    expect(memo.bytes).toBeLessThanOrEqual(bound)
    const last = texts[5] ?? ''
    memo.of(last, counted(last, calls))
    expect(calls.n).toBe(6) // the newest is still held
    const oldest = texts[0] ?? ''
    memo.of(oldest, counted(oldest, calls))
    expect(calls.n).toBe(7) // the oldest was evicted

    const off = new CheckedStatements(0)
    const offCalls = { n: 0 }
    off.of(last, counted(last, offCalls))
    off.of(last, counted(last, offCalls))
    expect(offCalls.n).toBe(2)
    expect(off.size).toBe(0)
  })
})
