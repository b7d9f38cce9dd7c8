/**
 * The Orders service embedded in another Effect app: only the domain and persistence layers
 * over a PgClient (no HTTP, no tokens). Creates, reads, updates and cancels an order.
 */
import { describe, expect, it } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Effect, Exit, Schema } from "effect"
import {
  CatalogueService,
  CreateOrderRequest,
  type OrderActor,
  Orders,
  ParcelPatch,
  PartnerId
} from "../src/index.js"
import { TestDomainLive } from "./support/TestApp.js"

/** A warehouse, a partner and a published clearance service, set up through the domain. */
const workspace = Effect.gen(function* () {
  const catalogue = yield* CatalogueService
  const warehouse = yield* catalogue.createWarehouse({ code: `EMB-${Date.now()}`, name: "Embedded hub", country: "AZ" })
  const partner = yield* catalogue.createPartner({ name: "Embedded partner" })
  const flow = yield* catalogue.createFlow({ name: "Flow", steps: ["created", "received", "delivered"] })
  const service = yield* catalogue.createService({
    name: "Clearance",
    type: "clearance",
    origin_country: "TR",
    destination_country: "AZ",
    flow_id: flow.id
  })
  yield* catalogue.publish(service.id, { partner_id: partner.id, warehouse_id: warehouse.id })
  const actor: OrderActor = { partnerId: partner.id, warehouseId: warehouse.id, warehouseCountry: warehouse.country }
  return { actor, service }
}).pipe(Effect.orDie)

describe("Orders embedded without HTTP", () => {
  it.layer(TestDomainLive)((it) => {
    it.effect("create, get, list, update a parcel and cancel through the service", () =>
      Effect.gen(function* () {
        const orders = yield* Orders
        const { actor, service } = yield* workspace
        const request = yield* Schema.decodeUnknown(CreateOrderRequest)({
          service_id: service.id,
          order_id: "EMB-1",
          parcels: [{ item_id: "EMB-P1", products: [{ name: "Book" }] }, { products: [] }]
        })
        const created = yield* orders.create(actor, request)
        expect(created.order_id).toMatch(/^SO\d{9}AZ$/)
        expect(created.region_status).toBe("not_applicable")
        expect(created.items.map((i) => i.item_id)).toEqual(["EMB-P1", null])

        const order = yield* orders.get(actor, "EMB-1")
        expect(order.order_id).toBe(created.order_id)
        expect(order.status).toBe("created")
        expect(order.parcels[0]!.products).toEqual([
          { name: "Book", hs_code: null, declared_value: null, currency: null, quantity: 1, weight_grams: null }
        ])
        const page = yield* orders.list(actor, {})
        expect(page.orders.map((o) => o.order_id)).toEqual([created.order_id])
        expect(page.nextBeforeId).toBeNull()

        const patch = yield* Schema.decodeUnknown(ParcelPatch)({ merchant_tracking: "STICKER-1", products: [] })
        const parcel = yield* orders.updateParcel(actor, created.order_id, "EMB-P1", patch)
        expect(parcel.merchant_tracking).toBe("STICKER-1")
        expect(parcel.products).toEqual([])

        const cancelled = yield* orders.cancel(actor, "EMB-1", "embedded")
        expect(cancelled).toMatchObject({ order_id: created.order_id, status: "cancelled", reason: "embedded" })
        expect((yield* orders.get(actor, created.order_id)).status).toBe("cancelled")
        const sql = yield* SqlClient.SqlClient
        const events = yield* sql<{ n: number }>`select count(*) as n from status_events where status = 'cancelled'`
        expect(events[0]!.n).toBe(2)
      }))

    it.effect("inside the embedder's transaction a create is written on that transaction: rolled back with it", () =>
      Effect.gen(function* () {
        const orders = yield* Orders
        const sql = yield* SqlClient.SqlClient
        const { actor, service } = yield* workspace
        const request = yield* Schema.decodeUnknown(CreateOrderRequest)({
          service_id: service.id,
          order_id: "EMB-TX",
          parcels: [{ item_id: "EMB-TX-1" }]
        })
        const rolledBack = yield* Effect.exit(sql.withTransaction(Effect.gen(function* () {
          const created = yield* orders.create(actor, request)
          // visible inside the transaction
          expect((yield* orders.get(actor, "EMB-TX")).order_id).toBe(created.order_id)
          return yield* Effect.fail("the embedder's own later step failed" as const)
        })))
        expect(Exit.isFailure(rolledBack)).toBe(true)
        expect(Exit.isFailure(yield* Effect.exit(orders.get(actor, "EMB-TX")))).toBe(true)
        // and outside a transaction the same create is stored
        const created = yield* orders.create(actor, request)
        expect((yield* orders.get(actor, "EMB-TX")).order_id).toBe(created.order_id)
      }))

    it.effect("typed failures, not defects: duplicate reference, unknown order, not modifiable", () =>
      Effect.gen(function* () {
        const orders = yield* Orders
        const { actor, service } = yield* workspace
        const request = yield* Schema.decodeUnknown(CreateOrderRequest)({
          service_id: service.id,
          order_id: "EMB-DUP",
          parcels: [{ item_id: "EMB-DUP-1" }]
        })
        yield* orders.create(actor, request)
        const again = yield* Effect.flip(orders.create(actor, request))
        expect(again._tag).toBe("DuplicateReference")
        const missing = yield* Effect.flip(orders.get(actor, "NOPE"))
        expect(missing._tag).toBe("NotFound")
        const otherPartner = yield* Effect.exit(orders.get({ ...actor, partnerId: PartnerId.make(actor.partnerId + 1000) }, "EMB-DUP"))
        expect(Exit.isFailure(otherPartner)).toBe(true)
        yield* orders.cancel(actor, "EMB-DUP", null)
        const patch = yield* Schema.decodeUnknown(ParcelPatch)({ package_type: "liquid" })
        const refused = yield* Effect.flip(orders.updateParcel(actor, "EMB-DUP", "EMB-DUP-1", patch))
        expect(refused._tag).toBe("OrderNotModifiable")
      }))
  })
})
