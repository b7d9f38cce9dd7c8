/**
 * SQL for parcel moves. The caller (ParcelFlow.scan) runs these inside one transaction that
 * first locks the parcel's order row.
 */
import { SqlClient, SqlError } from "@effect/sql"
import { Effect } from "effect"
import { hasMeasurement, type Measurement } from "../domain/Order.js"
import { dieOnSqlError, pgErrorInfo, RAISED_EXCEPTION } from "./SqlErrors.js"

export interface ParcelMatch {
  readonly id: number
  readonly order_id: number
  readonly tracking: string
}

export interface ParcelForMove {
  readonly id: number
  readonly tracking: string
  readonly status: string
  readonly step_index: number
  readonly steps: ReadonlyArray<string>
}

export interface ParcelView {
  readonly id: number
  readonly tracking: string
  readonly order_tracking: string
  readonly partner_id: number
  readonly partner_order_id: string
  readonly item_id: string | null
  readonly merchant_tracking: string
  readonly status: string
  readonly steps: ReadonlyArray<string>
  readonly measured_weight_grams: number | null
  readonly measured_length_mm: number | null
  readonly measured_width_mm: number | null
  readonly measured_height_mm: number | null
  readonly measured_at: Date | null
  readonly updated_at: Date
}

/**
 * What the parcels_forward_only trigger said. It fires only if someone moved the parcel
 * without holding the order lock; the domain answers it like its own check.
 */
export type AdvanceOutcome = "moved" | "refused_cancelled" | "refused_backwards"

const triggerRefusal = (error: SqlError.SqlError): AdvanceOutcome | undefined => {
  const info = pgErrorInfo(error)
  if (info?.code !== RAISED_EXCEPTION) return undefined
  return info.constraint === "parcels_cancelled_stay"
    ? "refused_cancelled"
    : info.constraint === "parcels_forward_only"
    ? "refused_backwards"
    : undefined
}

export class ParcelsRepo extends Effect.Service<ParcelsRepo>()("starmile/ParcelsRepo", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    const measuredColumns = (m: Measurement) => {
      const sent = hasMeasurement(m)
      return sql`measured_weight_grams = coalesce(${m.weight_grams ?? null}::int, measured_weight_grams),
                 measured_length_mm = coalesce(${m.length_mm ?? null}::int, measured_length_mm),
                 measured_width_mm = coalesce(${m.width_mm ?? null}::int, measured_width_mm),
                 measured_height_mm = coalesce(${m.height_mm ?? null}::int, measured_height_mm),
                 measured_at = case when ${sent} then now() else measured_at end`
    }

    return {
      /** Parcels whose Starmile tracking or merchant tracking is `code` (at most one per partner). */
      findByCode: (code: string) =>
        sql<ParcelMatch>`select id, order_id, tracking from parcels
                          where tracking = ${code} or merchant_tracking = ${code}
                          order by id limit 100`.pipe(dieOnSqlError),

      /** Locks the order row for the rest of the transaction (same lock as cancel). */
      lockOrder: (orderId: number) => sql`select id from orders where id = ${orderId} for update`.pipe(Effect.asVoid, dieOnSqlError),

      /** The parcel as it is now (after the lock), if it still answers to `code`. */
      readForMove: (parcelId: number, code: string) =>
        sql<ParcelForMove>`select p.id, p.tracking, p.status, p.step_index, f.steps
                             from parcels p
                             join orders o on o.id = p.order_id
                             join services s on s.id = o.service_id
                             join flows f on f.id = s.flow_id
                            where p.id = ${parcelId} and (p.tracking = ${code} or p.merchant_tracking = ${code})`.pipe(
          Effect.map((rows) => rows[0]),
          dieOnSqlError
        ),

      /** Moves the parcel (and records a measurement) and writes its status event: one statement. */
      advance: (move: { parcelId: number; from: string; to: string; toIndex: number; measurement: Measurement }) =>
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
      recordMeasurement: (parcelId: number, measurement: Measurement) =>
        sql`update parcels set ${measuredColumns(measurement)}, updated_at = now() where id = ${parcelId}`.pipe(
          Effect.asVoid,
          dieOnSqlError
        ),

      view: (parcelId: number) =>
        sql<ParcelView>`select p.id, p.tracking, o.tracking as order_tracking, p.partner_id, o.partner_order_id,
                               p.item_id, p.merchant_tracking, p.status, f.steps,
                               p.measured_weight_grams, p.measured_length_mm, p.measured_width_mm,
                               p.measured_height_mm, p.measured_at, p.updated_at
                          from parcels p
                          join orders o on o.id = p.order_id
                          join services s on s.id = o.service_id
                          join flows f on f.id = s.flow_id
                         where p.id = ${parcelId}`.pipe(Effect.map((rows) => rows[0]!), dieOnSqlError)
    }
  })
}) {}
