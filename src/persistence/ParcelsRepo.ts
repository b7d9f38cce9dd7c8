/**
 * SQL for parcel moves. The caller (ParcelFlow.scan) runs these inside one transaction that
 * first locks the parcel's order row.
 */
import type { SqlError } from "@effect/sql"
import { Effect, Layer, Schema } from "effect"
import { hasMeasurement, type Measurement } from "../domain/Order.js"
import { type AdvanceOutcome, ParcelsRepo } from "../domain/repositories/ParcelsRepo.js"
import { OrderId, ParcelId, PartnerId } from "../domain/Ids.js"
import { decodeAll, decodeFirst, decodeSingle, Int8Id, RepositorySql, Timestamptz } from "./Rows.js"
import { dieOnSqlError, pgErrorInfo, RAISED_EXCEPTION } from "./SqlErrors.js"

const ParcelMatchRow = Schema.Struct({ id: Int8Id(ParcelId), order_id: Int8Id(OrderId), tracking: Schema.String })
const ParcelForMoveRow = Schema.Struct({
  id: Int8Id(ParcelId),
  tracking: Schema.String,
  status: Schema.String,
  step_index: Schema.Number,
  steps: Schema.Array(Schema.String)
})
const NullableInt = Schema.NullOr(Schema.Number)
const ScannedParcelRow = Schema.Struct({
  id: Int8Id(ParcelId),
  tracking: Schema.String,
  order_tracking: Schema.String,
  partner_id: Int8Id(PartnerId),
  partner_order_id: Schema.String,
  item_id: Schema.NullOr(Schema.String),
  merchant_tracking: Schema.String,
  status: Schema.String,
  steps: Schema.Array(Schema.String),
  measured_weight_grams: NullableInt,
  measured_length_mm: NullableInt,
  measured_width_mm: NullableInt,
  measured_height_mm: NullableInt,
  measured_at: Schema.NullOr(Timestamptz),
  updated_at: Timestamptz
})

const triggerRefusal = (error: SqlError.SqlError): AdvanceOutcome | undefined => {
  const info = pgErrorInfo(error)
  if (info?.code !== RAISED_EXCEPTION) return undefined
  return info.constraint === "parcels_cancelled_stay"
    ? "refused_cancelled"
    : info.constraint === "parcels_forward_only"
    ? "refused_backwards"
    : undefined
}

/** ParcelsRepo over the SqlClient. */
export const ParcelsRepoLive = Layer.effect(
  ParcelsRepo,
  Effect.gen(function* () {
    const sql = yield* RepositorySql

    const measuredColumns = (m: Measurement) => {
      const sent = hasMeasurement(m)
      return sql`measured_weight_grams = coalesce(${m.weight_grams ?? null}::int, measured_weight_grams),
                 measured_length_mm = coalesce(${m.length_mm ?? null}::int, measured_length_mm),
                 measured_width_mm = coalesce(${m.width_mm ?? null}::int, measured_width_mm),
                 measured_height_mm = coalesce(${m.height_mm ?? null}::int, measured_height_mm),
                 measured_at = case when ${sent} then now() else measured_at end`
    }

    return ParcelsRepo.of({
      /** Parcels whose Starmile tracking or merchant tracking is `code` (at most one per partner). */
      findByCode: (code: string) =>
        sql`select id, order_id, tracking from parcels
                          where tracking = ${code} or merchant_tracking = ${code}
                          order by id limit 100`.pipe(decodeAll(ParcelMatchRow), dieOnSqlError),

      /** Locks the order row for the rest of the transaction (same lock as cancel). */
      lockOrder: (orderId: number) => sql`select id from orders where id = ${orderId} for update`.pipe(Effect.asVoid, dieOnSqlError),

      /** The parcel as it is now (after the lock), if it still answers to `code`. */
      readForMove: (parcelId: number, code: string) =>
        sql`select p.id, p.tracking, p.status, p.step_index, f.steps
                             from parcels p
                             join orders o on o.id = p.order_id
                             join services s on s.id = o.service_id
                             join flows f on f.id = s.flow_id
                            where p.id = ${parcelId} and (p.tracking = ${code} or p.merchant_tracking = ${code})`.pipe(
          decodeFirst(ParcelForMoveRow),
          dieOnSqlError
        ),

      /** Moves the parcel (and records a measurement) and writes its status event: one statement. */
      advance: (move) =>
        sql`with moved as (
              update parcels
                 set status = ${move.to}, step_index = ${move.toIndex}, ${measuredColumns(move.measurement)},
                     updated_at = now()
               where id = ${move.parcelId}
              returning id, order_id, partner_id)
            insert into status_events (partner_id, order_id, parcel_id, status, previous_status)
            select partner_id, order_id, id, ${move.to}, ${move.from} from moved`.pipe(
          Effect.as<AdvanceOutcome>("moved"),
          Effect.catchAll((error) => {
            const refusal = triggerRefusal(error)
            return refusal === undefined ? Effect.die(error) : Effect.succeed(refusal)
          })
        ),

      /** A same-status scan with a DWS measurement: only the measurement is written. */
      recordMeasurement: (parcelId, measurement) =>
        sql`update parcels set ${measuredColumns(measurement)}, updated_at = now() where id = ${parcelId}`.pipe(
          Effect.asVoid,
          dieOnSqlError
        ),

      view: (parcelId: number) =>
        sql`select p.id, p.tracking, o.tracking as order_tracking, p.partner_id, o.partner_order_id,
                               p.item_id, p.merchant_tracking, p.status, f.steps,
                               p.measured_weight_grams, p.measured_length_mm, p.measured_width_mm,
                               p.measured_height_mm, p.measured_at, p.updated_at
                          from parcels p
                          join orders o on o.id = p.order_id
                          join services s on s.id = o.service_id
                          join flows f on f.id = s.flow_id
                         where p.id = ${parcelId}`.pipe(decodeSingle(ScannedParcelRow), dieOnSqlError)
    })
  })
)
