/**
 * Resolver benchmark: seed 100,000 pending orders under one key — each parcel already scanned
 * `received`, the step its rate bills on, so every resolution also raises an invoice line (the
 * worst case) — map the key, run the resolver until none is pending, and print the time. Uses DATABASE_URL (a scratch database is created
 * and dropped on it) or an embedded server in a temporary directory.
 *
 *   npm run bench:resolver                # 100,000 orders
 *   BENCH_ORDERS=20000 npm run bench:resolver
 */
import { SqlClient } from "@effect/sql"
import { Console, Effect, Layer } from "effect"
import { formatTracking } from "../src/domain/Tracking.js"
import { PendingMappingResolver } from "../src/jobs/PendingMappingResolver.js"
import { pgClientLayer } from "../src/persistence/Database.js"
import { runMigrations } from "../src/persistence/Migrations.js"
import { databaseKind, scratchDatabaseUrl } from "./ScratchDatabase.js"

const ORDERS = Number(process.env["BENCH_ORDERS"] ?? 100_000)

const program = Effect.gen(function* () {
  const database = yield* Layer.build(pgClientLayer(yield* scratchDatabaseUrl))
  const resolverContext = yield* Layer.build(PendingMappingResolver.Default.pipe(Layer.provide(Layer.succeedContext(database))))

  yield* Effect.gen(function* () {
    yield* runMigrations
    const sql = yield* SqlClient.SqlClient
    const [w] = yield* sql<{ id: number }>`insert into warehouses (code, name, country) values ('W', 'W', 'AZ') returning id`
    const [p] = yield* sql<{ id: number }>`insert into partners (name) values ('P') returning id`
    const [f] = yield* sql<{ id: number }>`insert into flows (name, steps) values ('F', '{created,received}') returning id`
    const [s] = yield* sql<{ id: number }>`
      insert into services (name, type, channel, origin_country, destination_country, flow_id)
      values ('Home', 'home_delivery', 'home', 'TR', 'AZ', ${f!.id}) returning id`
    const [r] = yield* sql<{ id: number }>`insert into regions (name, country, pricing_tier) values ('R', 'AZ', 't1') returning id`
    yield* sql`insert into rates (service_id, currency, amount, per_kg_amount, bill_on_status)
               values (${s!.id}, 'AZN', 3.5, 1.2, 'received')`

    const seedStart = Date.now()
    const serials = yield* sql<{ o: number; p: number }>`
      select nextval('order_tracking_serial') as o, nextval('parcel_tracking_serial') as p from generate_series(1, ${ORDERS})`
    const orderTrackings = serials.map((x) => formatTracking("SO", x.o, "AZ"))
    const parcelTrackings = serials.map((x) => formatTracking("SP", x.p, "AZ"))
    yield* sql`
      with o as (
        insert into orders (tracking, partner_id, warehouse_id, service_id, partner_order_id, destination_type,
                            region_status, parent_region, region)
        select t, ${p!.id}, ${w!.id}, ${s!.id}, 'PO-' || t, 'home_delivery', 'pending_mapping', '1', '2'
          from unnest(${orderTrackings}::text[]) as t
        returning id, tracking)
      insert into parcels (order_id, partner_id, position, tracking, merchant_tracking, status, step_index)
      select o.id, ${p!.id}, 0, pt, pt, 'received', 1
        from o join unnest(${orderTrackings}::text[], ${parcelTrackings}::text[]) as x(ot, pt) on x.ot = o.tracking`
    yield* sql`analyze`
    yield* Console.log(`${databaseKind}: seeded ${ORDERS} pending orders (1 received parcel each) in ${Date.now() - seedStart} ms`)
    yield* sql`insert into region_mappings (partner_id, parent_region, region, region_id) values (${p!.id}, '1', '2', ${r!.id})`

    const resolver = yield* PendingMappingResolver
    const start = Date.now()
    const resolved = yield* resolver.runOnce
    const elapsed = Date.now() - start
    const [left] = yield* sql<{ n: number }>`select count(*) as n from orders where region_status = 'pending_mapping'`
    const [lines] = yield* sql<{ n: number }>`select count(*) as n from invoice_lines`
    yield* Console.log(
      `resolved ${resolved} orders in ${elapsed} ms (${Math.round(resolved / (elapsed / 1000))} orders/s); ` +
        `pending left: ${left!.n}; invoice lines raised: ${lines!.n}`
    )
  }).pipe(Effect.provide(resolverContext), Effect.provide(database))
})

Effect.runPromise(Effect.scoped(program)).then(
  () => process.exit(0),
  (error) => {
    console.error(error)
    process.exit(1)
  }
)
