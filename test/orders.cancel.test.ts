import { describe, expect, it } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { setupWorkspace, tokenFor } from "./support/Fixtures.js"
import { cancel, clearanceOrder, createOrder, getOrder, moveParcel, rowCounts } from "./support/Orders.js"
import { call, TestAppLive } from "./support/TestApp.js"

const eventsOf = (orderTracking: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql<{ parcel: string; status: string; previous_status: string | null; partner_id: number; occurred_at: Date }>`
      select p.tracking as parcel, e.status, e.previous_status, e.partner_id, e.occurred_at
        from status_events e join parcels p on p.id = e.parcel_id
       where e.order_id = (select id from orders where tracking = ${orderTracking})
       order by p.position`).pipe(Effect.orDie)

describe("POST /api/v1/orders/{order_id}/cancel", () => {
  it.layer(TestAppLive)((it) => {
    it.effect("cancels the order and every parcel with one status event per parcel (previous status kept)", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const data = yield* createOrder(ws, clearanceOrder(ws, {}, 3))
        const response = yield* cancel(ws.token, data.order_id, { reason: "customer changed their mind" })
        expect(response.status).toBe(200)
        expect(response.body).toEqual({
          data: {
            order_id: data.order_id,
            status: "cancelled",
            cancelled_at: expect.any(String),
            reason: "customer changed their mind"
          }
        })
        const order = yield* getOrder(ws, data.order_id)
        expect(order.status).toBe("cancelled")
        expect(order.cancelled_at).toBe(response.body.data.cancelled_at)
        expect(order.cancel_reason).toBe("customer changed their mind")
        expect(order.parcels.map((p: { status: string }) => p.status)).toEqual(["cancelled", "cancelled", "cancelled"])
        const events = yield* eventsOf(data.order_id)
        expect(events.map((e) => [e.parcel, e.status, e.previous_status, e.partner_id])).toEqual(
          data.items.map((i) => [i.parcel_id, "cancelled", "created", ws.partner.id])
        )
        expect(events.every((e) => e.occurred_at.toISOString() === response.body.data.cancelled_at)).toBe(true)
      }))

    it.effect("the body is optional: empty, {} and null all work (reason null)", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const empty = yield* createOrder(ws)
        const none = yield* call("POST", `/api/v1/orders/${empty.order_id}/cancel`, { token: ws.token })
        expect(none.status).toBe(200)
        expect(none.body.data.reason).toBeNull()
        const emptyText = yield* createOrder(ws)
        expect((yield* call("POST", `/api/v1/orders/${emptyText.order_id}/cancel`, { token: ws.token, rawBody: "" })).status).toBe(200)
        const object = yield* createOrder(ws)
        expect((yield* cancel(ws.token, object.order_id, {})).body.data.reason).toBeNull()
        const nullBody = yield* createOrder(ws)
        const response = yield* call("POST", `/api/v1/orders/${nullBody.order_id}/cancel`, { token: ws.token, rawBody: "null" })
        expect(response.status).toBe(200)
        expect(response.body.data.status).toBe("cancelled")
      }))

    it.effect("by the partner's own order_id as well", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const body = clearanceOrder(ws)
        const data = yield* createOrder(ws, body)
        const response = yield* cancel(ws.token, body.order_id)
        expect(response.status).toBe(200)
        expect(response.body.data.order_id).toBe(data.order_id)
      }))

    it.effect("idempotent: again → the same 200, first reason and time kept, nothing written", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const data = yield* createOrder(ws, clearanceOrder(ws, {}, 2))
        const first = yield* cancel(ws.token, data.order_id, { reason: "first" })
        const before = yield* rowCounts
        const sql = yield* SqlClient.SqlClient
        const stamp = yield* sql<{ updated_at: Date }>`select updated_at from orders where tracking = ${data.order_id}`
        const again = yield* cancel(ws.token, data.order_id, { reason: "second" })
        const bare = yield* cancel(ws.token, data.order_id)
        expect(again.status).toBe(200)
        expect(again.body).toEqual(first.body)
        expect(bare.body).toEqual(first.body)
        expect(yield* rowCounts).toEqual(before)
        expect(yield* sql<{ updated_at: Date }>`select updated_at from orders where tracking = ${data.order_id}`).toEqual(stamp)
        expect(yield* eventsOf(data.order_id)).toHaveLength(2)
      }))

    it.effect("409 order_not_modifiable once any parcel has moved; nothing written", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const data = yield* createOrder(ws, clearanceOrder(ws, {}, 2))
        yield* moveParcel(data.items[0]!.parcel_id)
        const before = yield* rowCounts
        const response = yield* cancel(ws.token, data.order_id, { reason: "too late" })
        expect(response.status).toBe(409)
        expect(response.body.code).toBe("order_not_modifiable")
        expect(response.body.message).toContain(data.items[0]!.parcel_id)
        expect(yield* rowCounts).toEqual(before)
        const order = yield* getOrder(ws, data.order_id)
        expect(order.cancelled_at).toBeNull()
        expect(order.status).toBe("created")
        expect(order.parcels.map((p: { status: string }) => p.status)).toEqual(["received", "created"])
      }))

    it.effect("404 for another partner's order and an unknown one; nothing written", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const other = yield* setupWorkspace()
        const body = clearanceOrder(other)
        const theirs = yield* createOrder(other, body)
        const before = yield* rowCounts
        for (const ref of [theirs.order_id, body.order_id, "SO999999999AZ", "%00"]) {
          const response = yield* cancel(ws.token, ref)
          expect(response.status).toBe(404)
          expect(response.body.code).toBe("not_found")
        }
        expect(yield* rowCounts).toEqual(before)
        expect((yield* getOrder(other, theirs.order_id)).status).toBe("created")
      }))

    it.effect("a bad body is 422: reason not a string or too long, body not an object", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const data = yield* createOrder(ws)
        const cases: ReadonlyArray<[string, string]> = [
          [JSON.stringify({ reason: 5 }), "reason"],
          [JSON.stringify({ reason: "x".repeat(1001) }), "reason"],
          [JSON.stringify({ reason: null }), "reason"],
          [JSON.stringify({ reason: "a\u0000b" }), "reason"],
          ["[]", "body"],
          ["\"stop\"", "body"],
          ["7", "body"]
        ]
        for (const [raw, field] of cases) {
          const response = yield* call("POST", `/api/v1/orders/${data.order_id}/cancel`, { token: ws.token, rawBody: raw })
          expect(response.status, raw).toBe(422)
          expect(response.body.code).toBe("validation_failed")
          expect(Object.keys(response.body.errors)).toEqual([field])
        }
        expect((yield* getOrder(ws, data.order_id)).status).toBe("created")
        const longest = yield* cancel(ws.token, data.order_id, { reason: "x".repeat(1000) })
        expect(longest.status).toBe(200)
      }))

    it.effect("403 without orders:cancel, 401 without a token; nothing written", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const data = yield* createOrder(ws)
        const noCancel = yield* tokenFor(ws.credential.client_id, ws.credential.client_secret, "orders:read orders:update")
        const forbidden = yield* cancel(noCancel, data.order_id)
        expect(forbidden.status).toBe(403)
        expect(forbidden.body.message).toContain("orders:cancel")
        const anonymous = yield* call("POST", `/api/v1/orders/${data.order_id}/cancel`)
        expect(anonymous.status).toBe(401)
        expect((yield* getOrder(ws, data.order_id)).status).toBe("created")
      }))
  })
})
