import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql'
import type { GatewayContext } from '../context.js'
import type { AccountParent } from '../account/account.type.js'
import { Account } from '../account/account.type.js'
import { toAuthorizationRequest, toBankConnection } from './bank-connection.mapping.js'
import { BankAuthorizationRequest, BankConnection } from './bank-connection.type.js'
import { UpdateConsentInput } from './update-consent.input.js'

const bankArg = { nullable: true, description: '5-digit bank code, e.g. "17515"; default: the caller\'s bank.' }

/** The bank-connection lifecycle: declares the schema and delegates to one service per use case (DESIGN step 3). */
@Resolver(() => BankConnection)
export class ConnectionResolver {
  @Query(() => [BankConnection], {
    description: "The caller PSU's connection to each bank it may use, with its state. No bank call.",
  })
  async bankConnections(@Ctx() ctx: GatewayContext): Promise<BankConnection[]> {
    return (await ctx.services.connections.list.list(ctx.caller)).map(toBankConnection)
  }

  @Mutation(() => BankAuthorizationRequest, {
    description:
      "Step 1 of linking a bank: where to send the PSU. redirectUri must be one of the gateway's REDIRECT_URIS.",
  })
  async startBankAuthorization(
    @Arg('bank', () => String, bankArg) bank: string | undefined,
    @Arg('redirectUri', () => String, {
      description:
        'Where the bank sends the PSU back with code and state; exactly one of the configured REDIRECT_URIS.',
    })
    redirectUri: string,
    @Ctx() ctx: GatewayContext,
  ): Promise<BankAuthorizationRequest> {
    return toAuthorizationRequest(await ctx.services.connections.start.start(ctx.caller, bank, redirectUri))
  }

  @Mutation(() => BankConnection, {
    description: 'Step 2: the PSU is back from the bank. Exchanges the code and stores the tokens (CONSENT_REQUIRED).',
  })
  async completeBankAuthorization(
    @Arg('state', () => String, { description: 'The state startBankAuthorization returned (and the bank sent back).' })
    state: string,
    @Arg('code', () => String, { description: 'The authorisation code the bank sent to redirectUri.' })
    code: string,
    @Ctx() ctx: GatewayContext,
  ): Promise<BankConnection> {
    return toBankConnection(await ctx.services.connections.complete.complete(ctx.caller, state, code))
  }

  @Mutation(() => [Account], {
    description:
      'Step 3: forwards what the PSU grants (PUT /consents) and returns the accounts as the bank now lists them, with their ids and grants.',
  })
  async updateConsent(
    @Arg('input', () => UpdateConsentInput) input: UpdateConsentInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<AccountParent[]> {
    const list = await ctx.services.consents.update(ctx.caller, input.bank, input, ctx.budget)
    return list.value.map((a) => ({ ...a, listFreshness: list.freshness }))
  }

  @Mutation(() => BankConnection, {
    description: 'Withdraws every grant at the bank (sends the empty consent); the link itself stays.',
  })
  async revokeConsent(
    @Arg('bank', () => String, bankArg) bank: string | undefined,
    @Ctx() ctx: GatewayContext,
  ): Promise<BankConnection> {
    return toBankConnection(await ctx.services.consents.revoke(ctx.caller, bank, ctx.budget))
  }

  @Mutation(() => BankConnection, {
    description:
      'Ends the link: revokes the refresh token at the bank, deletes the tokens and the cached data. Quota counts stay.',
  })
  async disconnectBank(
    @Arg('bank', () => String, bankArg) bank: string | undefined,
    @Ctx() ctx: GatewayContext,
  ): Promise<BankConnection> {
    return toBankConnection(await ctx.services.connections.disconnect.disconnect(ctx.caller, bank))
  }
}
