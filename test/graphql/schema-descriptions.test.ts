/**
 * The schema is a product (issue 15): every type, field, argument, enum value, input field and directive a partner
 * sees in introspection carries a description. Walks the schema the code builds, so a new field without one fails.
 */
import { describe, expect, it } from '@jest/globals'
import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isSpecifiedDirective,
  isSpecifiedScalarType,
  type GraphQLSchema,
} from 'graphql'
import { buildGatewaySchema } from '../../src/graphql/schema.js'

function missingDescriptions(schema: GraphQLSchema): string[] {
  const missing: string[] = []
  const check = (where: string, description: string | null | undefined) => {
    if (description === undefined || description === null || description.trim() === '') missing.push(where)
  }
  // type-graphql builds the root types itself and cannot describe them; their fields are checked like any other.
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()])
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || isSpecifiedScalarType(type)) continue
    if (!roots.has(type as never)) check(type.name, type.description)
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        check(`${type.name}.${field.name}`, field.description)
        for (const arg of field.args) check(`${type.name}.${field.name}(${arg.name})`, arg.description)
      }
    }
    if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) check(`${type.name}.${field.name}`, field.description)
    }
    if (isEnumType(type)) {
      for (const value of type.getValues()) check(`${type.name}.${value.name}`, value.description)
    }
  }
  for (const directive of schema.getDirectives()) {
    if (isSpecifiedDirective(directive)) continue
    check(`@${directive.name}`, directive.description)
    for (const arg of directive.args) check(`@${directive.name}(${arg.name})`, arg.description)
  }
  return missing
}

describe('schema descriptions', () => {
  it('every type, field, argument, enum value and directive has one', async () => {
    expect(missingDescriptions(await buildGatewaySchema())).toEqual([])
  })

  it('the walk finds what lacks one (it is not vacuous)', async () => {
    const { buildSchema } = await import('graphql')
    const bare = buildSchema(`
      type Query { a(x: Int): E b: Int @deprecated c: T }
      "documented" enum E { ONE "two" TWO }
      type T { "documented" d: Int }
      directive @x(y: Int) on QUERY
    `)
    expect(missingDescriptions(bare)).toEqual([
      'Query.a',
      'Query.a(x)',
      'Query.b',
      'Query.c',
      'E.ONE',
      'T',
      '@x',
      '@x(y)',
    ])
  })
})
