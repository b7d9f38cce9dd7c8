/**
 * Orders for parcel-flow, pool and billing tests. `insertOrders` writes orders and parcels
 * straight to the database, set-based (a fixed number of statements whatever the count), for
 * tests that need many orders or states the API does not create directly (pending then
 * resolved, shared merchant trackings across partners); tracking numbers come from the real
 * sequences, formatted by src/domain/Tracking.ts. `createOrderViaApi` and `cancelOrder` go
 * through the partner API for the lifecycle and race tests.
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import * as crypto from "node:crypto"
import type { OrderId, ParcelId } from "../../src/domain/Ids.js"
import { formatTracking } from "../../src/domain/Tracking.js"
import type { Workspace } from "./Fixtures.js"
import { type Body, cancel, clearanceOrder, createOrder } from "./Orders.js"

export type OrderKind =
  /** home delivery, region mapped, with the region's pricing tier */
  | { readonly type: "home_mapped"; readonly pricingTier: string }
  /** home delivery waiting for a region mapping */
  | { readonly type: "home_pending" }
  /** clearance: no region, no tier (region_status not_applicable) */
  | { readonly type: "clearance" }

export interface OrderRowsSpec {
  readonly count?: number
  readonly parcelsPerOrder?: number
  readonly kind?: OrderKind
  /** Declared weight of every parcel (null: none). */
  readonly weightGrams?: number | null
  /** Merchant tracking of parcel `p` of order `o`; default: the parcel's own tracking. */
  readonly merchantTracking?: (o: number, p: number) => string
}

export interface ParcelRow {
  readonly id: ParcelId
  readonly tracking: string
  readonly itemId: string
  readonly merchantTracking: string
}

export interface OrderRow {
  readonly id: OrderId
  readonly tracking: string
  readonly partnerOrderId: string
  readonly parcels: ReadonlyArray<ParcelRow>
}

/** Inserts `count` orders of `parcelsPerOrder` parcels each for the workspace's partner, at the first step. */
export const insertOrders = (ws: Workspace, spec: OrderRowsSpec = {}) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const count = spec.count ?? 1
    const perOrder = spec.parcelsPerOrder ?? 1
    const kind = spec.kind ?? { type: "clearance" }
    const country = ws.warehouse.country
    const batch = crypto.randomBytes(4).toString("hex")

    const regionId = kind.type === "home_mapped"
      ? (yield* sql<{ id: number }>`insert into regions (name, country, pricing_tier)
                                    values (${`Region ${batch}`}, ${country}, ${kind.pricingTier}) returning id`)[0]!.id
      : null
    const serviceId = kind.type === "clearance" ? ws.services.clearance.id : ws.services.home.id
    const destinationType = kind.type === "clearance" ? "clearance" : "home_delivery"
    const regionStatus = kind.type === "clearance" ? "not_applicable" : kind.type === "home_mapped" ? "mapped" : "pending_mapping"
    const tier = kind.type === "home_mapped" ? kind.pricingTier : null
    const parentRegion = kind.type === "clearance" ? null : `P-${batch}`
    const region = kind.type === "clearance" ? null : `R-${batch}`

    const orderSerials = yield* sql<{ s: number }>`select nextval('order_tracking_serial') as s from generate_series(1, ${count})`
    const parcelSerials = yield* sql<{ s: number }>`
      select nextval('parcel_tracking_serial') as s from generate_series(1, ${count * perOrder})`
    const orderTrackings = orderSerials.map((r) => formatTracking("SO", r.s, country))
    const references = orderTrackings.map((_, i) => `PO-${batch}-${i}`)

    const orders = yield* sql<{ id: OrderId; tracking: string }>`
      insert into orders (tracking, partner_id, warehouse_id, service_id, partner_order_id, destination_type,
                          region_status, parent_region, region, region_id, pricing_tier)
      select t.tracking, ${ws.partner.id}, ${ws.warehouse.id}, ${serviceId}, t.reference, ${destinationType},
             ${regionStatus}, ${parentRegion}, ${region}, ${regionId}::bigint, ${tier}
        from unnest(${orderTrackings}::text[], ${references}::text[]) with ordinality as t(tracking, reference, n)
       order by t.n
      returning id, tracking`
    const byTracking = new Map(orders.map((o) => [o.tracking, o.id]))
    const orderIds = orderTrackings.map((t) => byTracking.get(t)!)

    const parcelOrderIds: Array<number> = []
    const positions: Array<number> = []
    const trackings: Array<string> = []
    const itemIds: Array<string> = []
    const merchantTrackings: Array<string> = []
    for (let o = 0; o < count; o++) {
      for (let p = 0; p < perOrder; p++) {
        const tracking = formatTracking("SP", parcelSerials[o * perOrder + p]!.s, country)
        parcelOrderIds.push(orderIds[o]!)
        positions.push(p)
        trackings.push(tracking)
        itemIds.push(`IT-${batch}-${o}-${p}`)
        merchantTrackings.push(spec.merchantTracking?.(o, p) ?? tracking)
      }
    }
    const weight = spec.weightGrams ?? null
    const parcels = yield* sql<{ id: ParcelId; tracking: string }>`
      insert into parcels (order_id, partner_id, position, tracking, item_id, merchant_tracking, status, step_index,
                           weight_grams)
      select p.order_id, ${ws.partner.id}, p.position, p.tracking, p.item_id, p.merchant_tracking,
             ${ws.flow.steps[0]!}, 0, ${weight}::int
        from unnest(${parcelOrderIds}::bigint[], ${positions}::int[], ${trackings}::text[], ${itemIds}::text[],
                    ${merchantTrackings}::text[]) as p(order_id, position, tracking, item_id, merchant_tracking)
      returning id, tracking`
    const parcelIds = new Map(parcels.map((p) => [p.tracking, p.id]))

    return orderIds.map((id, o): OrderRow => ({
      id,
      tracking: orderTrackings[o]!,
      partnerOrderId: references[o]!,
      parcels: Array.from({ length: perOrder }, (_, p) => {
        const i = o * perOrder + p
        return { id: parcelIds.get(trackings[i]!)!, tracking: trackings[i]!, itemId: itemIds[i]!, merchantTracking: merchantTrackings[i]! }
      })
    }))
  }).pipe(Effect.orDie)

export const insertOrder = (ws: Workspace, spec: Omit<OrderRowsSpec, "count"> = {}) =>
  Effect.map(insertOrders(ws, { ...spec, count: 1 }), (rows) => rows[0]!)

/** Status events of an order's parcels, oldest first. */
export const eventsOf = (orderId: number) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql<{ id: number; parcel_id: number; status: string; previous_status: string | null }>`
      select id, parcel_id, status, previous_status from status_events where order_id = ${orderId} order by id`).pipe(
    Effect.orDie
  )

/** Invoice lines of an order, oldest first, amounts as numbers. */
export const linesOf = (orderId: number) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql<{ id: number; parcel_id: number; rate_id: number; amount: number; weight_grams: number; status: string; currency: string }>`
      select id, parcel_id, rate_id, amount::float8 as amount, weight_grams, status, currency
        from invoice_lines where order_id = ${orderId} order by id`).pipe(Effect.orDie)

/** Cancels through the partner API; "refused" when the cancel lost (409: a parcel had moved). */
export const cancelOrder = (ws: Workspace, order: { readonly tracking: string }) =>
  Effect.flatMap(cancel(ws.token, order.tracking), (response) =>
    response.status === 200 && response.body.data.status === "cancelled"
      ? Effect.succeed("cancelled" as const)
      : response.status === 409 && response.body.code === "order_not_modifiable"
      ? Effect.succeed("refused" as const)
      : Effect.dieMessage(`unexpected cancel answer ${response.status}: ${JSON.stringify(response.body)}`))

/** Creates an order through the partner API (a clearance order of `parcels` parcels) and reads back its row ids. */
export const createOrderViaApi = (ws: Workspace, options: { readonly parcels?: number; readonly body?: Body } = {}) =>
  Effect.gen(function* () {
    const created = yield* createOrder(ws, { ...clearanceOrder(ws, {}, options.parcels ?? 1), ...options.body })
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<{ order_id: OrderId; partner_order_id: string; id: ParcelId; tracking: string; item_id: string; merchant_tracking: string }>`
      select o.id as order_id, o.partner_order_id, p.id, p.tracking, p.item_id, p.merchant_tracking
        from orders o join parcels p on p.order_id = o.id
       where o.tracking = ${created.order_id} order by p.position`
    const order: OrderRow = {
      id: rows[0]!.order_id,
      tracking: created.order_id,
      partnerOrderId: rows[0]!.partner_order_id,
      parcels: rows.map((r) => ({ id: r.id, tracking: r.tracking, itemId: r.item_id, merchantTracking: r.merchant_tracking }))
    }
    return order
  }).pipe(Effect.orDie)
