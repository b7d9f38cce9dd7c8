/**
 * The resolver as another Effect app would embed it: a SqlClient, the resolver layer, no HTTP.
 */
import { describe, expect, it } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { ConfigProvider, Context, Effect, Fiber, Layer, Logger, Redacted } from "effect"
import { JobRegistry } from "../src/jobs/Jobs.js"
import { JobsLive } from "../src/jobs/JobsLive.js"
import { PendingMappingResolver } from "../src/domain/PendingMappingResolver.js"
import { pgClientLayer } from "../src/persistence/Database.js"
import { runMigrations } from "../src/persistence/Migrations.js"
import { RepositoriesLive } from "../src/persistence/Repositories.js"
import { DomainConfigFromEnv } from "../src/AppConfig.js"
import { mapKey, seedMinimalCatalogue } from "./support/MinimalCatalogue.js"
import { insertPendingOrders } from "./support/PendingOrders.js"
import { adminStatement, databaseUrlFor, scopedDatabase } from "./support/TestDatabase.js"

const config = (entries: Record<string, string>) =>
  DomainConfigFromEnv.pipe(Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(entries))))))

/** A fresh migrated database with a minimal catalogue (partner, warehouse, home service, region). */
const seededDatabase = Effect.gen(function* () {
  const name = yield* scopedDatabase
  const url = Redacted.make(databaseUrlFor(name))
  const setup = yield* Layer.build(pgClientLayer(url, { maxConnections: 2 }))
  const ids = yield* Effect.zipRight(runMigrations, seedMinimalCatalogue({ pricingTier: "tier_9" })).pipe(
    Effect.provide(setup)
  )
  return { name, url, setup, ...ids }
})

/** `count` orders of the seeded partner waiting for the key (parentRegion, region). */
const waitingOrders = (db: Effect.Effect.Success<typeof seededDatabase>, parentRegion: string, region: string, count: number) =>
  insertPendingOrders({
    partnerId: db.partnerId,
    warehouseId: db.warehouseId,
    serviceId: db.serviceId,
    parentRegion,
    region,
    count
  }).pipe(Effect.provide(db.setup))

describe("pending-mapping resolver (embedded, no HTTP)", () => {
  it.scoped("three resolvers at once over 10,000 pending orders resolve each exactly once", () =>
    Effect.gen(function* () {
      const db = yield* seededDatabase
      const orderIds = yield* waitingOrders(db, "1", "2", 10_000)
      expect(orderIds).toHaveLength(10_000)
      yield* mapKey(db.partnerId, "1", "2", db.regionId).pipe(Effect.provide(db.setup))
      // three "instances": each its own pool and resolver, small batches so they interleave
      const instance = () =>
        Layer.build(
          PendingMappingResolver.Default.pipe(
            Layer.provide(RepositoriesLive),
            Layer.provide(pgClientLayer(db.url, { maxConnections: 3 })),
            Layer.provide(config({ STARMILE_RESOLVER_BATCH_SIZE: "250" }))
          )
        )
      const resolvers = [yield* instance(), yield* instance(), yield* instance()]
      const counts = yield* Effect.all(
        resolvers.map((context) => Context.get(context, PendingMappingResolver).runOnce),
        { concurrency: "unbounded" }
      )
      expect(counts.reduce((a, b) => a + b, 0)).toBe(10_000)
      const left = yield* Effect.provide(
        Effect.flatMap(SqlClient.SqlClient, (sql) =>
          sql<{ status: string; n: number; tier: string | null }>`
            select region_status as status, pricing_tier as tier, count(*) as n from orders group by 1, 2`),
        db.setup
      )
      expect(left).toEqual([{ status: "mapped", tier: "tier_9", n: 10_000 }])
    }), { timeout: 120_000 })

  it.scopedLive("interrupting a run (shutdown) never leaves a batch half-done", () =>
    Effect.gen(function* () {
      const db = yield* seededDatabase
      yield* waitingOrders(db, "s", "t", 10_000)
      yield* mapKey(db.partnerId, "s", "t", db.regionId).pipe(Effect.provide(db.setup))
      const resolver = Context.get(
        yield* Layer.build(
          PendingMappingResolver.Default.pipe(
            Layer.provide(RepositoriesLive),
            Layer.provide(pgClientLayer(db.url, { maxConnections: 2 })),
            Layer.provide(config({ STARMILE_RESOLVER_BATCH_SIZE: "200" }))
          )
        ),
        PendingMappingResolver
      )
      const sql = Effect.provide(SqlClient.SqlClient, db.setup)
      const mapped = Effect.flatMap(sql, (s) =>
        s<{ n: number }>`select count(*) as n from orders where region_status = 'mapped'`).pipe(
        Effect.map((rows) => rows[0]!.n)
      )
      const run = yield* Effect.fork(resolver.runOnce)
      // wait until some batches are done, then shut down in the middle of the run
      yield* mapped.pipe(Effect.delay("5 millis"), Effect.repeat({ until: (n) => n > 0 }))
      yield* Fiber.interrupt(run)
      const afterInterrupt = yield* mapped
      // whole batches only: every claimed batch was committed or rolled back as one
      expect(afterInterrupt % 200).toBe(0)
      expect(afterInterrupt).toBeLessThan(10_000)
      // nothing is lost: the next run resolves the rest
      expect(yield* resolver.runOnce).toBe(10_000 - afterInterrupt)
      expect(yield* mapped).toBe(10_000)
    }))

  it.scopedLive("the scheduled fiber resolves waiting orders without a trigger", () =>
    Effect.gen(function* () {
      const db = yield* seededDatabase
      const ids = yield* waitingOrders(db, "p", "q", 5)
      yield* Layer.build(
        JobsLive.pipe(
          Layer.provide(JobRegistry.Default),
          Layer.provide(RepositoriesLive),
          Layer.provide(pgClientLayer(db.url, { maxConnections: 2 })),
          Layer.provide(config({ STARMILE_RESOLVER_INTERVAL: "100 millis" }))
        )
      )
      const sql = Effect.provide(SqlClient.SqlClient, db.setup)
      yield* mapKey(db.partnerId, "p", "q", db.regionId).pipe(Effect.provide(db.setup))
      const resolved = yield* Effect.flatMap(sql, (s) =>
        s<{ n: number }>`select count(*) as n from orders where id in ${s.in(ids)} and region_status = 'mapped'`).pipe(
        Effect.map((rows) => rows[0]!.n),
        Effect.delay("50 millis"),
        Effect.repeat({ until: (n) => n === ids.length }),
        Effect.timeout("20 seconds")
      )
      expect(resolved).toBe(5)
      const runs = yield* Effect.flatMap(sql, (s) =>
        s<{ n: number }>`select count(*) as n from job_runs where trigger = 'schedule' and outcome = 'succeeded'`)
      expect(runs[0]!.n).toBeGreaterThanOrEqual(1)
    }))

  it.scopedLive("a tick that fails while the database refuses connections does not stop the next ticks", () =>
    Effect.gen(function* () {
      const db = yield* seededDatabase
      const ids = yield* waitingOrders(db, "x", "y", 3)
      const warnings: Array<string> = []
      const capture = Logger.replace(
        Logger.defaultLogger,
        Logger.make(({ logLevel, message }) => {
          if (logLevel._tag === "Warning" || logLevel._tag === "Error") warnings.push(String(message))
        })
      )
      // the scheduler runs every 200 ms from here on (nothing to resolve yet: no mapping)
      yield* Layer.build(
        JobsLive.pipe(
          Layer.provide(JobRegistry.Default),
          Layer.provide(RepositoriesLive),
          Layer.provide(pgClientLayer(db.url, { maxConnections: 2 })),
          Layer.provide(config({ STARMILE_RESOLVER_INTERVAL: "200 millis" })),
          Layer.provide(capture)
        )
      )
      // the database goes away: no new connections, existing ones are killed
      yield* adminStatement(`alter database ${db.name} allow_connections false`)
      yield* adminStatement(`select pg_terminate_backend(pid) from pg_stat_activity where datname = '${db.name}'`)
      yield* Effect.sleep("1 second")
      expect(warnings.some((m) => m.includes("tick failed"))).toBe(true)
      // it comes back; an operator maps the key; the same fiber resolves the orders
      yield* adminStatement(`alter database ${db.name} allow_connections true`)
      const sql = yield* Effect.provide(SqlClient.SqlClient, yield* Layer.build(pgClientLayer(db.url, { maxConnections: 1 })))
      yield* mapKey(db.partnerId, "x", "y", db.regionId).pipe(Effect.provideService(SqlClient.SqlClient, sql))
      const resolved = yield* sql<{ n: number }>`
        select count(*) as n from orders where id in ${sql.in(ids)} and region_status = 'mapped'`.pipe(
        Effect.map((rows) => rows[0]!.n),
        Effect.delay("100 millis"),
        Effect.repeat({ until: (n) => n === ids.length }),
        Effect.timeout("30 seconds")
      )
      expect(resolved).toBe(3)
    }))
})

