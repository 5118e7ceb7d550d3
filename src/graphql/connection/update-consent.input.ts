import { Field, InputType } from 'type-graphql'

@InputType({
  description:
    "What the PSU grants at one bank. Replaces the consent in force; every IBAN must be one of the PSU's accounts there.",
})
export class UpdateConsentInput {
  @Field(() => String, { nullable: true, description: "5-digit bank code; default: the caller's bank." })
  bank?: string

  @Field(() => [String], { description: 'IBANs whose balances the PSU grants.' })
  balances!: string[]

  @Field(() => [String], { description: 'IBANs whose transactions the PSU grants.' })
  transactions!: string[]

  @Field(() => [String], { description: 'IBANs whose authorised overdraft the PSU grants.' })
  overdrafts!: string[]

  @Field(() => Boolean, { description: 'Whether the PSU grants their identity (GET /end-user-identity).' })
  psuIdentity!: boolean
}
