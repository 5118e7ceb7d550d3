import { readFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { buildSchema, parse, validate, type GraphQLObjectType } from 'graphql'
import { buildGatewaySchema } from '../../src/graphql/schema.js'

describe('schema.graphql', () => {
  it('is what the type-graphql classes emit (run `npm run schema` after changing them)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'stetgw-schema-'))
    const emitted = path.join(dir, 'schema.graphql')
    await buildGatewaySchema({ emitSchemaFile: emitted })
    const committed = await readFile(new URL('../../schema.graphql', import.meta.url), 'utf8')
    expect(await readFile(emitted, 'utf8')).toBe(committed)
    await rm(dir, { recursive: true, force: true })
  })

  it('keeps the names partners rely on', async () => {
    const schema = buildSchema(await readFile(new URL('../../schema.graphql', import.meta.url), 'utf8'))
    const query = schema.getQueryType()?.getFields() ?? {}
    expect(String(query.accounts?.type)).toBe('[Account!]!')
    expect(query.accounts?.args.map((a) => `${a.name}: ${String(a.type)}`)).toEqual(['bank: String'])
    expect(String(query.account?.type)).toBe('Account')
    expect(query.account?.args.map((a) => `${a.name}: ${String(a.type)}`)).toEqual(['id: ID!'])
    expect(String(query.identity?.type)).toBe('Identity')
    const fields = (name: string) => Object.keys((schema.getType(name) as GraphQLObjectType).getFields())
    expect(fields('Account')).toEqual(
      expect.arrayContaining([
        'id',
        'iban',
        'name',
        'currency',
        'cashAccountType',
        'usage',
        'psuStatus',
        'balances',
        'overdraft',
        'transactions',
      ]),
    )
    expect(fields('Balance')).toEqual(expect.arrayContaining(['type', 'name', 'amount', 'referenceDate']))
    expect(fields('Overdraft')).toEqual(expect.arrayContaining(['allowedAmount']))
    expect(fields('Transaction')).toEqual(
      expect.arrayContaining([
        'id',
        'entryReference',
        'amount',
        'creditDebitIndicator',
        'status',
        'bookingDate',
        'valueDate',
        'transactionDate',
        'remittanceInformation',
        'bankTransactionCode',
        'details',
      ]),
    )
    expect(fields('Money')).toEqual(['amount', 'currency'])
    expect(String((schema.getType('Money') as GraphQLObjectType).getFields().amount?.type)).toBe('String!')
    const tx = (schema.getType('Account') as GraphQLObjectType).getFields().transactions
    expect(tx?.args.map((a) => a.name).sort()).toEqual(['after', 'first', 'from', 'to'])
    expect(String(tx?.type)).toBe('TransactionConnection')
  })

  it("the README's API query is valid against it", async () => {
    const schema = buildSchema(await readFile(new URL('../../schema.graphql', import.meta.url), 'utf8'))
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8')
    const query = /```graphql\n([\s\S]*?)```/.exec(readme.split('## The API')[1] ?? '')?.[1]
    expect(query).toContain('accounts(bank:')
    expect(validate(schema, parse(query ?? '')).map((e) => e.message)).toEqual([])
  })
})
