/**
 * The domain over a consumer's own PgClient: without the service's int8 type parser (ids and
 * counts arrive as strings) and with camelCase/snake_case name transforms. Every repository is
 * exercised through the domain services; rows are decoded, so the answers are the same.
 */
import { describe, expect, it } from "@effect/vitest"
import { PgClient } from "@effect/sql-pg"
import { Effect, Layer, Redacted, Schema, String } from "effect"
import {
  Billing,
  CatalogueService,
  CreateOrderRequest,
  Credentials,
  DomainLive,
  JobRegistry,
  type OrderActor,
  Orders,
  ParcelFlow,
  PendingMappingResolver,
  RegionMappings,
  runMigrations,
  StatusPool
} from "../src/index.js"
import { databaseUrlFor, scopedDatabase } from "./support/TestDatabase.js"

type ClientOptions = Omit<PgClient.PgClientConfig, "url">

/** DomainLive over a fresh database through a PgClient configured like a consumer's. */
const domainOver = (options: ClientOptions) =>
  Effect.gen(function* () {
    const name = yield* scopedDatabase
    const client = PgClient.layer({ url: Redacted.make(databaseUrlFor(name)), ...options })
    const context = yield* Layer.build(DomainLive.pipe(Layer.provideMerge(client)))
    yield* runMigrations.pipe(Effect.provide(context), Effect.orDie)
    return context
  })

/** The whole lifecycle through every domain service. */
const lifecycle = Effect.gen(function* () {
  const catalogue = yield* CatalogueService
  const orders = yield* Orders
  const warehouse = yield* catalogue.createWarehouse({ code: "CFG", name: "Hub", country: "AZ" })
  if (warehouse === undefined) return yield* Effect.dieMessage("warehouse not created")
  expect(typeof warehouse.id).toBe("number")
  expect(warehouse.created_at).toBeInstanceOf(Date)
  const partner = yield* catalogue.createPartner({ name: "Partner" })
  const flow = yield* catalogue.createFlow({ name: "Flow", steps: ["created", "received", "delivered"] })
  const region = yield* catalogue.createRegion({ name: "Nasimi", country: "AZ", pricing_tier: "tier_1" })
  const service = yield* catalogue.createService({
    name: "Home",
    type: "home_delivery",
    origin_country: "TR",
    destination_country: "AZ",
    flow_id: flow.id
  })
  yield* catalogue.publish(service.id, { partner_id: partner.id, warehouse_id: warehouse.id })
  const rate = yield* catalogue.createRate({ service_id: service.id, currency: "AZN", amount: 3.5, per_kg_amount: 1.2, bill_on_status: "received" })
  expect(rate).toMatchObject({ amount: 3.5, per_kg_amount: 1.2, partner_id: null })
  const services = yield* catalogue.listPartnerServices(partner.id, warehouse.id)
  expect(services.map((s) => s.id)).toEqual([service.id])

  const credential = yield* (yield* Credentials).create(partner.id, { warehouse_id: warehouse.id })
  expect(credential.partner_id).toBe(partner.id)

  const actor: OrderActor = { partnerId: partner.id, warehouseId: warehouse.id, warehouseCountry: warehouse.country }
  const request = yield* Schema.decodeUnknown(CreateOrderRequest)({
    service_id: service.id,
    order_id: "CFG-1",
    parent_region: "1",
    region: "2",
    parcels: [{ item_id: "CFG-P1", weight_grams: 1400, products: [{ name: "Book", declared_value: 12.5, currency: "USD" }] }]
  })
  const created = yield* orders.create(actor, request)
  expect(created.region_status).toBe("pending_mapping")
  const again = yield* Effect.flip(orders.create(actor, request))
  expect(again._tag).toBe("DuplicateReference")

  const order = yield* orders.get(actor, "CFG-1")
  expect(order).toMatchObject({ order_id: created.order_id, service_id: service.id, status: "created" })
  expect(order.parcels[0]!.products[0]).toMatchObject({ name: "Book", declared_value: 12.5, quantity: 1 })
  const page = yield* orders.list(actor, {})
  expect(page.orders.map((o) => o.order_id)).toEqual([created.order_id])

  // the key is mapped: the save resolves the waiting order at once
  const mappings = yield* RegionMappings
  expect(yield* mappings.listPending).toMatchObject([{ partner_id: partner.id, waiting_orders: 1 }])
  const saved = yield* mappings.save(partner.id, { parent_region: "1", region: "2", region_id: region.id })
  expect(saved).toMatchObject({ partner_id: partner.id, region_id: region.id, resolved_orders: 1 })
  expect(yield* (yield* PendingMappingResolver).runOnce).toBe(0)

  // a scan moves the parcel, writes a status event and raises the invoice line
  const scanned = yield* (yield* ParcelFlow).scan(created.items[0]!.parcel_id, { status: "received" })
  expect(scanned).toMatchObject({ moved: true, partner_id: partner.id, previous_status: "created" })
  const pool = yield* (yield* StatusPool).read(partner.id, { limit: 10, afterId: undefined })
  expect(pool.events.map((e) => e.status)).toEqual(["received"])
  expect(yield* (yield* StatusPool).acknowledge(partner.id, pool.events.map((e) => e.id))).toBe(1)
  const invoices = yield* (yield* Billing).listForPartner(partner.id, { limit: 10, beforeId: undefined })
  expect(invoices.lines.map((l) => l.amount)).toEqual([3.5 + 1.2 * 2])

  const registry = yield* JobRegistry
  expect(yield* registry.run("resolve-pending-mappings", "cli")).toMatchObject({ resolved: 0 })
  expect((yield* registry.status)[0]!.last_result).toMatchObject({ outcome: "succeeded", resolved: 0 })

  const second = yield* orders.create(actor, { ...request, order_id: "CFG-2", parcels: [{ item_id: "CFG-P2" }] })
  const cancelled = yield* orders.cancel(actor, second.order_id, "test")
  expect(cancelled).toMatchObject({ status: "cancelled", reason: "test" })
})

const run = (options: ClientOptions) =>
  Effect.flatMap(domainOver(options), (context) => Effect.provide(lifecycle, context))

describe("the domain over a consumer's PgClient", () => {
  it.scopedLive("default PgClient.layer: int8 arrives as strings, rows are decoded", () => run({}))

  it.scopedLive("with camelCase result and snake_case query name transforms", () =>
    run({ transformResultNames: String.snakeToCamel, transformQueryNames: String.camelToSnake }))
})
