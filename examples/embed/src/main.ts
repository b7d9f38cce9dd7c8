/**
 * An Effect app embedding the Starmile domain, as the README's "Embedding the domain" guide
 * says: its own default PgClient.layer (no type parsers, no transforms of ours), migrations,
 * a catalogue, an order created / read / refused as a duplicate / cancelled, a pending order
 * resolved by the resolver, and the app's own transaction around domain calls.
 * Run with DATABASE_URL pointing at an empty database; exits non-zero when a step goes wrong.
 */
import { NodeRuntime } from "@effect/platform-node"
import { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { Config, Console, Effect, Layer, Schema } from "effect"
import {
  CatalogueService,
  CreateOrderRequest,
  DomainConfig,
  DomainLive,
  DuplicateReference,
  type OrderActor,
  Orders,
  PendingMappingResolver,
  runMigrations
} from "starmile-hub"

/** Fails the program (a defect with the step's name) when a check does not hold. */
const check = (condition: boolean, what: string) =>
  condition ? Console.log(`ok: ${what}`) : Effect.dieMessage(`check failed: ${what}`)

const program = Effect.gen(function* () {
  // 1. migrations (safe while other instances start)
  const applied = yield* runMigrations
  yield* Console.log(`migrations applied: ${applied.map(([id, name]) => `${id}_${name}`).join(", ") || "none (up to date)"}`)

  // 2. a catalogue: warehouse, partner, flow, region, a home-delivery service published for the partner
  const catalogue = yield* CatalogueService
  const warehouse = yield* catalogue.createWarehouse({ code: "EMBED-1", name: "Embedded hub", country: "AZ" })
  if (warehouse === undefined) return yield* Effect.dieMessage("the warehouse code is taken: use an empty database")
  const partner = yield* catalogue.createPartner({ name: "Embedding partner" })
  const flow = yield* catalogue.createFlow({ name: "Delivery", steps: ["created", "received", "delivered"] })
  const region = yield* catalogue.createRegion({ name: "Nasimi", country: "AZ", pricing_tier: "tier_1" })
  const service = yield* catalogue.createService({
    name: "Home delivery AZ",
    type: "home_delivery",
    origin_country: "TR",
    destination_country: "AZ",
    flow_id: flow.id
  })
  yield* catalogue.publish(service.id, { partner_id: partner.id, warehouse_id: warehouse.id })
  yield* check(typeof warehouse.id === "number" && warehouse.created_at instanceof Date, "catalogue rows are decoded (numbers, Dates)")

  // 3. an actor: the partner acting in its warehouse
  const actor: OrderActor = { partnerId: partner.id, warehouseId: warehouse.id, warehouseCountry: warehouse.country }
  const orders = yield* Orders

  // 4. create (the body is decoded by the domain's schema first) and read
  const request = yield* Schema.decodeUnknown(CreateOrderRequest)({
    service_id: service.id,
    order_id: "EMBED-ORDER-1",
    parent_region: "1",
    region: "2",
    parcels: [{ item_id: "EMBED-PKG-1", weight_grams: 1400, products: [{ name: "Sneakers", declared_value: 120, currency: "USD" }] }]
  })
  const created = yield* orders.create(actor, request)
  yield* check(/^SO\d{9}AZ$/.test(created.order_id) && created.region_status === "pending_mapping", `created ${created.order_id}`)
  const order = yield* orders.get(actor, "EMBED-ORDER-1")
  yield* check(order.order_id === created.order_id && order.parcels.length === 1, "read back by the partner's reference")

  // 5. the same reference again: a typed DuplicateReference, caught by its tag
  const duplicate = yield* orders.create(actor, request).pipe(
    Effect.as("created twice"),
    Effect.catchTag("DuplicateReference", (error) => Effect.succeed(error))
  )
  yield* check(duplicate instanceof DuplicateReference, `duplicate refused: ${duplicate instanceof DuplicateReference ? duplicate.message : duplicate}`)

  // 6. the app's own transaction around domain calls: everything inside rolls back together
  const sql = yield* SqlClient.SqlClient
  const rolledBack = yield* sql.withTransaction(Effect.gen(function* () {
    yield* orders.create(actor, { ...request, order_id: "EMBED-ROLLED-BACK", parcels: [{ item_id: "EMBED-PKG-RB" }] })
    return yield* Effect.fail("changed my mind" as const)
  })).pipe(Effect.flip)
  const gone = yield* orders.get(actor, "EMBED-ROLLED-BACK").pipe(Effect.flip)
  yield* check(rolledBack === "changed my mind" && gone._tag === "NotFound", "own transaction rolled back the order it created")

  // 7. cancel a second order
  const second = yield* orders.create(actor, { ...request, order_id: "EMBED-ORDER-2", parcels: [{ item_id: "EMBED-PKG-2" }] })
  const cancelled = yield* orders.cancel(actor, second.order_id, "customer changed their mind")
  yield* check(cancelled.status === "cancelled", `cancelled ${cancelled.order_id}`)

  // 8. the key ("1", "2") gets mapped by the app's own SQL; the resolver resolves the waiting order
  yield* sql`insert into region_mappings (partner_id, parent_region, region, region_id)
             values (${partner.id}, '1', '2', ${region.id})`
  const resolved = yield* (yield* PendingMappingResolver).runOnce
  const mapped = yield* orders.get(actor, created.order_id)
  yield* check(resolved === 1 && mapped.region_status === "mapped", `resolver resolved ${resolved} order`)

  yield* Console.log("embedding example: every step passed")
})

// The consumer's own PgClient: the defaults of @effect/sql-pg (int8 as strings, no transforms).
const DatabaseLive = PgClient.layerConfig({ url: Config.redacted("DATABASE_URL") })

// Settings are the domain's own (defaults when omitted); an embedder overrides what it needs.
const AppLive = DomainLive.pipe(
  Layer.provide(DomainConfig.layer({ resolverBatchSize: 1000 })),
  Layer.provideMerge(DatabaseLive)
)

NodeRuntime.runMain(program.pipe(Effect.provide(AppLive)))
