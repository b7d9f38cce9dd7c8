/**
 * Partner orders through the API, for any test: valid bodies per service type (unique
 * references on every call), create/get/cancel helpers, and SQL helpers for what the partner
 * API cannot do (move a parcel past the first step, map a region, count rows).
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import * as crypto from "node:crypto"
import { created, expectStatus, type Workspace } from "./Fixtures.js"
import { call } from "./TestApp.js"

export const uniqueRef = (prefix: string) => `${prefix}-${crypto.randomBytes(5).toString("hex")}`

export type Body = Record<string, any>

/** A parcel with unique item_id and merchant_tracking and one product. */
export const parcelBody = (overrides: Body = {}): Body => ({
  item_id: uniqueRef("IT"),
  merchant_tracking: uniqueRef("MT"),
  package_type: "fragile",
  weight_grams: 1400,
  length_mm: 300,
  width_mm: 200,
  height_mm: 100,
  products: [{ name: "Sneakers", hs_code: "640411", declared_value: 120, currency: "USD", quantity: 1, weight_grams: 900 }],
  ...overrides
})

/** A valid clearance order (no destination) with `parcels` parcels. */
export const clearanceOrder = (ws: Workspace, overrides: Body = {}, parcels = 1): Body => ({
  service_id: ws.services.clearance.id,
  order_id: uniqueRef("PO"),
  gov_id: "5AB12C3",
  customer_name: "Aysel M.",
  customer_phone: "+994500000000",
  customer_email: "aysel@example.com",
  shipping_cost: 9.5,
  parcels: Array.from({ length: parcels }, () => parcelBody()),
  ...overrides
})

/** A valid home-delivery order for the partner's (parent_region, region) key. */
export const homeOrder = (ws: Workspace, overrides: Body = {}): Body => ({
  ...clearanceOrder(ws),
  service_id: ws.services.home.id,
  parent_region: "1",
  region: "2",
  address_first: "Nizami 10",
  address_second: "Apt 4",
  zip: "AZ1000",
  notes: "Ring twice",
  ...overrides
})

/** A valid PUDO-delivery order at `pudoId` (kind pudo unless `locker`). */
export const pudoOrder = (ws: Workspace, pudoId: number, overrides: Body = {}, locker = false): Body => ({
  ...clearanceOrder(ws),
  service_id: locker ? ws.services.locker.id : ws.services.pudo.id,
  pudo_id: pudoId,
  ...overrides
})

export const postOrder = (token: string, body: unknown) => call("POST", "/api/v1/orders", { token, body })

/** Creates the order and returns the 201 body's data. */
export const createOrder = (ws: Workspace, body: Body = clearanceOrder(ws)) =>
  postOrder(ws.token, body).pipe(
    Effect.flatMap(expectStatus(201)),
    Effect.map((r) => r.body.data as { order_id: string; region_status: string; items: Array<{ item_id: string | null; parcel_id: string }> })
  )

export const getOrder = (ws: Workspace, ref: string) =>
  call("GET", `/api/v1/orders/${encodeURIComponent(ref)}`, { token: ws.token }).pipe(
    Effect.flatMap(expectStatus(200)),
    Effect.map((r) => r.body.data)
  )

export const patchParcel = (token: string, orderRef: string, parcelRef: string, body: unknown) =>
  call("PATCH", `/api/v1/orders/${encodeURIComponent(orderRef)}/parcels/${encodeURIComponent(parcelRef)}`, { token, body })

export const cancel = (token: string, orderRef: string, body?: unknown) =>
  call("POST", `/api/v1/orders/${encodeURIComponent(orderRef)}/cancel`, body === undefined ? { token } : { token, body })

/** An active PUDO point (or locker) in `country`. */
export const pudoPoint = (country: string, kind: "pudo" | "locker" = "pudo", active = true) =>
  created<{ id: number }>("POST", "/operator/v1/pudo-points", { name: `Point ${uniqueRef("P")}`, kind, country, active })

/** A Starmile region mapped for the partner from (parentRegion, region). */
export const mapRegion = (ws: Workspace, parentRegion: string, region: string, pricingTier = "tier_1") =>
  Effect.gen(function* () {
    const target = yield* created<{ id: number; pricing_tier: string }>("POST", "/operator/v1/regions", {
      name: `Region ${uniqueRef("R")}`,
      country: ws.warehouse.country,
      pricing_tier: pricingTier
    })
    const sql = yield* SqlClient.SqlClient
    yield* sql`insert into region_mappings (partner_id, parent_region, region, region_id)
               values (${ws.partner.id}, ${parentRegion}, ${region}, ${target.id})`
    return target
  }).pipe(Effect.orDie)

/** Moves every parcel of the order (tracking) past the first step, the way a hub scan would. */
export const moveParcels = (orderTracking: string, status = "received", stepIndex = 1) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql`update parcels set status = ${status}, step_index = ${stepIndex}
         where order_id = (select id from orders where tracking = ${orderTracking})`).pipe(Effect.orDie)

/** Moves one parcel (tracking) past the first step. */
export const moveParcel = (parcelTracking: string, status = "received", stepIndex = 1) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql`update parcels set status = ${status}, step_index = ${stepIndex} where tracking = ${parcelTracking}`).pipe(Effect.orDie)

export interface RowCounts {
  readonly orders: number
  readonly parcels: number
  readonly products: number
  readonly status_events: number
}

/** Row counts of the order tables (for "a rejected request writes nothing"). */
export const rowCounts = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  sql<RowCounts>`select (select count(*) from orders) as orders, (select count(*) from parcels) as parcels,
                        (select count(*) from products) as products, (select count(*) from status_events) as status_events`
).pipe(Effect.map((rows) => rows[0]!), Effect.orDie)
