import { describe, expect, it } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { created, scan, setupWorkspace, type Workspace } from "./support/Fixtures.js"
import { cancelOrder, createOrderViaApi, eventsOf, insertOrder, linesOf } from "./support/OrderRows.js"
import { call, TestAppLive } from "./support/TestApp.js"


const parcelRow = (id: number) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql<{
      status: string
      step_index: number
      measured_weight_grams: number | null
      measured_length_mm: number | null
      measured_width_mm: number | null
      measured_height_mm: number | null
      measured_at: Date | null
    }>`select status, step_index, measured_weight_grams, measured_length_mm, measured_width_mm, measured_height_mm,
              measured_at from parcels where id = ${id}`).pipe(Effect.map((rows) => rows[0]!), Effect.orDie)

const billOnReceived = (ws: Workspace, serviceId = ws.services.clearance.id) =>
  created("POST", "/operator/v1/rates", {
    service_id: serviceId,
    currency: "AZN",
    amount: 3.5,
    per_kg_amount: 1.2,
    bill_on_status: "received"
  })

const expect409 = (response: { status: number; body: any }, code: string) => {
  expect(response.status).toBe(409)
  expect(response.body.code).toBe(code)
  expect(typeof response.body.message).toBe("string")
}

const expect422 = (response: { status: number; body: any }, fields: ReadonlyArray<string>) => {
  expect(response.status).toBe(422)
  expect(response.body.code).toBe("validation_failed")
  expect(Object.keys(response.body.errors).sort()).toEqual([...fields].sort())
}

describe("POST /operator/v1/parcels/{code}/status", () => {
  it.layer(TestAppLive)((it) => {
    it.effect("moves a parcel forward by its Starmile tracking and answers the parcel", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const order = yield* insertOrder(ws, { merchantTracking: () => "CN-STICKER-1" })
        const parcel = order.parcels[0]!
        const response = yield* scan(parcel.tracking, { status: "received" })
        expect(response.status).toBe(200)
        expect(response.body.data).toMatchObject({
          parcel_id: parcel.tracking,
          order_id: order.tracking,
          partner_id: ws.partner.id,
          partner_order_id: order.partnerOrderId,
          item_id: parcel.itemId,
          merchant_tracking: "CN-STICKER-1",
          status: "received",
          previous_status: "created",
          moved: true,
          steps: ws.flow.steps,
          measured: null,
          measured_at: null
        })
        expect(Date.parse(response.body.data.updated_at)).not.toBeNaN()
        expect(yield* parcelRow(parcel.id)).toMatchObject({ status: "received", step_index: 1 })
        const events = yield* eventsOf(order.id)
        expect(events.map((e) => [e.parcel_id, e.status, e.previous_status])).toEqual([[parcel.id, "received", "created"]])
      }))

    it.effect("finds a parcel by its merchant tracking", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const order = yield* insertOrder(ws, { merchantTracking: () => "CN773300012345" })
        const response = yield* scan("CN773300012345", { status: "sorted" })
        expect(response.status).toBe(200)
        expect(response.body.data.parcel_id).toBe(order.parcels[0]!.tracking)
        expect(response.body.data.status).toBe("sorted")
      }))

    it.effect("may skip steps; each move writes one event with the status it left", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const order = yield* insertOrder(ws)
        const code = order.parcels[0]!.tracking
        expect((yield* scan(code, { status: "sorted" })).body.data.previous_status).toBe("created")
        expect((yield* scan(code, { status: "delivered" })).body.data.previous_status).toBe("sorted")
        const events = yield* eventsOf(order.id)
        expect(events.map((e) => [e.previous_status, e.status])).toEqual([["created", "sorted"], ["sorted", "delivered"]])
        expect(yield* parcelRow(order.parcels[0]!.id)).toMatchObject({ status: "delivered", step_index: 3 })
      }))

    it.effect("only the scanned parcel of an order moves", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const order = yield* insertOrder(ws, { parcelsPerOrder: 3 })
        yield* scan(order.parcels[1]!.tracking, { status: "received" })
        const statuses = yield* Effect.forEach(order.parcels, (p) => parcelRow(p.id))
        expect(statuses.map((s) => s.status)).toEqual(["created", "received", "created"])
      }))

    it.effect("the same status again is a 200 no-op: no event, no invoice", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        yield* billOnReceived(ws)
        const order = yield* insertOrder(ws)
        const code = order.parcels[0]!.tracking
        yield* scan(code, { status: "received" })
        const again = yield* scan(code, { status: "received" })
        expect(again.status).toBe(200)
        expect(again.body.data).toMatchObject({ status: "received", previous_status: null, moved: false })
        expect(yield* eventsOf(order.id)).toHaveLength(1)
        expect(yield* linesOf(order.id)).toHaveLength(1)
        // the first step too: a fresh parcel scanned "created"
        const fresh = yield* insertOrder(ws)
        const first = yield* scan(fresh.parcels[0]!.tracking, { status: "created" })
        expect(first.status).toBe(200)
        expect(first.body.data.moved).toBe(false)
        expect(yield* eventsOf(fresh.id)).toHaveLength(0)
      }))

    it.effect("records the DWS measurement with the move", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const order = yield* insertOrder(ws)
        const response = yield* scan(order.parcels[0]!.tracking, {
          status: "received",
          weight_grams: 1450,
          length_mm: 300,
          width_mm: 200,
          height_mm: 0
        })
        expect(response.status).toBe(200)
        expect(response.body.data.measured).toEqual({ weight_grams: 1450, length_mm: 300, width_mm: 200, height_mm: 0 })
        expect(Date.parse(response.body.data.measured_at)).not.toBeNaN()
        expect(yield* parcelRow(order.parcels[0]!.id)).toMatchObject({
          measured_weight_grams: 1450,
          measured_length_mm: 300,
          measured_width_mm: 200,
          measured_height_mm: 0
        })
      }))

    it.effect("a same-status scan still records a sent measurement; fields not sent keep their value", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const order = yield* insertOrder(ws)
        const code = order.parcels[0]!.tracking
        yield* scan(code, { status: "received", weight_grams: 1000, length_mm: 100, width_mm: 100, height_mm: 100 })
        const reweighed = yield* scan(code, { status: "received", weight_grams: 1200 })
        expect(reweighed.status).toBe(200)
        expect(reweighed.body.data.moved).toBe(false)
        expect(reweighed.body.data.measured).toEqual({ weight_grams: 1200, length_mm: 100, width_mm: 100, height_mm: 100 })
        expect(yield* eventsOf(order.id)).toHaveLength(1)
        // a measurement before any other: the other fields stay null
        const other = yield* insertOrder(ws)
        const weighOnly = yield* scan(other.parcels[0]!.tracking, { status: "created", weight_grams: 10 })
        expect(weighOnly.body.data.measured).toEqual({ weight_grams: 10, length_mm: null, width_mm: null, height_mm: null })
      }))

    it.effect("a move without a measurement leaves measured null", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const order = yield* insertOrder(ws)
        yield* scan(order.parcels[0]!.tracking, { status: "received" })
        expect((yield* parcelRow(order.parcels[0]!.id)).measured_at).toBeNull()
      }))

    it.effect("backwards → 409 backward_move and nothing is written (not even the measurement)", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const order = yield* insertOrder(ws)
        const code = order.parcels[0]!.tracking
        yield* scan(code, { status: "sorted" })
        expect409(yield* scan(code, { status: "received", weight_grams: 500 }), "backward_move")
        expect409(yield* scan(code, { status: "created" }), "backward_move")
        expect(yield* parcelRow(order.parcels[0]!.id)).toMatchObject({ status: "sorted", step_index: 2, measured_at: null })
        expect(yield* eventsOf(order.id)).toHaveLength(1)
      }))

    it.effect("a status that is not a step of the flow → 409 status_not_in_flow", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const order = yield* insertOrder(ws)
        const code = order.parcels[0]!.tracking
        for (const status of ["lost", "Received", "cancelled", "in transit", "x".repeat(64)]) {
          expect409(yield* scan(code, { status }), "status_not_in_flow")
        }
        expect(yield* parcelRow(order.parcels[0]!.id)).toMatchObject({ status: "created", step_index: 0 })
        expect(yield* eventsOf(order.id)).toHaveLength(0)
      }))

    it.effect("a cancelled parcel → 409 parcel_cancelled, whatever the status", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const order = yield* insertOrder(ws)
        expect(yield* cancelOrder(ws, order)).toBe("cancelled")
        const code = order.parcels[0]!.tracking
        expect409(yield* scan(code, { status: "received" }), "parcel_cancelled")
        expect409(yield* scan(code, { status: "created" }), "parcel_cancelled")
        expect409(yield* scan(code, { status: "lost" }), "parcel_cancelled")
        expect(yield* parcelRow(order.parcels[0]!.id)).toMatchObject({ status: "cancelled", step_index: 0 })
        expect((yield* eventsOf(order.id)).map((e) => e.status)).toEqual(["cancelled"])
      }))

    it.effect("an unknown code → 404 not_found", () =>
      Effect.gen(function* () {
        for (const code of ["SP999999990AZ", "no-such-sticker", "%20"]) {
          const response = yield* scan(code, { status: "received" })
          expect(response.status).toBe(404)
          expect(response.body.code).toBe("not_found")
        }
      }))

    it.effect("a merchant tracking shared by parcels of two partners → 409; their Starmile trackings still work", () =>
      Effect.gen(function* () {
        const a = yield* setupWorkspace()
        const b = yield* setupWorkspace()
        const orderA = yield* insertOrder(a, { merchantTracking: () => "SHARED-STICKER-1" })
        const orderB = yield* insertOrder(b, { merchantTracking: () => "SHARED-STICKER-1" })
        expect409(yield* scan("SHARED-STICKER-1", { status: "received" }), "ambiguous_parcel_code")
        expect(yield* eventsOf(orderA.id)).toHaveLength(0)
        expect(yield* eventsOf(orderB.id)).toHaveLength(0)
        expect((yield* scan(orderA.parcels[0]!.tracking, { status: "received" })).status).toBe(200)
        expect((yield* scan(orderB.parcels[0]!.tracking, { status: "received" })).status).toBe(200)
      }))

    it.effect("a Starmile tracking wins over another partner's identical merchant tracking", () =>
      Effect.gen(function* () {
        const a = yield* setupWorkspace()
        const b = yield* setupWorkspace()
        const orderA = yield* insertOrder(a)
        const orderB = yield* insertOrder(b, { merchantTracking: () => orderA.parcels[0]!.tracking })
        const response = yield* scan(orderA.parcels[0]!.tracking, { status: "received" })
        expect(response.status).toBe(200)
        expect(response.body.data.order_id).toBe(orderA.tracking)
        expect(yield* eventsOf(orderB.id)).toHaveLength(0)
      }))

    // ---------------------------------------------------------------- bad input

    it.effect("status missing, empty, too long or not a string → 422 naming status", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const order = yield* insertOrder(ws)
        const code = order.parcels[0]!.tracking
        for (const body of [{}, { status: "" }, { status: "x".repeat(65) }, { status: 1 }, { status: null }, { status: ["received"] }]) {
          expect422(yield* scan(code, body), ["status"])
        }
        expect(yield* eventsOf(order.id)).toHaveLength(0)
      }))

    it.effect("measurements must be integers 0..1,000,000 → 422 naming each bad field; nothing written", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const order = yield* insertOrder(ws)
        const code = order.parcels[0]!.tracking
        for (const bad of [-1, 1_000_001, 1.5, "100", null, true]) {
          expect422(yield* scan(code, { status: "received", weight_grams: bad }), ["weight_grams"])
        }
        expect422(
          yield* scan(code, { status: "received", weight_grams: -5, length_mm: "1", width_mm: 2.2, height_mm: 2_000_000 }),
          ["weight_grams", "length_mm", "width_mm", "height_mm"]
        )
        expect422(yield* scan(code, { weight_grams: -5 }), ["status", "weight_grams"])
        expect(yield* parcelRow(order.parcels[0]!.id)).toMatchObject({ status: "created", measured_at: null })
        expect(yield* eventsOf(order.id)).toHaveLength(0)
        // the bounds themselves are fine
        const ok = yield* scan(code, { status: "received", weight_grams: 0, length_mm: 1_000_000 })
        expect(ok.status).toBe(200)
      }))

    it.effect("a body that is not an object → 422; not JSON → 400", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const order = yield* insertOrder(ws)
        const path = `/operator/v1/parcels/${order.parcels[0]!.tracking}/status`
        const array = yield* call("POST", path, { token: "operator", rawBody: "[\"received\"]" })
        expect(array.status).toBe(422)
        expect(array.body.code).toBe("validation_failed")
        const text = yield* call("POST", path, { token: "operator", rawBody: "\"received\"" })
        expect(text.status).toBe(422)
        const garbage = yield* call("POST", path, { token: "operator", rawBody: "{\"status\": " })
        expect(garbage.status).toBe(400)
        expect(garbage.body.code).toBe("malformed_body")
        expect(yield* eventsOf(order.id)).toHaveLength(0)
      }))

    it.effect("operator authentication: none, wrong or a partner token → 401", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const order = yield* insertOrder(ws)
        const path = `/operator/v1/parcels/${order.parcels[0]!.tracking}/status`
        const body = { status: "received" }
        for (const token of [undefined, "wrong", ws.token]) {
          const response = yield* call("POST", path, token === undefined ? { body } : { body, token })
          expect(response.status).toBe(401)
          expect(response.body.code).toBe("unauthenticated")
        }
        expect(yield* eventsOf(order.id)).toHaveLength(0)
      }))

    // ---------------------------------------------------------------- concurrency

    it.effect("20 concurrent identical scans: one move, one event, one invoice line", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        yield* billOnReceived(ws)
        const order = yield* insertOrder(ws, { weightGrams: 2500 })
        const code = order.parcels[0]!.tracking
        const responses = yield* Effect.all(
          Array.from({ length: 20 }, () => scan(code, { status: "received" })),
          { concurrency: "unbounded" }
        )
        expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200))
        expect(responses.filter((r) => r.body.data.moved).length).toBe(1)
        expect(responses.every((r) => r.body.data.status === "received")).toBe(true)
        expect((yield* eventsOf(order.id)).map((e) => e.status)).toEqual(["received"])
        const lines = yield* linesOf(order.id)
        expect(lines).toHaveLength(1)
        expect(lines[0]!.amount).toBe(3.5 + 1.2 * 3)
      }))

    it.effect("a full lifecycle through the API: create, scan with a weight, read and ack the pool, see the invoice", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const rate = yield* billOnReceived(ws)
        const create = yield* call("POST", "/api/v1/orders", {
          token: ws.token,
          body: {
            service_id: ws.services.clearance.id,
            order_id: `PO-${ws.partner.id}-life`,
            parcels: [{ item_id: `PKG-${ws.partner.id}`, merchant_tracking: `CN-${ws.partner.id}`, weight_grams: 900, products: [] }]
          }
        })
        expect(create.status).toBe(201)
        const orderId: string = create.body.data.order_id
        const parcelId: string = create.body.data.items[0].parcel_id

        const scanned = yield* scan(`CN-${ws.partner.id}`, { status: "received", weight_grams: 1400, length_mm: 300 })
        expect(scanned.status).toBe(200)
        expect(scanned.body.data).toMatchObject({
          parcel_id: parcelId,
          order_id: orderId,
          partner_order_id: `PO-${ws.partner.id}-life`,
          item_id: `PKG-${ws.partner.id}`,
          status: "received",
          previous_status: "created",
          moved: true,
          measured: { weight_grams: 1400, length_mm: 300, width_mm: null, height_mm: null }
        })

        const order = yield* call("GET", `/api/v1/orders/${orderId}`, { token: ws.token })
        expect(order.body.data.status).toBe("received")

        const pool = yield* call("GET", "/api/v1/status-pool", { token: ws.token })
        expect(pool.status).toBe(200)
        expect(pool.body.data).toEqual([{
          id: expect.any(Number),
          order_id: orderId,
          partner_order_id: `PO-${ws.partner.id}-life`,
          parcel_id: parcelId,
          item_id: `PKG-${ws.partner.id}`,
          merchant_tracking: `CN-${ws.partner.id}`,
          status: "received",
          previous_status: "created",
          occurred_at: expect.any(String)
        }])
        const acked = yield* call("POST", "/api/v1/status-pool/ack", { token: ws.token, body: { ids: [pool.body.data[0].id] } })
        expect(acked.body).toEqual({ data: { acknowledged: 1 } })
        expect((yield* call("GET", "/api/v1/status-pool", { token: ws.token })).body.data).toEqual([])

        const invoices = yield* call("GET", "/api/v1/invoices", { token: ws.token })
        expect(invoices.body.data).toEqual([{
          id: expect.any(Number),
          order_id: orderId,
          parcel_id: parcelId,
          rate_id: rate.id,
          status: "open",
          currency: "AZN",
          amount: 5.9,
          weight_grams: 1400,
          created_at: expect.any(String)
        }])
        // once moved, the order can no longer be cancelled
        expect(yield* cancelOrder(ws, { tracking: orderId })).toBe("refused")
      }))

    it.effect("the database itself refuses a backward move and any move of a cancelled parcel", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const sql = yield* SqlClient.SqlClient
        const order = yield* insertOrder(ws)
        const parcel = order.parcels[0]!
        yield* sql`update parcels set status = 'sorted', step_index = 2 where id = ${parcel.id}`
        const backwards = yield* Effect.either(
          sql`update parcels set status = 'received', step_index = 1 where id = ${parcel.id}`
        )
        expect(backwards._tag).toBe("Left")
        yield* sql`update parcels set status = 'cancelled' where id = ${parcel.id}`
        const revived = yield* Effect.either(sql`update parcels set status = 'delivered', step_index = 3 where id = ${parcel.id}`)
        expect(revived._tag).toBe("Left")
        expect(yield* parcelRow(parcel.id)).toMatchObject({ status: "cancelled", step_index: 2 })
      }))

    it.effect("cancel racing a move, 100 rounds: exactly one wins and the pool says so", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const orders = yield* Effect.forEach(
          Array.from({ length: 100 }),
          () => createOrderViaApi(ws, { parcels: 2 }),
          { concurrency: 8 }
        )
        let moves = 0
        let cancels = 0
        for (const order of orders) {
          const [cancel, move] = yield* Effect.all(
            [cancelOrder(ws, order), scan(order.parcels[0]!.tracking, { status: "received" })],
            { concurrency: 2 }
          )
          const events = (yield* eventsOf(order.id)).map((e) => [e.parcel_id, e.status])
          const statuses = (yield* Effect.forEach(order.parcels, (p) => parcelRow(p.id))).map((p) => p.status)
          if (move.status === 200) {
            moves++
            expect(cancel).toBe("refused")
            expect(move.body.data.moved).toBe(true)
            expect(statuses).toEqual(["received", "created"])
            expect(events).toEqual([[order.parcels[0]!.id, "received"]])
          } else {
            cancels++
            expect409(move, "parcel_cancelled")
            expect(cancel).toBe("cancelled")
            expect(statuses).toEqual(["cancelled", "cancelled"])
            expect(events).toEqual(order.parcels.map((p) => [p.id, "cancelled"]))
          }
        }
        expect(moves + cancels).toBe(100)
        // the partner's pool holds exactly those events
        const sql = yield* SqlClient.SqlClient
        const pool = yield* sql<{ status: string; n: number }>`
          select status, count(*) as n from status_events
           where partner_id = ${ws.partner.id} and acknowledged_at is null group by status order by status`
        const expected = [
          ...(cancels > 0 ? [{ status: "cancelled", n: cancels * 2 }] : []),
          ...(moves > 0 ? [{ status: "received", n: moves }] : [])
        ]
        expect(pool).toEqual(expected)
      }))
  })
})
