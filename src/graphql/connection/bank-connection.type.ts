import { Field, GraphQLISODateTime, ObjectType, registerEnumType } from 'type-graphql'

export enum ConnectionStatus {
  ACTIVE = 'ACTIVE',
  CONSENT_REQUIRED = 'CONSENT_REQUIRED',
  REAUTHORIZATION_REQUIRED = 'REAUTHORIZATION_REQUIRED',
  DISCONNECTED = 'DISCONNECTED',
}
registerEnumType(ConnectionStatus, {
  name: 'ConnectionStatus',
  description: "A bank connection's state, derived from what the gateway holds and what the bank last said.",
  valuesConfig: {
    ACTIVE: { description: 'Linked, and the bank accepted a consent: reads work as the consent grants.' },
    CONSENT_REQUIRED: {
      description: 'Linked, but no consent granting anything is in force: the account list only (call updateConsent).',
    },
    REAUTHORIZATION_REQUIRED: {
      description:
        'The bank refused a token refresh or the 180 days since the last authorisation passed: cached values are served stale, no bank call (call startBankAuthorization).',
    },
    DISCONNECTED: { description: 'Never linked, or disconnected with disconnectBank: nothing is held.' },
  },
})

@ObjectType({
  description: 'The consent in force at a bank: what the bank last accepted (PUT /consents answered 201).',
})
export class Consent {
  @Field(() => [String], { description: 'IBANs whose balances are granted.' })
  balances!: string[]

  @Field(() => [String], { description: 'IBANs whose transactions (and transaction details) are granted.' })
  transactions!: string[]

  @Field(() => [String], { description: 'IBANs whose authorised overdraft is granted.' })
  overdrafts!: string[]

  @Field(() => Boolean, { description: "Whether the PSU's identity (GET /end-user-identity) is granted." })
  psuIdentity!: boolean

  @Field(() => GraphQLISODateTime, { description: 'When the bank accepted this consent.' })
  grantedAt!: Date
}

@ObjectType({ description: "The caller PSU's connection to one bank (one per PSU and bank)." })
export class BankConnection {
  @Field(() => String, { description: 'The 5-digit bank code, e.g. "17515".' })
  bank!: string

  @Field(() => ConnectionStatus, { description: 'What the connection allows now, and what the PSU must do next.' })
  status!: ConnectionStatus

  @Field(() => Consent, { nullable: true, description: 'The consent in force; null when none grants anything.' })
  consent?: Consent

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: "When the PSU last completed the bank's authorisation (strong customer authentication).",
  })
  authorizedAt?: Date

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: "When the refresh token stops working: 180 days after the last authorisation (the bank's rule).",
  })
  refreshTokenExpiresAt?: Date

  @Field(() => Boolean, {
    description:
      'Under 14 days left before refreshTokenExpiresAt: ask the PSU to authorise again before unattended reads break.',
  })
  expiresSoon!: boolean

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'When the gateway last obtained access tokens for this connection (code exchange or refresh).',
  })
  lastRefreshedAt?: Date
}

@ObjectType({ description: 'Where to send the PSU to authorise this gateway at their bank (OAuth2 code flow).' })
export class BankAuthorizationRequest {
  @Field(() => String, { description: "The bank's authorisation page, to open in the PSU's browser." })
  authorizationUrl!: string

  @Field(() => String, {
    nullable: true,
    description: "The same request as a universal link that opens the bank's app (App2App); null where there is none.",
  })
  app2appUrl?: string

  @Field(() => String, {
    description:
      'Opaque, one-time; the bank sends it back to redirectUri with the code: pass both to completeBankAuthorization.',
  })
  state!: string

  @Field(() => GraphQLISODateTime, { description: 'After this (10 minutes), the state is refused.' })
  expiresAt!: Date
}
