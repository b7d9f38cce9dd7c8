/**
 * The Orders service: create, read, list, update a parcel, cancel (reference + CONTRACT §5).
 * Usable without HTTP: every operation takes the acting partner explicitly and returns the
 * wire view or a typed error. What happens when a partner cancels is `cancel` below.
 *
 * Each operation is one transaction with a constant number of round trips. Creation reads
 * its context (service, PUDO point, region mapping) in one query, takes the tracking serials
 * in one, and writes order + parcels + products in one statement; the database's unique
 * constraints decide duplicate references. Update and cancel lock the order row first.
 */
import { Effect, Either } from "effect"
import type { PartnerPrincipal } from "./Auth.js"
import {
  destinationColumns,
  DestinationInvalid,
  destinationFor,
  destinationView,
  PudoDelivery
} from "./Destination.js"
import { NotFound, ValidationFailed } from "./Errors.js"
import { isStorableText } from "./Primitives.js"
import {
  type CancelledOrder,
  ConsolidationNotEnabled,
  type CreatedOrder,
  type CreateOrderRequest,
  DuplicateReference,
  notModifiable,
  type OrderNotModifiable,
  orderStatus,
  type OrderView,
  type ParcelPatch,
  type ParcelView,
  type ProductInput,
  repeatedReferences,
  ServiceUnavailableForPartner
} from "./Order.js"
import {
  type OrderRow,
  OrdersRepo,
  type ParcelChanges,
  type ParcelRow,
  type ProductRow
} from "./repositories/OrdersRepo.js"
import { formatTracking, ORDER_PREFIX, PARCEL_PREFIX } from "./Tracking.js"

/** Who acts: the partner, and the warehouse (and its country) the credential is bound to. */
export type OrderActor = Pick<PartnerPrincipal, "partnerId" | "warehouseId" | "warehouseCountry">

/** Orders per page when `limit` is omitted. */
export const DEFAULT_PAGE_SIZE = 20
/** The largest `limit`. */
export const MAX_PAGE_SIZE = 100

/** A page of orders, newest first. */
export interface OrderPage {
  readonly orders: ReadonlyArray<OrderView>
  /** The id to continue before (newest first) when more orders follow; null on the last page. */
  readonly nextBeforeId: number | null
}

// ---------------------------------------------------------------- views

const parcelView = (row: ParcelRow): ParcelView => ({
  parcel_id: row.parcel_id,
  item_id: row.item_id,
  partner_tracking: row.item_id,
  merchant_tracking: row.merchant_tracking,
  status: row.status,
  package_type: row.package_type,
  weight_grams: row.weight_grams,
  length_mm: row.length_mm,
  width_mm: row.width_mm,
  height_mm: row.height_mm,
  measured: row.measured,
  products: row.products
})

const orderView = (row: OrderRow): OrderView => ({
  order_id: row.tracking,
  partner_order_id: row.partner_order_id,
  service_id: row.service_id,
  status: orderStatus(row.cancelled_at, row.parcels),
  region_status: row.region_status,
  destination: destinationView(row),
  gov_id: row.gov_id,
  customer_name: row.customer_name,
  customer_phone: row.customer_phone,
  customer_email: row.customer_email,
  shipping_cost: row.shipping_cost,
  consolidation_required: row.consolidation_required,
  created_at: row.created_at,
  cancelled_at: row.cancelled_at,
  cancel_reason: row.cancel_reason,
  parcels: row.parcels.map(parcelView)
})

const cancelledView = (tracking: string, cancelledAt: Date, reason: string | null): CancelledOrder => ({
  order_id: tracking,
  status: "cancelled",
  cancelled_at: cancelledAt,
  reason
})

const productRow = (p: ProductInput): ProductRow => ({
  name: p.name,
  hs_code: p.hs_code ?? null,
  declared_value: p.declared_value ?? null,
  currency: p.currency ?? null,
  quantity: p.quantity ?? 1,
  weight_grams: p.weight_grams ?? null
})

// ---------------------------------------------------------------- references

/** A path reference that cannot name anything stored is a 404 without asking the database. */
const lookupRef = (ref: string, what: string): Effect.Effect<string, NotFound> =>
  ref.length > 0 && ref.length <= 255 && isStorableText(ref) ? Effect.succeed(ref) : Effect.fail(NotFound.of(what, ref))

// ---------------------------------------------------------------- the service

/** Orders for a partner: create, get, list, update a parcel, cancel. */
export class Orders extends Effect.Service<Orders>()("starmile/Orders", {
  effect: Effect.gen(function* () {
    const repo = yield* OrdersRepo

    const create = (
      actor: OrderActor,
      request: CreateOrderRequest
    ): Effect.Effect<
      CreatedOrder,
      DuplicateReference | ServiceUnavailableForPartner | ConsolidationNotEnabled | DestinationInvalid
    > =>
      Effect.gen(function* () {
        const repeated = repeatedReferences(request.parcels)
        if (Object.keys(repeated).length > 0) return yield* DuplicateReference.many(repeated)

        const service = yield* repo.publishedService(actor.partnerId, actor.warehouseId, request.service_id)
        if (service === undefined) return yield* ServiceUnavailableForPartner.of(request.service_id)
        if (request.consolidation_required === true && !service.consolidation_enabled) {
          return yield* ConsolidationNotEnabled.of()
        }

        // stage two: the flat destination fields → the variant of the service's type
        const destination = yield* Either.match(destinationFor(service.type, request), {
          onLeft: Effect.fail,
          onRight: Effect.succeed
        })

        const serials = yield* repo.nextSerials(request.parcels.length)
        const tracking = formatTracking(ORDER_PREFIX, serials.order, actor.warehouseCountry)
        const parcels = request.parcels.map((parcel, position) => {
          const parcelTracking = formatTracking(PARCEL_PREFIX, serials.parcels[position]!, actor.warehouseCountry)
          return {
            position,
            tracking: parcelTracking,
            item_id: parcel.item_id ?? null,
            merchant_tracking: parcel.merchant_tracking ?? parcelTracking,
            package_type: parcel.package_type ?? null,
            weight_grams: parcel.weight_grams ?? null,
            length_mm: parcel.length_mm ?? null,
            width_mm: parcel.width_mm ?? null,
            height_mm: parcel.height_mm ?? null,
            products: (parcel.products ?? []).map(productRow)
          }
        })
        // one statement: it re-checks the publication and the PUDO point, reads the region
        // mapping and bills a first-step rate as it writes (OrdersRepo.insertOrder)
        const outcome = yield* repo.insertOrder({
          tracking,
          partner_id: actor.partnerId,
          warehouse_id: actor.warehouseId,
          service,
          partner_order_id: request.order_id,
          ...destinationColumns(destination),
          gov_id: request.gov_id ?? null,
          customer_name: request.customer_name ?? null,
          customer_phone: request.customer_phone ?? null,
          customer_email: request.customer_email ?? null,
          // a zero shipping cost is "none"
          shipping_cost: request.shipping_cost === undefined || request.shipping_cost === 0 ? null : request.shipping_cost,
          consolidation_required: request.consolidation_required ?? false,
          parcels
        })
        switch (outcome._tag) {
          case "Unpublished":
            return yield* ServiceUnavailableForPartner.of(request.service_id)
          case "PudoRefused": {
            const pudoId = destination._tag === "PudoDelivery" ? destination.pudo_id : 0
            const problem = PudoDelivery.pointProblem(outcome.pudo, service, pudoId) ??
              `PUDO point ${pudoId} cannot take this order`
            return yield* DestinationInvalid.many({ pudo_id: [problem] })
          }
          case "Created": {
            const created: CreatedOrder = {
              order_id: tracking,
              region_status: outcome.regionStatus,
              items: parcels.map((p) => ({ item_id: p.item_id, parcel_id: p.tracking }))
            }
            return created
          }
        }
      })

    const get = (actor: OrderActor, orderRef: string): Effect.Effect<OrderView, NotFound> =>
      Effect.gen(function* () {
        const ref = yield* lookupRef(orderRef, "Order")
        const row = yield* repo.findOrder(actor.partnerId, ref)
        if (row === undefined) return yield* NotFound.of("Order", orderRef)
        return orderView(row)
      })

    const list = (
      actor: OrderActor,
      page: { readonly limit?: number | undefined; readonly beforeId?: number | undefined }
    ): Effect.Effect<OrderPage, ValidationFailed> =>
      Effect.gen(function* () {
        const limit = page.limit ?? DEFAULT_PAGE_SIZE
        if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
          return yield* ValidationFailed.at("limit", `must be between 1 and ${MAX_PAGE_SIZE}`)
        }
        const rows = yield* repo.listOrders(actor.partnerId, page.beforeId ?? null, limit + 1)
        const pageRows = rows.slice(0, limit)
        const last = pageRows[pageRows.length - 1]
        return {
          orders: pageRows.map(orderView),
          nextBeforeId: rows.length > limit && last !== undefined ? last.id : null
        }
      })

    const updateParcel = (
      actor: OrderActor,
      orderRef: string,
      parcelRef: string,
      patch: ParcelPatch
    ): Effect.Effect<ParcelView, NotFound | OrderNotModifiable | DuplicateReference> =>
      Effect.gen(function* () {
        const ref = yield* lookupRef(orderRef, "Order")
        const parcelKey = yield* lookupRef(parcelRef, "Parcel")
        return yield* repo.transaction(Effect.gen(function* () {
          const order = yield* repo.lockOrder(actor.partnerId, ref)
          if (order === undefined) return yield* NotFound.of("Order", orderRef)
          const parcels = yield* repo.parcelStates(order.id)
          const parcel = parcels.find((p) => p.item_id === parcelKey) ?? parcels.find((p) => p.tracking === parcelKey)
          if (parcel === undefined) return yield* NotFound.of("Parcel", parcelRef)
          const conflict = notModifiable(order, parcels, "updated")
          if (conflict !== undefined) return yield* conflict

          const { products, ...fields } = patch
          yield* repo.updateParcel(parcel.id, fields satisfies ParcelChanges)
          if (products !== undefined) yield* repo.replaceProducts(parcel.id, (products ?? []).map(productRow))
          return parcelView(yield* repo.findParcel(parcel.id))
        }))
      })

    const cancel = (
      actor: OrderActor,
      orderRef: string,
      reason: string | null
    ): Effect.Effect<CancelledOrder, NotFound | OrderNotModifiable> =>
      Effect.gen(function* () {
        const ref = yield* lookupRef(orderRef, "Order")
        return yield* repo.transaction(Effect.gen(function* () {
          const order = yield* repo.lockOrder(actor.partnerId, ref)
          if (order === undefined) return yield* NotFound.of("Order", orderRef)
          // idempotent: the first cancellation stands, nothing is written again
          if (order.cancelled_at !== null) return cancelledView(order.tracking, order.cancelled_at, order.cancel_reason)
          const parcels = yield* repo.parcelStates(order.id)
          const conflict = notModifiable(order, parcels, "cancelled")
          if (conflict !== undefined) return yield* conflict
          const row = yield* repo.cancelOrder({ id: order.id, partnerId: actor.partnerId, reason })
          return cancelledView(order.tracking, row.cancelled_at, row.cancel_reason)
        }))
      })

    return { create, get, list, updateParcel, cancel } as const
  })
}) {}
