/**
 * The bank answers of the in-memory floors (V0m, V1m, issue 16): each distinct request (PSU + resource path) is
 * asked of the real bank once, during the warming pass, and its parsed answer kept in a map; every later request is
 * answered from that map, without a call, a signature or a parse. The baselines' own code runs unchanged on top of it,
 * so V0m and V1m give the same bytes as V0 and V1: what is left is the cost of serving already parsed data, the floor
 * of a warm read for a hand-written server (V0m) and for naive Apollo + type-graphql (V1m).
 */
import type { BankAnswer, BankClient, BankReads } from './bank-client.js'

export class MemoryBank implements BankReads {
  readonly #bank: BankClient
  readonly #answers = new Map<string, Promise<BankAnswer>>()

  constructor(bank: BankClient) {
    this.#bank = bank
  }

  /** The PSU's IP only decides how the first call is sent; the answer is the same data either way. */
  get(psuId: string, resourcePath: string, psuIp: string | undefined): Promise<BankAnswer> {
    const key = `${psuId} ${resourcePath}`
    const known = this.#answers.get(key)
    if (known !== undefined) return known
    const answer = this.#bank.get(psuId, resourcePath, psuIp)
    this.#answers.set(key, answer)
    // A failed first call is not kept: the next request asks the bank again.
    answer.then(
      (a) => {
        if (a.status < 200 || a.status >= 300) this.#answers.delete(key)
      },
      () => this.#answers.delete(key),
    )
    return answer
  }

  close(): Promise<void> {
    return this.#bank.close()
  }
}

/** The baselines' bank from their environment: the real one, or (BANK_MEMORY=true) the in-memory floor over it. */
export function baselineBank(bank: BankClient, env: NodeJS.ProcessEnv): BankReads {
  return env.BANK_MEMORY === 'true' ? new MemoryBank(bank) : bank
}
