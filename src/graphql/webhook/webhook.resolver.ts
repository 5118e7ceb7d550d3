import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql'
import { GraphQLDateTime } from 'graphql-scalars'
import type { DeadLetter, RegisteredWebhook as WebhookRecord } from '../../services/webhooks.js'
import type { GatewayContext } from '../context.js'
import { WebhookEvent } from './webhook-event.enum.js'
import { Webhook, WebhookDelivery } from './webhook.type.js'

/** Webhooks for partners (issue 17): declares the schema and delegates to the webhooks service. */
@Resolver(() => Webhook)
export class WebhookResolver {
  @Query(() => [Webhook], { description: "The webhooks of the caller PSU's connections. No bank call." })
  webhooks(@Ctx() ctx: GatewayContext): Promise<WebhookRecord[]> {
    return ctx.services.webhooks.list(ctx.caller)
  }

  @Mutation(() => Webhook, {
    description:
      "Registers an endpoint for the caller PSU's connection to a bank. The url must be https to a public address (sandbox mode: http and local addresses too); BAD_USER_INPUT otherwise.",
  })
  registerWebhook(
    @Arg('bank', () => String, { nullable: true, description: "5-digit bank code; default: the caller's bank." })
    bank: string | undefined,
    @Arg('url', () => String, { description: 'Where to POST the events.' }) url: string,
    @Arg('events', () => [WebhookEvent], { description: 'The events to receive (at least one).' })
    events: WebhookEvent[],
    @Ctx() ctx: GatewayContext,
  ): Promise<WebhookRecord> {
    return ctx.services.webhooks.register(ctx.caller, bank, url, events)
  }

  @Mutation(() => Boolean, {
    description: "Removes a webhook with its pending deliveries. NOT_FOUND for an id that is not the caller's.",
  })
  async unregisterWebhook(
    @Arg('id', () => ID, { description: 'The webhook to remove.' }) id: string,
    @Ctx() ctx: GatewayContext,
  ): Promise<boolean> {
    await ctx.services.webhooks.unregister(ctx.caller, id)
    return true
  }

  @FieldResolver(() => Int, { description: 'Deliveries waiting in the outbox (the one being attempted included).' })
  pendingDeliveries(@Root() webhook: WebhookRecord, @Ctx() ctx: GatewayContext): Promise<number> {
    return ctx.services.webhooks.pending(webhook)
  }

  @FieldResolver(() => [WebhookDelivery], { description: 'Deliveries given up on, newest first.' })
  async deadLetters(
    @Root() webhook: WebhookRecord,
    @Arg('first', () => Int, { defaultValue: 20, description: 'How many (1..100).' }) first: number,
    @Ctx() ctx: GatewayContext,
  ): Promise<WebhookDelivery[]> {
    const dead = await ctx.services.webhooks.deadLetters(webhook, Math.min(100, Math.max(1, first)))
    return dead.map(toDelivery)
  }

  @FieldResolver(() => GraphQLDateTime, { description: 'When it was registered.' })
  createdAt(@Root() webhook: WebhookRecord): Date {
    return new Date(webhook.createdAt)
  }
}

function toDelivery(d: DeadLetter): WebhookDelivery {
  return {
    id: d.id,
    event: d.eventType as WebhookEvent,
    createdAt: new Date(d.createdAt),
    attempts: d.attempts,
    ...(d.lastError === undefined ? {} : { lastError: d.lastError }),
    ...(d.deadAt === undefined ? {} : { deadAt: new Date(d.deadAt) }),
  }
}
