/**
 * What orders need from storage (implemented by persistence/OrdersRepo.ts): the row shapes
 * the domain works with and the repository's operations.
 */
import { Context, type Effect } from "effect"
import type { ServiceType } from "../Catalogue.js"
import type { DestinationColumns, NewDestinationColumns, RegionStatus } from "../Destination.js"
import type { OrderId, ParcelId, PartnerId, ServiceId, WarehouseId } from "../Ids.js"
import type { DuplicateReference, PackageType } from "../Order.js"

/** A service as order creation needs it, only when published for the partner in the warehouse. */
export interface PublishedService {
  readonly id: ServiceId
  readonly type: ServiceType
  readonly channel: string | null
  readonly destination_country: string
  readonly consolidation_enabled: boolean
  readonly first_step: string
}

/** A PUDO point as order creation checks it. */
export interface PudoPointRow {
  readonly id: number
  readonly kind: string
  readonly country: string
  readonly active: boolean
}

/**
 * What the one create statement decided: created (with the region status the database chose
 * from the partner's mappings at that moment), or refused because the service is no longer
 * published or the PUDO point does not fit (with the point as it is now, to say why).
 */
export type InsertOutcome =
  | { readonly _tag: "Created"; readonly orderId: OrderId; readonly regionStatus: RegionStatus }
  | { readonly _tag: "Unpublished" }
  | { readonly _tag: "PudoRefused"; readonly pudo: PudoPointRow | undefined }

/** A product as stored. */
export interface ProductRow {
  readonly name: string
  readonly hs_code: string | null
  readonly declared_value: number | null
  readonly currency: string | null
  readonly quantity: number
  readonly weight_grams: number | null
}

/** A new parcel with its products. */
export interface NewParcelRow {
  readonly position: number
  readonly tracking: string
  readonly item_id: string | null
  readonly merchant_tracking: string
  readonly package_type: PackageType | null
  readonly weight_grams: number | null
  readonly length_mm: number | null
  readonly width_mm: number | null
  readonly height_mm: number | null
  readonly products: ReadonlyArray<ProductRow>
}

/** The recipient and commercial columns an order is created with and read back. */
export interface OrderDetailColumns {
  readonly gov_id: string | null
  readonly customer_name: string | null
  readonly customer_phone: string | null
  readonly customer_email: string | null
  readonly shipping_cost: number | null
  readonly consolidation_required: boolean
}

/**
 * A new order with its parcels. `region_id`/`pricing_tier` and the region status are not
 * given: the statement reads the partner's mapping of (`parent_region`, `region`) as it writes.
 */
export interface NewOrderRow extends NewDestinationColumns, OrderDetailColumns {
  readonly tracking: string
  readonly partner_id: PartnerId
  readonly warehouse_id: WarehouseId
  readonly service: PublishedService
  readonly partner_order_id: string
  readonly parcels: ReadonlyArray<NewParcelRow>
}

/** A parcel as stored, in the shape of the parcel view plus its flow position. */
export interface ParcelRow {
  readonly parcel_id: string
  readonly item_id: string | null
  readonly merchant_tracking: string
  readonly status: string
  readonly step_index: number
  readonly package_type: PackageType | null
  readonly weight_grams: number | null
  readonly length_mm: number | null
  readonly width_mm: number | null
  readonly height_mm: number | null
  readonly measured: {
    readonly weight_grams: number | null
    readonly length_mm: number | null
    readonly width_mm: number | null
    readonly height_mm: number | null
  } | null
  readonly products: ReadonlyArray<ProductRow>
}

/** An order as stored, with its parcels and products. */
export interface OrderRow extends DestinationColumns, OrderDetailColumns {
  readonly id: OrderId
  readonly tracking: string
  readonly partner_order_id: string
  readonly service_id: ServiceId
  readonly region_status: RegionStatus
  readonly created_at: Date
  readonly cancelled_at: Date | null
  readonly cancel_reason: string | null
  readonly parcels: ReadonlyArray<ParcelRow>
}

/** The locked order row of a modification. */
export interface LockedOrder {
  readonly id: OrderId
  readonly tracking: string
  readonly cancelled_at: Date | null
  readonly cancel_reason: string | null
}

/** A parcel's identity and flow position (what update/cancel decide on). */
export interface ParcelStateRow {
  readonly id: ParcelId
  readonly tracking: string
  readonly item_id: string | null
  readonly status: string
  readonly step_index: number
}

/** Sent fields change (null included); absent or undefined fields stay. */
export interface ParcelChanges {
  readonly merchant_tracking?: string | null | undefined
  readonly package_type?: PackageType | null | undefined
  readonly weight_grams?: number | null | undefined
  readonly length_mm?: number | null | undefined
  readonly width_mm?: number | null | undefined
  readonly height_mm?: number | null | undefined
}

/** Order storage: set-based writes, whole-order reads; unique violations → DuplicateReference. */
export class OrdersRepo extends Context.Tag("starmile/OrdersRepo")<OrdersRepo, {
  /** Runs `effect` in one transaction (rolled back on any failure): the shared Transaction helper. */
  readonly transaction: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  /** The service when published for the partner in the warehouse (cached per instance). */
  readonly publishedService: (
    partnerId: PartnerId,
    warehouseId: WarehouseId,
    serviceId: ServiceId
  ) => Effect.Effect<PublishedService | undefined>
  /** One order serial and `parcels` parcel serials (from blocks reserved from the sequences). */
  readonly nextSerials: (parcels: number) => Effect.Effect<{ readonly order: number; readonly parcels: ReadonlyArray<number> }>
  /**
   * The order, its parcels, their products and first-step invoice lines in one statement, which
   * re-checks the publication and the PUDO point and reads the region mapping as it writes.
   */
  readonly insertOrder: (order: NewOrderRow) => Effect.Effect<InsertOutcome, DuplicateReference>
  readonly findOrder: (partnerId: PartnerId, ref: string) => Effect.Effect<OrderRow | undefined>
  /** Newest first; `before` is the id of the last order of the previous page. */
  readonly listOrders: (partnerId: PartnerId, before: number | null, limit: number) => Effect.Effect<ReadonlyArray<OrderRow>>
  /** Locks the order row (`for update`) before anything touches its parcels. */
  readonly lockOrder: (partnerId: PartnerId, ref: string) => Effect.Effect<LockedOrder | undefined>
  /** Read after the lock, so it sees every move committed before it. */
  readonly parcelStates: (orderId: OrderId) => Effect.Effect<ReadonlyArray<ParcelStateRow>>
  /** Changes the sent fields; `merchant_tracking: null` puts the parcel's tracking back. */
  readonly updateParcel: (parcelId: ParcelId, changes: ParcelChanges) => Effect.Effect<void, DuplicateReference>
  /** Replaces a parcel's products. */
  readonly replaceProducts: (parcelId: ParcelId, products: ReadonlyArray<ProductRow>) => Effect.Effect<void>
  readonly findParcel: (parcelId: ParcelId) => Effect.Effect<ParcelRow>
  /** Cancels the order and every parcel, writing one `cancelled` status event per parcel. */
  readonly cancelOrder: (
    order: { readonly id: OrderId; readonly partnerId: PartnerId; readonly reason: string | null }
  ) => Effect.Effect<{ readonly cancelled_at: Date; readonly cancel_reason: string | null }>
}>() {}
