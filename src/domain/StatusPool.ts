/**
 * The status pool (CONTRACT §6): every parcel status change and every cancellation writes a
 * status event; a partner reads its unacknowledged events oldest first and acknowledges them
 * to take them out of the pool. Reading does not consume: an event stays until acknowledged.
 *
 * Decisions: `GET` pages with `limit` (1–1000, default 100) and an opaque `cursor`
 * (`next_cursor` is set when more unacknowledged events follow the page), so a consumer can
 * read ahead before acknowledging. `ack` takes 1–1000 event ids (positive integers, repeats
 * allowed) and answers how many were newly acknowledged; unknown, foreign and already
 * acknowledged ids are ignored.
 */
import { Effect, Schema } from "effect"
import { ReportAllErrors, Timestamp } from "./Catalogue.js"
import { Id } from "./Primitives.js"
import type { PartnerId } from "./Ids.js"
import { StatusPoolRepo } from "./repositories/StatusPoolRepo.js"

export const POOL_DEFAULT_LIMIT = 100
export const POOL_MAX_LIMIT = 1000
export const ACK_MAX_IDS = 1000

/** A status event of the partner's pool. */
export const StatusEvent = Schema.Struct({
  id: Id,
  order_id: Schema.String.annotations({ description: "Starmile order tracking" }),
  partner_order_id: Schema.String,
  parcel_id: Schema.String.annotations({ description: "Starmile parcel tracking" }),
  item_id: Schema.NullOr(Schema.String),
  merchant_tracking: Schema.String,
  status: Schema.String,
  previous_status: Schema.NullOr(Schema.String),
  occurred_at: Timestamp
}).annotations({ identifier: "StatusEvent" })
export type StatusEvent = typeof StatusEvent.Type

/** The acknowledge body: 1–1000 event ids. */
export const AckRequest = Schema.Struct({
  ids: Schema.Array(Id).annotations({ message: () => "must be an array of event ids" }).pipe(
    Schema.minItems(1, { message: () => "must list at least one event id" }),
    Schema.maxItems(ACK_MAX_IDS, { message: () => `must list at most ${ACK_MAX_IDS} event ids` })
  )
}).annotations({ identifier: "StatusPoolAck", parseOptions: ReportAllErrors })
export type AckRequest = typeof AckRequest.Type

/** What an acknowledge answers. */
export const AckResult = Schema.Struct({
  acknowledged: Schema.Number.annotations({ description: "Events newly acknowledged by this call" })
}).annotations({ identifier: "StatusPoolAckResult" })

/** A page of the status pool, oldest first. */
export interface PoolPage {
  readonly events: ReadonlyArray<StatusEvent>
  /** id of the last event when more unacknowledged events follow. */
  readonly nextAfterId: number | null
}

/** A partner's status pool: read unacknowledged events, acknowledge them. */
export class StatusPool extends Effect.Service<StatusPool>()("starmile/StatusPool", {
  effect: Effect.gen(function* () {
    const repo = yield* StatusPoolRepo
    return {
      read: (partnerId: PartnerId, options: { readonly limit: number; readonly afterId: number | undefined }) =>
        Effect.map(
          repo.listUnacknowledged({ partnerId, limit: options.limit + 1, afterId: options.afterId }),
          (rows): PoolPage =>
            rows.length > options.limit
              ? { events: rows.slice(0, options.limit), nextAfterId: rows[options.limit - 1]!.id }
              : { events: rows, nextAfterId: null }
        ),

      acknowledge: (partnerId: PartnerId, ids: ReadonlyArray<number>) => repo.acknowledge(partnerId, [...new Set(ids)])
    }
  })
}) {}
