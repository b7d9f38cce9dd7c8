/**
 * SQL for the status pool: a partner's unacknowledged status events (partial index
 * status_pool_unacknowledged on (partner_id, id) where acknowledged_at is null).
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { dieOnSqlError } from "./SqlErrors.js"

export interface StatusEventRow {
  readonly id: number
  readonly order_id: string
  readonly partner_order_id: string
  readonly parcel_id: string
  readonly item_id: string | null
  readonly merchant_tracking: string
  readonly status: string
  readonly previous_status: string | null
  readonly occurred_at: Date
}

export class StatusPoolRepo extends Effect.Service<StatusPoolRepo>()("starmile/StatusPoolRepo", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    return {
      /** Oldest first (by id); `afterId` continues after a page. */
      listUnacknowledged: (q: { readonly partnerId: number; readonly limit: number; readonly afterId: number | undefined }) =>
        sql<StatusEventRow>`
          select e.id, o.tracking as order_id, o.partner_order_id, p.tracking as parcel_id, p.item_id,
                 p.merchant_tracking, e.status, e.previous_status, e.occurred_at
            from status_events e
            join orders o on o.id = e.order_id
            join parcels p on p.id = e.parcel_id
           where e.partner_id = ${q.partnerId} and e.acknowledged_at is null
             and ${q.afterId === undefined ? sql`true` : sql`e.id > ${q.afterId}`}
           order by e.id
           limit ${q.limit}`.pipe(dieOnSqlError),

      /** One statement; ids of other partners and already acknowledged ones are left alone. */
      acknowledge: (partnerId: number, ids: ReadonlyArray<number>) =>
        sql<{ acknowledged: number }>`
          with acked as (
            update status_events set acknowledged_at = now()
             where partner_id = ${partnerId} and id = any(${ids as Array<number>}::bigint[]) and acknowledged_at is null
            returning 1)
          select count(*) as acknowledged from acked`.pipe(Effect.map((rows) => rows[0]?.acknowledged ?? 0), dieOnSqlError)
    }
  })
}) {}
