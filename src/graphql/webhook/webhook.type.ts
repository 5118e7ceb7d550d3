import { GraphQLDateTime } from 'graphql-scalars'
import { Field, ID, Int, ObjectType } from 'type-graphql'
import { WebhookEvent } from './webhook-event.enum.js'

@ObjectType({ description: 'A delivery the gateway gave up on after its last attempt (kept for inspection).' })
export class WebhookDelivery {
  @Field(() => ID, { description: "The event's idempotency id (the body's id, the Webhook-Id header)." })
  id!: string

  @Field(() => WebhookEvent, { description: 'The event it carried.' })
  event!: WebhookEvent

  @Field(() => GraphQLDateTime, { description: 'When the event was put in the outbox.' })
  createdAt!: Date

  @Field(() => Int, { description: 'Attempts made.' })
  attempts!: number

  @Field(() => String, {
    nullable: true,
    description: 'What the last attempt met: an HTTP status, a timeout, a refused address.',
  })
  lastError?: string

  @Field(() => GraphQLDateTime, { nullable: true, description: 'When it was dead-lettered.' })
  deadAt?: Date
}

@ObjectType({ description: "A partner's endpoint for one PSU connection (the caller's PSU at one bank)." })
export class Webhook {
  @Field(() => ID, { description: 'Names the webhook in unregisterWebhook and in every body it receives (webhookId).' })
  id!: string

  @Field(() => String, { description: 'The 5-digit bank code of the connection.' })
  bank!: string

  @Field(() => String, { description: 'Where each event is POSTed (JSON, signed: see the README).' })
  url!: string

  @Field(() => [WebhookEvent], { description: 'The events it receives.' })
  events!: WebhookEvent[]

  @Field(() => GraphQLDateTime, { description: 'When it was registered.' })
  createdAt!: Date
}
