import { describe, expect, layer } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Effect, Fiber, Layer, Logger, LogLevel, Metric } from "effect"
import pg from "pg"
import { isValidTracking } from "../src/domain/Tracking.js"
import { createBatchSize } from "../src/observability/Metrics.js"
import { setupWorkspace } from "./support/Fixtures.js"
import {
  cancel,
  clearanceOrder,
  createOrder,
  getOrder,
  parcelBody,
  patchParcel,
  postOrder,
  rowCounts,
  uniqueRef
} from "./support/Orders.js"
import { databaseUrlFor } from "./support/TestDatabase.js"
import { operator, TestAppLive } from "./support/TestApp.js"

/** A separate connection to the test database, outside the app's pool. */
const rawClient = Effect.acquireRelease(
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const [row] = yield* sql<{ name: string }>`select current_database() as name`
    const client = new pg.Client({ connectionString: databaseUrlFor(row!.name) })
    yield* Effect.promise(() => client.connect())
    return client
  }).pipe(Effect.orDie),
  (client) => Effect.promise(() => client.end())
)

/** Waits until some backend of this database waits for a row lock. */
const untilSomeoneWaitsForALock = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  for (let attempt = 0; attempt < 1000; attempt++) {
    const [row] = yield* sql<{ n: number }>`
      select count(*) as n from pg_stat_activity
       where datname = current_database() and wait_event_type = 'Lock'`
    if (row!.n > 0) return
    yield* Effect.sleep("10 millis")
  }
  return yield* Effect.dieMessage("nobody waited for the lock")
}).pipe(Effect.orDie)

const statuses = (responses: ReadonlyArray<{ status: number }>) => {
  const counts: Record<number, number> = {}
  for (const r of responses) counts[r.status] = (counts[r.status] ?? 0) + 1
  return counts
}

describe("orders under concurrency", () => {
  // live clock (the lock tests poll with real sleeps); request logs off
  const AppLive = TestAppLive.pipe(Layer.provide(Logger.minimumLogLevel(LogLevel.Warning)))
  layer(AppLive, { excludeTestServices: true })((it) => {
    it.effect("50 concurrent identical creates: exactly one 201, 49 × 422 duplicate_reference, one order's rows", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const body = clearanceOrder(ws, {}, 3)
        const before = yield* rowCounts
        const responses = yield* Effect.all(Array.from({ length: 50 }, () => postOrder(ws.token, body)), {
          concurrency: "unbounded"
        })
        expect(statuses(responses)).toEqual({ 201: 1, 422: 49 })
        for (const r of responses.filter((r) => r.status === 422)) {
          expect(r.body.code).toBe("duplicate_reference")
          expect(Object.keys(r.body.errors)).toHaveLength(1)
        }
        const after = yield* rowCounts
        expect(after).toEqual({
          orders: before.orders + 1,
          parcels: before.parcels + 3,
          products: before.products + 3,
          status_events: before.status_events
        })
        const sql = yield* SqlClient.SqlClient
        const orphans = yield* sql<{ n: number }>`
          select (select count(*) from parcels p where not exists (select 1 from orders o where o.id = p.order_id))
               + (select count(*) from products pr where not exists (select 1 from parcels p where p.id = pr.parcel_id)) as n`
        expect(orphans[0]!.n).toBe(0)
        const winner = responses.find((r) => r.status === 201)!
        expect((yield* getOrder(ws, body.order_id)).order_id).toBe(winner.body.data.order_id)
      }))

    it.effect("creates written together (one batch statement): each order gets its own answer, a refused one leaves the others", () =>
      Effect.scoped(Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const taken = clearanceOrder(ws)
        yield* createOrder(ws, taken)
        const before = yield* rowCounts
        const batchesBefore = yield* Metric.value(createBatchSize)
        // the writers are held by a lock on orders while 24 creates queue behind them: once it is
        // released, what queued goes in batches
        const client = yield* rawClient
        yield* Effect.promise(() => client.query("begin; lock table orders in exclusive mode"))
        const bodies = Array.from({ length: 24 }, (_, i) =>
          i % 3 === 0 ? clearanceOrder(ws, { order_id: taken.order_id }) : clearanceOrder(ws, {}, 2))
        const sending = yield* Effect.fork(
          Effect.all(bodies.map((body) => postOrder(ws.token, body)), { concurrency: "unbounded" })
        )
        yield* untilSomeoneWaitsForALock
        yield* Effect.sleep("500 millis")
        yield* Effect.promise(() => client.query("commit"))
        const responses = yield* Fiber.join(sending)
        expect(statuses(responses)).toEqual({ 201: 16, 422: 8 })
        responses.forEach((response, i) => {
          if (i % 3 === 0) {
            expect(response.body.code).toBe("duplicate_reference")
            expect(Object.keys(response.body.errors)).toEqual(["order_id"])
          } else {
            expect(response.body.data.items.map((item: { item_id: string }) => item.item_id))
              .toEqual(bodies[i]!.parcels.map((p: { item_id: string }) => p.item_id))
          }
        })
        const after = yield* rowCounts
        expect(after.orders - before.orders).toBe(16)
        expect(after.parcels - before.parcels).toBe(32)
        expect(after.products - before.products).toBe(32)
        // some went together: statements of more than one order were made
        const batchesAfter = yield* Metric.value(createBatchSize)
        const orders = (state: typeof batchesAfter) => state.sum
        const statements = (state: typeof batchesAfter) => state.count
        expect(orders(batchesAfter) - orders(batchesBefore)).toBe(24)
        expect(statements(batchesAfter) - statements(batchesBefore)).toBeLessThan(24)
        // the trackings answered are the orders stored, each with its own parcels
        for (const response of responses.filter((r) => r.status === 201)) {
          const stored = yield* getOrder(ws, response.body.data.order_id)
          expect(stored.parcels.map((p: { parcel_id: string }) => p.parcel_id))
            .toEqual(response.body.data.items.map((item: { parcel_id: string }) => item.parcel_id))
        }
      })))

    it.effect("concurrent creates sharing only an item_id or a merchant_tracking: one wins, the others name the parcel field", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const item = uniqueRef("IT")
        const sticker = uniqueRef("MT")
        const sameItem = Array.from({ length: 10 }, () =>
          postOrder(ws.token, clearanceOrder(ws, { parcels: [parcelBody(), parcelBody({ item_id: item })] })))
        const sameSticker = Array.from({ length: 10 }, () =>
          postOrder(ws.token, clearanceOrder(ws, { parcels: [parcelBody({ merchant_tracking: sticker })] })))
        const [items, stickers] = yield* Effect.all([
          Effect.all(sameItem, { concurrency: "unbounded" }),
          Effect.all(sameSticker, { concurrency: "unbounded" })
        ], { concurrency: "unbounded" })
        expect(statuses(items)).toEqual({ 201: 1, 422: 9 })
        expect(statuses(stickers)).toEqual({ 201: 1, 422: 9 })
        for (const r of items.filter((r) => r.status === 422)) {
          expect(r.body.errors).toEqual({ "parcels.1.item_id": [`${JSON.stringify(item)} is already used`] })
        }
        for (const r of stickers.filter((r) => r.status === 422)) {
          expect(r.body.errors).toEqual({ "parcels.0.merchant_tracking": [`${JSON.stringify(sticker)} is already used`] })
        }
      }))

    it.effect("concurrent distinct creates all succeed with distinct, valid tracking numbers", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const created = yield* Effect.all(Array.from({ length: 30 }, () => createOrder(ws, clearanceOrder(ws, {}, 2))), {
          concurrency: "unbounded"
        })
        const trackings = created.flatMap((c) => [c.order_id, ...c.items.map((i) => i.parcel_id)])
        expect(new Set(trackings).size).toBe(90)
        expect(trackings.every(isValidTracking)).toBe(true)
      }))

    it.effect("cancel waits for the order lock: a move committed while it waits wins, and the cancel answers 409", () =>
      Effect.scoped(Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const data = yield* createOrder(ws, clearanceOrder(ws, {}, 2))
        const client = yield* rawClient
        // an operator move, the way scans do it: lock the order row, then move the parcel
        yield* Effect.promise(async () => {
          await client.query("begin")
          await client.query("select id from orders where tracking = $1 for update", [data.order_id])
          await client.query(
            "update parcels set status = 'received', step_index = 1 where tracking = $1",
            [data.items[1]!.parcel_id]
          )
        })
        const cancelling = yield* Effect.fork(cancel(ws.token, data.order_id, { reason: "race" }))
        yield* untilSomeoneWaitsForALock
        yield* Effect.promise(() => client.query("commit"))
        const response = yield* Fiber.join(cancelling)
        expect(response.status).toBe(409)
        expect(response.body.code).toBe("order_not_modifiable")
        const order = yield* getOrder(ws, data.order_id)
        expect(order.cancelled_at).toBeNull()
        expect(order.parcels.map((p: { status: string }) => p.status)).toEqual(["created", "received"])
      })))

    it.effect("update waits for the order lock too: a move committed while it waits wins, the update answers 409", () =>
      Effect.scoped(Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const body = clearanceOrder(ws)
        const data = yield* createOrder(ws, body)
        const client = yield* rawClient
        yield* Effect.promise(async () => {
          await client.query("begin")
          await client.query("select id from orders where tracking = $1 for update", [data.order_id])
          await client.query("update parcels set status = 'received', step_index = 1 where tracking = $1", [data.items[0]!.parcel_id])
        })
        const updating = yield* Effect.fork(patchParcel(ws.token, data.order_id, body.parcels[0].item_id, { package_type: "liquid" }))
        yield* untilSomeoneWaitsForALock
        yield* Effect.promise(() => client.query("commit"))
        const response = yield* Fiber.join(updating)
        expect(response.status).toBe(409)
        expect((yield* getOrder(ws, data.order_id)).parcels[0].package_type).toBe("fragile")
      })))

    it.effect("cancel racing operator scans on the same orders: exactly one of the two wins, never both", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const orders = yield* Effect.all(Array.from({ length: 15 }, () => createOrder(ws)), { concurrency: 5 })
        const outcomes = yield* Effect.all(
          orders.map((order) =>
            Effect.all([
              cancel(ws.token, order.order_id, { reason: "race" }),
              operator("POST", `/operator/v1/parcels/${order.items[0]!.parcel_id}/status`, { status: "received" })
            ], { concurrency: "unbounded" })),
          { concurrency: "unbounded" }
        )
        const sql = yield* SqlClient.SqlClient
        for (const [i, [cancelled, scanned]] of outcomes.entries()) {
          const order = orders[i]!
          expect([cancelled.status, scanned.status].sort(), JSON.stringify([cancelled.body, scanned.body])).toEqual([200, 409])
          const [row] = yield* sql<{ cancelled: boolean; status: string; step_index: number; events: number }>`
            select o.cancelled_at is not null as cancelled, p.status, p.step_index,
                   (select count(*) from status_events e where e.order_id = o.id) as events
              from orders o join parcels p on p.order_id = o.id where o.tracking = ${order.order_id}`
          if (cancelled.status === 200) {
            expect(row).toEqual({ cancelled: true, status: "cancelled", step_index: 0, events: 1 })
          } else {
            expect(row).toEqual({ cancelled: false, status: "received", step_index: 1, events: 1 })
          }
        }
      }))
  })
})
