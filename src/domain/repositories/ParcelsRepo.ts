/** What parcel moves need from storage (implemented by persistence/ParcelsRepo.ts). */
import { Context, type Effect } from "effect"
import type { OrderId, ParcelId, PartnerId } from "../Ids.js"
import type { Measurement } from "../Order.js"

/** A parcel a scanned code names. */
export interface ParcelMatch {
  readonly id: ParcelId
  readonly order_id: OrderId
  readonly tracking: string
}

/** A parcel and its flow, as a move decides on it. */
export interface ParcelForMove {
  readonly id: ParcelId
  readonly tracking: string
  readonly status: string
  readonly step_index: number
  readonly steps: ReadonlyArray<string>
}

/** A parcel as a scan answers it. */
export interface ScannedParcelRow {
  readonly id: ParcelId
  readonly tracking: string
  readonly order_tracking: string
  readonly partner_id: PartnerId
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
 * What the database's last line of defence (the parcels_forward_only trigger) said about a
 * move; it fires only if someone moved the parcel without holding the order lock.
 */
export type AdvanceOutcome = "moved" | "refused_cancelled" | "refused_backwards"

/** Parcel storage for scans; the caller holds one transaction that first locks the order row. */
export class ParcelsRepo extends Context.Tag("starmile/ParcelsRepo")<ParcelsRepo, {
  /** Parcels whose Starmile tracking or merchant tracking is `code` (at most one per partner). */
  readonly findByCode: (code: string) => Effect.Effect<ReadonlyArray<ParcelMatch>>
  /** Locks the order row for the rest of the transaction (same lock as cancel). */
  readonly lockOrder: (orderId: OrderId) => Effect.Effect<void>
  /** The parcel as it is now (after the lock), if it still answers to `code`. */
  readonly readForMove: (parcelId: ParcelId, code: string) => Effect.Effect<ParcelForMove | undefined>
  /** Moves the parcel (and records a measurement) and writes its status event. */
  readonly advance: (
    move: { parcelId: ParcelId; from: string; to: string; toIndex: number; measurement: Measurement }
  ) => Effect.Effect<AdvanceOutcome>
  /** A same-status scan with a DWS measurement: only the measurement is written. */
  readonly recordMeasurement: (parcelId: ParcelId, measurement: Measurement) => Effect.Effect<void>
  readonly view: (parcelId: ParcelId) => Effect.Effect<ScannedParcelRow>
}>() {}
