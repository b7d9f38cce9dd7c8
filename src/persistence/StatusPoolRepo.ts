/**
 * SQL for the status pool (domain/repositories/StatusPoolRepo.ts): a partner's unacknowledged
 * status events (partial index status_pool_unacknowledged on (partner_id, id) where
 * acknowledged_at is null).
 */
import { Effect, Layer, Schema } from "effect"
import { StatusPoolRepo } from "../domain/repositories/StatusPoolRepo.js"
import { StatusEvent } from "../domain/StatusPool.js"
import { decodeAll, decodeSingle, Int8, RepositorySql, Timestamptz } from "./Rows.js"
import { dieOnSqlError } from "./SqlErrors.js"

const StatusEventRow = Schema.Struct({ ...StatusEvent.fields, id: Int8, occurred_at: Timestamptz })
const Acknowledged = Schema.Struct({ acknowledged: Int8 })

/** StatusPoolRepo over the SqlClient. */
export const StatusPoolRepoLive = Layer.effect(
  StatusPoolRepo,
  Effect.gen(function* () {
    const sql = yield* RepositorySql

    return StatusPoolRepo.of({
      listUnacknowledged: (q) =>
        sql`
          select e.id, o.tracking as order_id, o.partner_order_id, p.tracking as parcel_id, p.item_id,
                 p.merchant_tracking, e.status, e.previous_status, e.occurred_at
            from status_events e
            join orders o on o.id = e.order_id
            join parcels p on p.id = e.parcel_id
           where e.partner_id = ${q.partnerId} and e.acknowledged_at is null
             and ${q.afterId === undefined ? sql`true` : sql`e.id > ${q.afterId}`}
           order by e.id
           limit ${q.limit}`.pipe(decodeAll(StatusEventRow), dieOnSqlError),

      acknowledge: (partnerId, ids) =>
        sql`
          with acked as (
            update status_events set acknowledged_at = now()
             where partner_id = ${partnerId} and id = any(${ids as Array<number>}::bigint[]) and acknowledged_at is null
            returning 1)
          select count(*) as acknowledged from acked`.pipe(
          decodeSingle(Acknowledged),
          Effect.map((row) => row.acknowledged),
          dieOnSqlError
        )
    })
  })
)
