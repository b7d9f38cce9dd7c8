import { describe, expect, it } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { scan, setupWorkspace, tokenWithScopes, type Workspace } from "./support/Fixtures.js"
import { cancelOrder, insertOrder } from "./support/OrderRows.js"
import { call, TestAppLive } from "./support/TestApp.js"

const readPool = (token: string, query = "") => call("GET", `/api/v1/status-pool${query}`, { token })
const ack = (token: string, body: unknown) => call("POST", "/api/v1/status-pool/ack", { token, body })

const expect422 = (response: { status: number; body: any }, field: string) => {
  expect(response.status).toBe(422)
  expect(response.body.code).toBe("validation_failed")
  expect(Object.keys(response.body.errors)).toContain(field)
}

/** `count` events for one parcel of a fresh order of the workspace, in one statement. */
const seedEvents = (ws: Workspace, count: number) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const order = yield* insertOrder(ws)
    yield* sql`insert into status_events (partner_id, order_id, parcel_id, status, previous_status)
               select ${ws.partner.id}, ${order.id}, ${order.parcels[0]!.id},
                      case when g % 2 = 0 then 'received' else 'sorted' end, 'created'
                 from generate_series(1, ${count}) as g`
    return order
  }).pipe(Effect.orDie)

describe("status pool", () => {
  it.layer(TestAppLive)((it) => {
    it.effect("lists the partner's events oldest first with tracking numbers and references", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const order = yield* insertOrder(ws, { parcelsPerOrder: 2, merchantTracking: (_, p) => `STICKER-${p}-${ws.partner.id}` })
        const [first, second] = order.parcels
        yield* scan(first!.tracking, { status: "received" })
        yield* scan(second!.tracking, { status: "sorted" })
        yield* scan(first!.tracking, { status: "delivered" })
        const response = yield* readPool(ws.token)
        expect(response.status).toBe(200)
        expect(response.body.next_cursor).toBeNull()
        const events = response.body.data
        expect(events.map((e: any) => [e.parcel_id, e.previous_status, e.status])).toEqual([
          [first!.tracking, "created", "received"],
          [second!.tracking, "created", "sorted"],
          [first!.tracking, "received", "delivered"]
        ])
        expect(events[0]).toEqual({
          id: expect.any(Number),
          order_id: order.tracking,
          partner_order_id: order.partnerOrderId,
          parcel_id: first!.tracking,
          item_id: first!.itemId,
          merchant_tracking: `STICKER-0-${ws.partner.id}`,
          status: "received",
          previous_status: "created",
          occurred_at: expect.any(String)
        })
        expect(Date.parse(events[0].occurred_at)).not.toBeNaN()
        expect(events[0].id).toBeLessThan(events[1].id)
        expect(events[1].id).toBeLessThan(events[2].id)
      }))

    it.effect("reading does not consume; acknowledged events leave the pool", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const order = yield* insertOrder(ws, { parcelsPerOrder: 3 })
        for (const parcel of order.parcels) yield* scan(parcel.tracking, { status: "received" })
        const before = (yield* readPool(ws.token)).body.data
        expect((yield* readPool(ws.token)).body.data).toEqual(before)
        const acked = yield* ack(ws.token, { ids: [before[0].id, before[2].id] })
        expect(acked.status).toBe(200)
        expect(acked.body).toEqual({ data: { acknowledged: 2 } })
        const after = (yield* readPool(ws.token)).body.data
        expect(after.map((e: any) => e.id)).toEqual([before[1].id])
      }))

    it.effect("acking twice is harmless and counts only newly acknowledged events", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const order = yield* insertOrder(ws, { parcelsPerOrder: 2 })
        for (const parcel of order.parcels) yield* scan(parcel.tracking, { status: "received" })
        const ids = (yield* readPool(ws.token)).body.data.map((e: any) => e.id)
        expect((yield* ack(ws.token, { ids: [ids[0]] })).body.data.acknowledged).toBe(1)
        expect((yield* ack(ws.token, { ids: [ids[0]] })).body.data.acknowledged).toBe(0)
        expect((yield* ack(ws.token, { ids: [ids[0], ids[1], ids[1]] })).body.data.acknowledged).toBe(1)
        expect((yield* ack(ws.token, { ids })).body.data.acknowledged).toBe(0)
        expect((yield* readPool(ws.token)).body.data).toEqual([])
      }))

    it.effect("each partner sees only its own events; other partners' and unknown ids are ignored", () =>
      Effect.gen(function* () {
        const a = yield* setupWorkspace()
        const b = yield* setupWorkspace()
        const orderA = yield* insertOrder(a)
        const orderB = yield* insertOrder(b)
        yield* scan(orderA.parcels[0]!.tracking, { status: "received" })
        yield* scan(orderB.parcels[0]!.tracking, { status: "received" })
        const poolA = (yield* readPool(a.token)).body.data
        const poolB = (yield* readPool(b.token)).body.data
        expect(poolA.map((e: any) => e.order_id)).toEqual([orderA.tracking])
        expect(poolB.map((e: any) => e.order_id)).toEqual([orderB.tracking])
        // A acks B's event and ids that do not exist: nothing happens to B
        const foreign = yield* ack(a.token, { ids: [poolB[0].id, 999_999_999, Number.MAX_SAFE_INTEGER] })
        expect(foreign.status).toBe(200)
        expect(foreign.body.data.acknowledged).toBe(0)
        expect((yield* readPool(b.token)).body.data).toEqual(poolB)
        expect((yield* readPool(a.token)).body.data).toEqual(poolA)
      }))

    it.effect("a cancellation writes a cancelled event per parcel into the pool", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const order = yield* insertOrder(ws, { parcelsPerOrder: 2 })
        expect(yield* cancelOrder(ws, order)).toBe("cancelled")
        const events = (yield* readPool(ws.token)).body.data
        expect(events.map((e: any) => [e.parcel_id, e.previous_status, e.status])).toEqual(
          order.parcels.map((p) => [p.tracking, "created", "cancelled"])
        )
      }))

    it.effect("limit defaults to 100 and pages with next_cursor without acknowledging", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        yield* seedEvents(ws, 250)
        const first = yield* readPool(ws.token)
        expect(first.body.data).toHaveLength(100)
        expect(first.body.next_cursor).toEqual(expect.any(String))
        const second = yield* readPool(ws.token, `?cursor=${first.body.next_cursor}`)
        expect(second.body.data).toHaveLength(100)
        expect(second.body.data[0].id).toBeGreaterThan(first.body.data[99].id)
        const third = yield* readPool(ws.token, `?limit=100&cursor=${second.body.next_cursor}`)
        expect(third.body.data).toHaveLength(50)
        expect(third.body.next_cursor).toBeNull()
        const exact = yield* readPool(ws.token, "?limit=250")
        expect(exact.body.data).toHaveLength(250)
        expect(exact.body.next_cursor).toBeNull()
        const one = yield* readPool(ws.token, "?limit=1")
        expect(one.body.data.map((e: any) => e.id)).toEqual([first.body.data[0].id])
      }))

    it.effect("10,000 events: paged with limit, half acknowledged, the rest still there in order", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        yield* seedEvents(ws, 10_000)
        const all: Array<number> = []
        let cursor: string | null = null
        let pages = 0
        do {
          const query: string = `?limit=1000${cursor === null ? "" : `&cursor=${cursor}`}`
          const page = yield* readPool(ws.token, query)
          expect(page.status).toBe(200)
          expect(page.body.data.length).toBe(1000)
          all.push(...page.body.data.map((e: any) => e.id))
          cursor = page.body.next_cursor
          pages++
        } while (cursor !== null)
        expect(pages).toBe(10)
        expect(all).toHaveLength(10_000)
        expect(all).toEqual([...all].sort((x, y) => x - y))
        expect(new Set(all).size).toBe(10_000)

        const half = all.filter((_, i) => i % 2 === 0)
        let acknowledged = 0
        for (let i = 0; i < half.length; i += 1000) {
          acknowledged += (yield* ack(ws.token, { ids: half.slice(i, i + 1000) })).body.data.acknowledged
        }
        expect(acknowledged).toBe(5000)

        const rest: Array<number> = []
        while (true) {
          const page = yield* readPool(ws.token, "?limit=1000")
          if (page.body.data.length === 0) break
          const ids = page.body.data.map((e: any) => e.id)
          rest.push(...ids)
          expect((yield* ack(ws.token, { ids })).body.data.acknowledged).toBe(ids.length)
        }
        expect(rest).toEqual(all.filter((_, i) => i % 2 === 1))
      }))

    // ---------------------------------------------------------------- bad input

    it.effect("an invalid limit → 422 naming limit", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        for (const limit of ["0", "1001", "-1", "abc", "1.5", "", "1e3x"]) {
          expect422(yield* readPool(ws.token, `?limit=${limit}`), "limit")
        }
        expect((yield* readPool(ws.token, "?limit=1000")).status).toBe(200)
      }))

    it.effect("a cursor that was not issued → 422 naming cursor", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        for (const cursor of ["abc", "123", "", Buffer.from("c0").toString("base64url"), Buffer.from("x12").toString("base64url")]) {
          expect422(yield* readPool(ws.token, `?cursor=${cursor}`), "cursor")
        }
      }))

    it.effect("ack with garbage → 422 naming ids; nothing acknowledged", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const order = yield* insertOrder(ws)
        yield* scan(order.parcels[0]!.tracking, { status: "received" })
        const id = (yield* readPool(ws.token)).body.data[0].id
        const bodies: Array<unknown> = [
          {},
          { ids: [] },
          { ids: id },
          { ids: String(id) },
          { ids: [String(id)] },
          { ids: [id, "x"] },
          { ids: [id, 0] },
          { ids: [id, -3] },
          { ids: [id, 1.5] },
          { ids: [id, null] },
          { ids: [id, Number.MAX_SAFE_INTEGER + 2] },
          { ids: Array.from({ length: 1001 }, (_, i) => i + 1) }
        ]
        for (const body of bodies) {
          const response = yield* ack(ws.token, body)
          expect(response.status).toBe(422)
          expect(response.body.code).toBe("validation_failed")
          expect(Object.keys(response.body.errors).every((k) => k === "ids" || k.startsWith("ids."))).toBe(true)
        }
        expect((yield* ack(ws.token, { ids: [id, id] }))).toMatchObject({ status: 200 })
        const arrayBody = yield* call("POST", "/api/v1/status-pool/ack", { token: ws.token, rawBody: `[${id}]` })
        expect(arrayBody.status).toBe(422)
        const notJson = yield* call("POST", "/api/v1/status-pool/ack", { token: ws.token, rawBody: "{\"ids\": [" })
        expect(notJson.status).toBe(400)
        expect(notJson.body.code).toBe("malformed_body")
      }))

    it.effect("the garbage ack left the event in the pool", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const order = yield* insertOrder(ws)
        yield* scan(order.parcels[0]!.tracking, { status: "received" })
        const id = (yield* readPool(ws.token)).body.data[0].id
        expect((yield* ack(ws.token, { ids: [id, "x"] })).status).toBe(422)
        expect((yield* readPool(ws.token)).body.data.map((e: any) => e.id)).toEqual([id])
      }))

    it.effect("statuses:read is required for both endpoints (403); no token → 401", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const token = yield* tokenWithScopes(ws, ["orders:read", "invoices:read"])
        const read = yield* readPool(token)
        expect(read.status).toBe(403)
        expect(read.body).toEqual({ message: "This token lacks the scope \"statuses:read\".", code: "forbidden" })
        const acked = yield* ack(token, { ids: [1] })
        expect(acked.status).toBe(403)
        expect(acked.body.code).toBe("forbidden")
        expect((yield* call("GET", "/api/v1/status-pool")).status).toBe(401)
        expect((yield* call("POST", "/api/v1/status-pool/ack", { body: { ids: [1] } })).status).toBe(401)
        expect((yield* call("GET", "/api/v1/status-pool", { token: "operator" })).status).toBe(401)
        const ok = yield* readPool(yield* tokenWithScopes(ws, ["statuses:read"]))
        expect(ok.status).toBe(200)
      }))
  })
})
