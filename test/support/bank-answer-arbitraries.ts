/**
 * Generated bank answers for the hand-written shape checks' equivalence tests (transactions-check, resource-checks):
 * mostly well formed, with every field sometimes of a wrong type, blank, null or absent, and with unknown properties.
 */
import fc from 'fast-check'
import * as v from 'valibot'
import { expect } from '@jest/globals'

/** What the bank could send in place of anything: the wrong types and the empty values. */
export const junk = fc.oneof(
  fc.constant(null),
  fc.constant(''),
  fc.constant('   '),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.string({ maxLength: 4 }),
  fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.string({ maxLength: 3 }), { maxKeys: 2 }),
)

/** Usually `valid`, once in 61 junk or absent (absent is a missing key: fc.record's requiredKeys). */
export const mostly = <T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ arbitrary: valid, weight: 60 }, { arbitrary: junk, weight: 1 })

export const amountText = fc.oneof(
  { arbitrary: fc.constantFrom('13.00', '-150.00', '0.01'), weight: 20 },
  fc.constantFrom('13.00', '-150.00', '+5.10', ' 7.5 ', '0', '1e3', '1,5', '12345678901234567890.12'),
  { arbitrary: fc.integer({ min: -100_000, max: 100_000 }), weight: 5 },
  fc.constantFrom(12.5, -3.07, 0.123, 1e21),
)

export const amount = fc.record(
  { amount: amountText, currency: fc.constantFrom('EUR', ''), extra: fc.string() },
  { requiredKeys: ['amount', 'currency'] },
)

export const date = fc.oneof(
  fc.constantFrom('2026-11-30', '2026-11-30T10:00:00+0100', '2026-11-30T09:00:00Z', '', ' ', null),
  fc.string({ maxLength: 5 }),
)

export const link = fc.record(
  { href: mostly(fc.constantFrom('/stet/psd2/v1.6.2/accounts/A1/transactions', 'x')), templated: mostly(fc.boolean()) },
  { requiredKeys: ['href'] },
)

export const optionalKeys = { requiredKeys: [] as never[] }

/** An answer's `_links`: `self` and the named optional links, and one the schema does not know. */
export const answerLinks = (names: readonly string[]): fc.Arbitrary<unknown> =>
  mostly(
    fc.record(
      { self: mostly(link), ...Object.fromEntries(names.map((name) => [name, mostly(link)])), unknown: link },
      { requiredKeys: ['self'] },
    ),
  )

/**
 * `check` against `schema` on 3,000 bodies drawn from `answer` (and some junk): both accept with the same output, or
 * both refuse; the output never holds a property named `addedByTheBank`. Returns how many were accepted and refused.
 */
export function expectSameAsSpecification(
  schema: v.GenericSchema,
  check: (value: unknown) => { ok: true; value: unknown } | { ok: false; issues: readonly string[] },
  answer: fc.Arbitrary<unknown>,
  seed: number,
): { accepted: number; refused: number } {
  let accepted = 0
  let refused = 0
  fc.assert(
    fc.property(fc.oneof({ arbitrary: answer, weight: 20 }, { arbitrary: junk, weight: 1 }), (body) => {
      // Both read the same parsed JSON text, as checkBody gives it.
      const spec = v.safeParse(schema, JSON.parse(JSON.stringify(body) ?? 'null'))
      const hand = check(JSON.parse(JSON.stringify(body) ?? 'null'))
      expect(hand.ok).toBe(spec.success)
      if (hand.ok && spec.success) {
        accepted++
        expect(hand.value).toEqual(spec.output)
        expect(JSON.stringify(hand.value)).not.toContain('addedByTheBank')
      } else {
        refused++
      }
    }),
    { numRuns: 3000, seed },
  )
  return { accepted, refused }
}
