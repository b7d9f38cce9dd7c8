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
import { PendingMappingResolver } from "../src/domain/PendingMappingResolver.js"
import { pgClientLayer } from "../src/persistence/Database.js"
import { runMigrations } from "../src/persistence/Migrations.js"
import { RepositoriesLive } from "../src/persistence/Repositories.js"
import { mapKey, seedMinimalCatalogue } from "../test/support/MinimalCatalogue.js"
import { insertPendingOrders } from "../test/support/PendingOrders.js"
import { databaseKind, scratchDatabaseUrl } from "./ScratchDatabase.js"

const ORDERS = Number(process.env["BENCH_ORDERS"] ?? 100_000)

const program = Effect.gen(function* () {
  const database = yield* Layer.build(pgClientLayer(yield* scratchDatabaseUrl))
  const resolverContext = yield* Layer.build(PendingMappingResolver.Default.pipe(Layer.provide(RepositoriesLive), Layer.provide(Layer.succeedContext(database))))

  yield* Effect.gen(function* () {
    yield* runMigrations
    const sql = yield* SqlClient.SqlClient
    const catalogue = yield* seedMinimalCatalogue({ pricingTier: "t1", withRate: true })

    const seedStart = Date.now()
    yield* insertPendingOrders({
      partnerId: catalogue.partnerId,
      warehouseId: catalogue.warehouseId,
      serviceId: catalogue.serviceId,
      parentRegion: "1",
      region: "2",
      count: ORDERS,
      parcelsAt: { status: "received", stepIndex: 1 }
    })
    yield* sql`analyze`
    yield* Console.log(`${databaseKind}: seeded ${ORDERS} pending orders (1 received parcel each) in ${Date.now() - seedStart} ms`)
    yield* mapKey(catalogue.partnerId, "1", "2", catalogue.regionId)

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
