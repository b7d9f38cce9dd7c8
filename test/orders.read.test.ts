import { describe, expect, it } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { setupWorkspace, tokenFor } from "./support/Fixtures.js"
import { clearanceOrder, createOrder, getOrder, homeOrder, moveParcel, parcelBody, uniqueRef } from "./support/Orders.js"
import { call, TestAppLive } from "./support/TestApp.js"

describe("GET /api/v1/orders/{order_id} and GET /api/v1/orders", () => {
  it.layer(TestAppLive)((it) => {
    // ------------------------------------------------------------ one order

    it.effect("finds the order by its Starmile tracking and by the partner's own order_id", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const body = clearanceOrder(ws, { order_id: `PO/${uniqueRef("x")} #1` })
        const data = yield* createOrder(ws, body)
        const byTracking = yield* getOrder(ws, data.order_id)
        const byReference = yield* getOrder(ws, body.order_id)
        expect(byTracking).toEqual(byReference)
        expect(byTracking.order_id).toBe(data.order_id)
        expect(byTracking.partner_order_id).toBe(body.order_id)
        expect(typeof byTracking.created_at).toBe("string")
        expect(new Date(byTracking.created_at).toISOString()).toBe(byTracking.created_at)
      }))

    it.effect("the Starmile tracking wins over another order whose own order_id equals it", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const first = yield* createOrder(ws)
        // a second order whose partner reference is the first order's tracking number
        const second = yield* createOrder(ws, clearanceOrder(ws, { order_id: first.order_id }))
        expect((yield* getOrder(ws, first.order_id)).order_id).toBe(first.order_id)
        expect((yield* getOrder(ws, second.order_id)).partner_order_id).toBe(first.order_id)
      }))

    it.effect("another partner's order is 404 by tracking and by reference, exactly like an unknown one", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const other = yield* setupWorkspace()
        const body = clearanceOrder(other)
        const theirs = yield* createOrder(other, body)
        for (const ref of [theirs.order_id, body.order_id]) {
          const response = yield* call("GET", `/api/v1/orders/${encodeURIComponent(ref)}`, { token: ws.token })
          expect(response.status).toBe(404)
          expect(response.body).toEqual({ code: "not_found", message: `Order ${JSON.stringify(ref)} was not found.` })
        }
        const unknown = yield* call("GET", "/api/v1/orders/SO999999999AZ", { token: ws.token })
        expect(unknown.status).toBe(404)
        expect(unknown.body.code).toBe("not_found")
      }))

    it.effect("ids that cannot exist (NUL, unpaired surrogate, over-long) are 404, never a 5xx", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        for (const path of ["%00", "a%00b", "%ED%A0%80", "x".repeat(300), "%20", "..%2F..", "%F0%9F%93%A6"]) {
          const response = yield* call("GET", `/api/v1/orders/${path}`, { token: ws.token })
          expect([404], `${path}: ${JSON.stringify(response.body)}`).toContain(response.status)
          expect(response.body.code).toBe("not_found")
        }
      }))

    it.effect("references of the full 255 characters are reachable by path (GET, PATCH, cancel, scan)", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const orderRef = "O".repeat(255)
        const itemRef = "I".repeat(254) + "é"
        const sticker = "M".repeat(255)
        yield* createOrder(ws, clearanceOrder(ws, {
          order_id: orderRef,
          parcels: [parcelBody({ item_id: itemRef, merchant_tracking: sticker })]
        }))
        expect((yield* getOrder(ws, orderRef)).partner_order_id).toBe(orderRef)
        const patched = yield* call(
          "PATCH",
          `/api/v1/orders/${encodeURIComponent(orderRef)}/parcels/${encodeURIComponent(itemRef)}`,
          { token: ws.token, body: { weight_grams: 10 } }
        )
        expect(patched.status).toBe(200)
        const scanned = yield* call("POST", `/operator/v1/parcels/${sticker}/status`, { token: "operator", body: { status: "created" } })
        expect(scanned.status).toBe(200)
        const cancelled = yield* call("POST", `/api/v1/orders/${encodeURIComponent(orderRef)}/cancel`, { token: ws.token })
        expect(cancelled.status).toBe(200)
      }))

    it.effect("status is the status of the least advanced parcel; measured appears once the hub measured", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const data = yield* createOrder(ws, clearanceOrder(ws, {}, 3))
        const [a, b, c] = data.items.map((i) => i.parcel_id)
        yield* moveParcel(a!, "sorted", 2)
        yield* moveParcel(b!, "received", 1)
        expect((yield* getOrder(ws, data.order_id)).status).toBe("created")
        yield* moveParcel(c!, "delivered", 3)
        const order = yield* getOrder(ws, data.order_id)
        expect(order.status).toBe("received")
        expect(order.parcels.map((p: { status: string }) => p.status)).toEqual(["sorted", "received", "delivered"])
        expect(order.parcels[0].measured).toBeNull()

        const sql = yield* SqlClient.SqlClient
        yield* sql`update parcels set measured_weight_grams = 1520, measured_length_mm = 310, measured_width_mm = 205,
                                      measured_height_mm = 99, measured_at = now() where tracking = ${a!}`
        const measured = yield* getOrder(ws, data.order_id)
        expect(measured.parcels[0].measured).toEqual({ weight_grams: 1520, length_mm: 310, width_mm: 205, height_mm: 99 })
        // declared values are unchanged by the measurement
        expect(measured.parcels[0].weight_grams).toBe(1400)
      }))

    it.effect("the full documented shape, with products in their order", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const body = homeOrder(ws, {
          parcels: [parcelBody({
            products: [
              { name: "A", hs_code: "1", declared_value: 10.25, currency: "EUR", quantity: 3, weight_grams: 5 },
              { name: "B" }
            ]
          })]
        })
        const data = yield* createOrder(ws, body)
        const order = yield* getOrder(ws, data.order_id)
        expect(Object.keys(order).sort()).toEqual([
          "cancel_reason", "cancelled_at", "consolidation_required", "created_at", "customer_email", "customer_name",
          "customer_phone", "destination", "gov_id", "order_id", "parcels", "partner_order_id", "region_status",
          "service_id", "shipping_cost", "status"
        ])
        expect(Object.keys(order.parcels[0]).sort()).toEqual([
          "height_mm", "item_id", "length_mm", "measured", "merchant_tracking", "package_type", "parcel_id",
          "partner_tracking", "products", "status", "weight_grams", "width_mm"
        ])
        expect(order.parcels[0].products).toEqual([
          { name: "A", hs_code: "1", declared_value: 10.25, currency: "EUR", quantity: 3, weight_grams: 5 },
          { name: "B", hs_code: null, declared_value: null, currency: null, quantity: 1, weight_grams: null }
        ])
      }))

    it.effect("403 without orders:read; 401 without a token", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const data = yield* createOrder(ws)
        const createOnly = yield* tokenFor(ws.credential.client_id, ws.credential.client_secret, "orders:create")
        const forbidden = yield* call("GET", `/api/v1/orders/${data.order_id}`, { token: createOnly })
        expect(forbidden.status).toBe(403)
        expect(forbidden.body.message).toContain("orders:read")
        expect((yield* call("GET", "/api/v1/orders", { token: createOnly })).status).toBe(403)
        expect((yield* call("GET", `/api/v1/orders/${data.order_id}`)).status).toBe(401)
      }))

    // ------------------------------------------------------------ the list

    it.effect("lists only the caller's orders, newest first, in pages that cover every order exactly once", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const other = yield* setupWorkspace()
        yield* createOrder(other)
        const createdIds: Array<string> = []
        for (let i = 0; i < 7; i++) createdIds.push((yield* createOrder(ws)).order_id)
        const seen: Array<string> = []
        let cursor: string | null = null
        let pages = 0
        do {
          const query: string = cursor === null ? "?limit=3" : `?limit=3&cursor=${encodeURIComponent(cursor)}`
          const page = yield* call("GET", `/api/v1/orders${query}`, { token: ws.token })
          expect(page.status).toBe(200)
          expect(page.body.data.length).toBeLessThanOrEqual(3)
          seen.push(...page.body.data.map((o: { order_id: string }) => o.order_id))
          cursor = page.body.next_cursor
          pages++
        } while (cursor !== null)
        expect(pages).toBe(3)
        expect(seen).toEqual([...createdIds].reverse())
      }))

    it.effect("the last page has next_cursor null; items have the same shape as GET one", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const data = yield* createOrder(ws, homeOrder(ws))
        const list = yield* call("GET", "/api/v1/orders", { token: ws.token })
        expect(list.status).toBe(200)
        expect(list.body.next_cursor).toBeNull()
        expect(list.body.data).toEqual([yield* getOrder(ws, data.order_id)])
        const exact = yield* call("GET", "/api/v1/orders?limit=1", { token: ws.token })
        expect(exact.body.next_cursor).toBeNull()
      }))

    it.effect("default page size is 20", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        for (let i = 0; i < 21; i++) yield* createOrder(ws)
        const first = yield* call("GET", "/api/v1/orders", { token: ws.token })
        expect(first.body.data).toHaveLength(20)
        expect(first.body.next_cursor).not.toBeNull()
        const rest = yield* call("GET", `/api/v1/orders?cursor=${first.body.next_cursor}`, { token: ws.token })
        expect(rest.body.data).toHaveLength(1)
        expect(rest.body.next_cursor).toBeNull()
        const max = yield* call("GET", "/api/v1/orders?limit=100", { token: ws.token })
        expect(max.body.data).toHaveLength(21)
      }))

    it.effect("a bad limit or cursor is 422 naming it", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        for (const query of ["limit=0", "limit=101", "limit=abc", "limit=2.5", "limit=-1", "limit="]) {
          const response = yield* call("GET", `/api/v1/orders?${query}`, { token: ws.token })
          expect(response.status, query).toBe(422)
          expect(Object.keys(response.body.errors)).toEqual(["limit"])
        }
        for (const cursor of ["nope", "%00", "bzE6MA", "eDox", "b1:1", "x".repeat(100), Buffer.from("o1:abc").toString("base64url")]) {
          const response = yield* call("GET", `/api/v1/orders?cursor=${cursor}`, { token: ws.token })
          expect(response.status, cursor).toBe(422)
          expect(response.body.code).toBe("validation_failed")
          expect(Object.keys(response.body.errors)).toEqual(["cursor"])
        }
      }))
  })
})
