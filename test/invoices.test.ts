import { describe, expect, it } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { Billing } from "../src/domain/Billing.js"
import { created, scan, setupWorkspace, tokenWithScopes } from "./support/Fixtures.js"
import { clearanceOrder, createOrder } from "./support/Orders.js"
import { cancelOrder, eventsOf, insertOrder, insertOrders, linesOf, type OrderRow } from "./support/OrderRows.js"
import { call, operator, TestAppLive } from "./support/TestApp.js"

const scanOk = (code: string, body: unknown) =>
  Effect.flatMap(scan(code, body), (r) => (r.status === 200 ? Effect.succeed(r) : Effect.dieMessage(JSON.stringify(r.body))))
const partnerInvoices = (token: string, query = "") => call("GET", `/api/v1/invoices${query}`, { token })

interface RateInput {
  readonly service_id: number
  readonly partner_id?: number
  readonly pricing_tier?: string
  readonly amount: number
  readonly per_kg_amount?: number
  readonly bill_on_status?: string
}

const rate = (input: RateInput) =>
  created<{ id: number }>("POST", "/operator/v1/rates", { currency: "AZN", bill_on_status: "received", ...input })

const expect422 = (response: { status: number; body: any }, field: string) => {
  expect(response.status).toBe(422)
  expect(response.body.code).toBe("validation_failed")
  expect(Object.keys(response.body.errors)).toContain(field)
}

/** Scans the order's first parcel to `received` and answers the amounts billed for the order. */
const billedAmounts = (order: OrderRow, body: Record<string, unknown> = {}) =>
  Effect.gen(function* () {
    yield* scanOk(order.parcels[0]!.tracking, { status: "received", ...body })
    return (yield* linesOf(order.id)).map((l) => l.amount)
  })

const markResolved = (order: OrderRow, pricingTier: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql`with region as (insert into regions (name, country, pricing_tier) values ('Resolved', 'AZ', ${pricingTier}) returning id)
        update orders set region_status = 'mapped', region_id = (select id from region), pricing_tier = ${pricingTier}
         where id = ${order.id}`).pipe(Effect.orDie)

describe("billing", () => {
  it.layer(TestAppLive)((it) => {
    it.effect("reaching bill_on_status raises one line on the measured weight, in started kilograms", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const r = yield* rate({ service_id: ws.services.clearance.id, amount: 3.5, per_kg_amount: 1.2 })
        const order = yield* insertOrder(ws, { weightGrams: 900 })
        yield* scanOk(order.parcels[0]!.tracking, { status: "received", weight_grams: 2001 })
        const response = yield* partnerInvoices(ws.token)
        expect(response.status).toBe(200)
        expect(response.body).toEqual({
          data: [{
            id: expect.any(Number),
            order_id: order.tracking,
            parcel_id: order.parcels[0]!.tracking,
            rate_id: r.id,
            status: "open",
            currency: "AZN",
            amount: 7.1,
            weight_grams: 2001,
            created_at: expect.any(String)
          }],
          next_cursor: null
        })
        expect(Date.parse(response.body.data[0].created_at)).not.toBeNaN()
        const sql = yield* SqlClient.SqlClient
        const stored = yield* sql<{ amount: string }>`select amount::text as amount from invoice_lines where order_id = ${order.id}`
        expect(stored).toEqual([{ amount: "7.10" }])
      }))

    it.effect("declared weight without a measurement, 0 without either, amount only without per_kg", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        yield* rate({ service_id: ws.services.clearance.id, amount: 3.5, per_kg_amount: 1.2 })
        const declared = yield* insertOrder(ws, { weightGrams: 1000 })
        expect(yield* billedAmounts(declared)).toEqual([4.7])
        expect((yield* linesOf(declared.id))[0]!.weight_grams).toBe(1000)
        const none = yield* insertOrder(ws, { weightGrams: null })
        expect(yield* billedAmounts(none)).toEqual([3.5])
        expect((yield* linesOf(none.id))[0]!.weight_grams).toBe(0)
        const measuredZero = yield* insertOrder(ws, { weightGrams: 5000 })
        expect(yield* billedAmounts(measuredZero, { weight_grams: 0 })).toEqual([3.5])

        const other = yield* setupWorkspace()
        yield* rate({ service_id: other.services.clearance.id, amount: 9.99 })
        const heavy = yield* insertOrder(other, { weightGrams: 999_999 })
        expect(yield* billedAmounts(heavy)).toEqual([9.99])
        expect((yield* linesOf(heavy.id))[0]!.weight_grams).toBe(999_999)
      }))

    it.effect("amounts are exact, up to the largest a rate and a weight allow", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        yield* rate({ service_id: ws.services.clearance.id, amount: 0.1, per_kg_amount: 0.2 })
        expect(yield* billedAmounts(yield* insertOrder(ws), { weight_grams: 2500 })).toEqual([0.7])
        const big = yield* setupWorkspace()
        yield* rate({ service_id: big.services.clearance.id, amount: 1_000_000_000, per_kg_amount: 1_000_000_000 })
        expect(yield* billedAmounts(yield* insertOrder(big), { weight_grams: 1_000_000 })).toEqual([1_001_000_000_000])
      }))

    it.effect("a rate billing on the flow's first step bills each parcel when the order is created", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        yield* rate({ service_id: ws.services.clearance.id, amount: 1.5, per_kg_amount: 1, bill_on_status: "created" })
        const order = yield* createOrder(ws, clearanceOrder(ws, {}, 2))
        const lines = (yield* partnerInvoices(ws.token)).body.data
        expect(lines.map((l: { parcel_id: string }) => l.parcel_id).sort()).toEqual(order.items.map((i) => i.parcel_id).sort())
        // declared 1400 g → 2 started kg
        expect(lines.map((l: { amount: number }) => l.amount)).toEqual([3.5, 3.5])
        // a service without such a rate bills nothing on creation
        yield* createOrder(ws, clearanceOrder(ws, { service_id: ws.services.crossDocking.id }))
        expect((yield* partnerInvoices(ws.token)).body.data).toHaveLength(2)
      }))

    it.effect("not before bill_on_status; skipping past it bills; later moves bill nothing more", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        yield* rate({ service_id: ws.services.clearance.id, amount: 2, bill_on_status: "sorted" })
        const order = yield* insertOrder(ws)
        const code = order.parcels[0]!.tracking
        yield* scanOk(code, { status: "received" })
        expect(yield* linesOf(order.id)).toEqual([])
        const skipper = yield* insertOrder(ws)
        yield* scanOk(skipper.parcels[0]!.tracking, { status: "delivered" })
        expect((yield* linesOf(skipper.id)).map((l) => l.amount)).toEqual([2])
        yield* scanOk(code, { status: "sorted" })
        yield* scanOk(code, { status: "sorted", weight_grams: 50_000 })
        yield* scanOk(code, { status: "delivered" })
        const lines = yield* linesOf(order.id)
        expect(lines.map((l) => [l.amount, l.weight_grams])).toEqual([[2, 0]])
      }))

    it.effect("the most specific rate applies: partner before default, exact tier before any tier", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const home = ws.services.home.id
        const stranger = yield* created<{ id: number }>("POST", "/operator/v1/partners", { name: "Stranger" })
        yield* rate({ service_id: home, amount: 1 })
        yield* rate({ service_id: home, pricing_tier: "tier_1", amount: 2 })
        yield* rate({ service_id: home, partner_id: ws.partner.id, amount: 3 })
        yield* rate({ service_id: home, partner_id: ws.partner.id, pricing_tier: "tier_1", amount: 4 })
        yield* rate({ service_id: home, partner_id: stranger.id, pricing_tier: "tier_2", amount: 99 })
        expect(yield* billedAmounts(yield* insertOrder(ws, { kind: { type: "home_mapped", pricingTier: "tier_1" } }))).toEqual([4])
        expect(yield* billedAmounts(yield* insertOrder(ws, { kind: { type: "home_mapped", pricingTier: "tier_2" } }))).toEqual([3])

        const defaults = yield* setupWorkspace()
        yield* rate({ service_id: defaults.services.home.id, amount: 1 })
        yield* rate({ service_id: defaults.services.home.id, pricing_tier: "tier_1", amount: 2 })
        const t1 = yield* insertOrder(defaults, { kind: { type: "home_mapped", pricingTier: "tier_1" } })
        expect(yield* billedAmounts(t1)).toEqual([2])
        expect(yield* billedAmounts(yield* insertOrder(defaults, { kind: { type: "home_mapped", pricingTier: "tier_3" } })))
          .toEqual([1])

        // partner-specific any-tier beats the default with the exact tier
        const mixed = yield* setupWorkspace()
        yield* rate({ service_id: mixed.services.home.id, pricing_tier: "tier_1", amount: 2 })
        yield* rate({ service_id: mixed.services.home.id, partner_id: mixed.partner.id, amount: 3 })
        expect(yield* billedAmounts(yield* insertOrder(mixed, { kind: { type: "home_mapped", pricingTier: "tier_1" } })))
          .toEqual([3])
      }))

    it.effect("no line when no rate matches (other tier, other partner)", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const stranger = yield* created<{ id: number }>("POST", "/operator/v1/partners", { name: "Stranger" })
        yield* rate({ service_id: ws.services.home.id, pricing_tier: "tier_2", amount: 1 })
        yield* rate({ service_id: ws.services.home.id, partner_id: stranger.id, amount: 1 })
        yield* rate({ service_id: ws.services.clearance.id, amount: 1 }) // another service
        expect(yield* billedAmounts(yield* insertOrder(ws, { kind: { type: "home_mapped", pricingTier: "tier_1" } }))).toEqual([])
      }))

    it.effect("an order without a tier (not_applicable) matches only any-tier rates", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const clearance = ws.services.clearance.id
        yield* rate({ service_id: clearance, pricing_tier: "tier_1", amount: 5 })
        yield* rate({ service_id: clearance, partner_id: ws.partner.id, pricing_tier: "tier_1", amount: 6 })
        expect(yield* billedAmounts(yield* insertOrder(ws))).toEqual([])
        yield* rate({ service_id: clearance, amount: 1.25 })
        expect(yield* billedAmounts(yield* insertOrder(ws))).toEqual([1.25])
      }))

    it.effect("a pending-mapping order is not billed, then billed exactly once when it resolves", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        yield* rate({ service_id: ws.services.home.id, amount: 3.5, per_kg_amount: 1.2 })
        yield* rate({ service_id: ws.services.home.id, pricing_tier: "tier_2", amount: 5, per_kg_amount: 1.5 })
        const order = yield* insertOrder(ws, { kind: { type: "home_pending" }, parcelsPerOrder: 2, weightGrams: 1500 })
        yield* scanOk(order.parcels[0]!.tracking, { status: "sorted" })
        expect(yield* linesOf(order.id)).toEqual([])
        expect((yield* eventsOf(order.id)).map((e) => e.status)).toEqual(["sorted"])

        const billing = yield* Billing
        // still pending: the resolver's call bills nothing
        expect(yield* billing.raiseDueForOrders([order.id])).toBe(0)
        yield* markResolved(order, "tier_2")
        expect(yield* billing.raiseDueForOrders([order.id])).toBe(1)
        expect(yield* billing.raiseDueForOrders([order.id])).toBe(0)
        expect(yield* billing.raiseDueForParcels(order.parcels.map((p) => p.id))).toBe(0)
        const lines = yield* linesOf(order.id)
        expect(lines.map((l) => [l.parcel_id, l.amount, l.weight_grams])).toEqual([[order.parcels[0]!.id, 5 + 1.5 * 2, 1500]])
        // the second parcel is billed when it reaches the status, the first never again
        yield* scanOk(order.parcels[1]!.tracking, { status: "received" })
        yield* scanOk(order.parcels[0]!.tracking, { status: "delivered" })
        expect((yield* linesOf(order.id)).map((l) => l.parcel_id)).toEqual(order.parcels.map((p) => p.id))
      }))

    it.effect("raiseDueForOrders is set-based and idempotent under concurrent calls", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        yield* rate({ service_id: ws.services.home.id, amount: 1 })
        const orders = yield* insertOrders(ws, { count: 50, parcelsPerOrder: 2, kind: { type: "home_pending" } })
        const sql = yield* SqlClient.SqlClient
        const ids = orders.map((o) => o.id)
        yield* sql`update parcels set status = 'received', step_index = 1 where order_id = any(${ids}::bigint[])`
        yield* sql`with region as (insert into regions (name, country, pricing_tier) values ('R', 'AZ', 'tier_1') returning id)
                   update orders set region_status = 'mapped', region_id = (select id from region), pricing_tier = 'tier_1'
                    where id = any(${ids}::bigint[])`
        const billing = yield* Billing
        const raised = yield* Effect.all(
          Array.from({ length: 8 }, () => sql.withTransaction(billing.raiseDueForOrders(ids))),
          { concurrency: "unbounded" }
        )
        expect(raised.reduce((a, b) => a + b, 0)).toBe(100)
        const count = yield* sql<{ n: number; parcels: number }>`
          select count(*) as n, count(distinct parcel_id) as parcels from invoice_lines where order_id = any(${ids}::bigint[])`
        expect(count[0]).toEqual({ n: 100, parcels: 100 })
        expect(yield* billing.raiseDueForOrders([])).toBe(0)
        expect(yield* billing.raiseDueForParcels([])).toBe(0)
      }))

    it.effect("a rate created after a parcel was billed does not bill it again", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        yield* rate({ service_id: ws.services.clearance.id, amount: 1 })
        const order = yield* insertOrder(ws)
        expect(yield* billedAmounts(order)).toEqual([1])
        yield* rate({ service_id: ws.services.clearance.id, partner_id: ws.partner.id, amount: 2, bill_on_status: "sorted" })
        yield* scanOk(order.parcels[0]!.tracking, { status: "delivered" })
        expect((yield* linesOf(order.id)).map((l) => l.amount)).toEqual([1])
        // new parcels get the new, more specific rate
        const next = yield* insertOrder(ws)
        yield* scanOk(next.parcels[0]!.tracking, { status: "sorted" })
        expect((yield* linesOf(next.id)).map((l) => l.amount)).toEqual([2])
      }))

    it.effect("cancelled parcels are never billed", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        yield* rate({ service_id: ws.services.clearance.id, amount: 1, bill_on_status: "created" })
        const order = yield* insertOrder(ws)
        expect(yield* cancelOrder(ws, order)).toBe("cancelled")
        const billing = yield* Billing
        expect(yield* billing.raiseDueForOrders([order.id])).toBe(0)
        expect(yield* linesOf(order.id)).toEqual([])
      }))
  })
})

describe("invoice listings", () => {
  it.layer(TestAppLive)((it) => {
    const billedWorkspace = (lines: number) =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        yield* rate({ service_id: ws.services.clearance.id, amount: 1, per_kg_amount: 1 })
        const orders = yield* insertOrders(ws, { count: lines })
        for (const [i, order] of orders.entries()) {
          yield* scanOk(order.parcels[0]!.tracking, { status: "received", weight_grams: i * 1000 })
        }
        return { ws, orders }
      })

    it.effect("partner: newest first, cursor pages, only the caller's lines", () =>
      Effect.gen(function* () {
        const { orders, ws } = yield* billedWorkspace(5)
        const other = yield* billedWorkspace(2)
        const all = yield* partnerInvoices(ws.token)
        expect(all.body.data.map((l: any) => l.order_id)).toEqual(orders.map((o) => o.tracking).reverse())
        expect(all.body.data.map((l: any) => l.amount)).toEqual([5, 4, 3, 2, 1])
        const seen: Array<number> = []
        let cursor: string | null = null
        do {
          const query: string = `?limit=2${cursor === null ? "" : `&cursor=${cursor}`}`
          const page = yield* partnerInvoices(ws.token, query)
          expect(page.status).toBe(200)
          seen.push(...page.body.data.map((l: any) => l.id))
          cursor = page.body.next_cursor
        } while (cursor !== null)
        expect(seen).toEqual(all.body.data.map((l: any) => l.id))
        const theirs = yield* partnerInvoices(other.ws.token)
        expect(theirs.body.data).toHaveLength(2)
        expect(theirs.body.data.every((l: any) => !seen.includes(l.id))).toBe(true)
      }))

    it.effect("operator: every partner's lines with partner_id, or one partner's with ?partner_id=", () =>
      Effect.gen(function* () {
        const a = yield* billedWorkspace(3)
        const b = yield* billedWorkspace(2)
        const onlyA = yield* operator("GET", `/operator/v1/invoices?partner_id=${a.ws.partner.id}`)
        expect(onlyA.status).toBe(200)
        expect(onlyA.body.next_cursor).toBeNull()
        expect(onlyA.body.data).toHaveLength(3)
        expect(onlyA.body.data[0]).toEqual({
          id: expect.any(Number),
          partner_id: a.ws.partner.id,
          order_id: a.orders[2]!.tracking,
          parcel_id: a.orders[2]!.parcels[0]!.tracking,
          rate_id: expect.any(Number),
          status: "open",
          currency: "AZN",
          amount: 3,
          weight_grams: 2000,
          created_at: expect.any(String)
        })
        const everyone = yield* operator("GET", "/operator/v1/invoices?limit=1000")
        const partners = new Set(everyone.body.data.map((l: any) => l.partner_id))
        expect(partners.has(a.ws.partner.id) && partners.has(b.ws.partner.id)).toBe(true)
        const ids = everyone.body.data.map((l: any) => l.id)
        expect(ids).toEqual([...ids].sort((x: number, y: number) => y - x))
        const page = yield* operator("GET", `/operator/v1/invoices?partner_id=${b.ws.partner.id}&limit=1`)
        expect(page.body.data).toHaveLength(1)
        const rest = yield* operator("GET", `/operator/v1/invoices?partner_id=${b.ws.partner.id}&cursor=${page.body.next_cursor}`)
        expect(rest.body.data).toHaveLength(1)
        expect(rest.body.next_cursor).toBeNull()
        expect(rest.body.data[0].id).toBeLessThan(page.body.data[0].id)
      }))

    it.effect("a partner without lines gets an empty page", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        expect((yield* partnerInvoices(ws.token)).body).toEqual({ data: [], next_cursor: null })
        expect((yield* operator("GET", `/operator/v1/invoices?partner_id=${ws.partner.id}`)).body).toEqual({
          data: [],
          next_cursor: null
        })
      }))

    // ---------------------------------------------------------------- bad input

    it.effect("partner listing: invalid limit or cursor → 422", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        for (const limit of ["0", "1001", "-2", "ten", "2.5", ""]) expect422(yield* partnerInvoices(ws.token, `?limit=${limit}`), "limit")
        for (const cursor of ["nope", "42", Buffer.from("c-1").toString("base64url")]) {
          expect422(yield* partnerInvoices(ws.token, `?cursor=${cursor}`), "cursor")
        }
      }))

    it.effect("partner listing: invoices:read required (403), token required (401)", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const token = yield* tokenWithScopes(ws, ["statuses:read"])
        const forbidden = yield* partnerInvoices(token)
        expect(forbidden.status).toBe(403)
        expect(forbidden.body).toEqual({ message: "This token lacks the scope \"invoices:read\".", code: "forbidden" })
        expect((yield* call("GET", "/api/v1/invoices")).status).toBe(401)
        expect((yield* call("GET", "/api/v1/invoices", { token: "operator" })).status).toBe(401)
      }))

    it.effect("operator listing: bad partner_id → 422, unknown partner → 404, bad limit/cursor → 422", () =>
      Effect.gen(function* () {
        for (const id of ["abc", "0", "-1", "1.5", ""]) {
          expect422(yield* operator("GET", `/operator/v1/invoices?partner_id=${id}`), "partner_id")
        }
        const unknown = yield* operator("GET", "/operator/v1/invoices?partner_id=987654321")
        expect(unknown.status).toBe(404)
        expect(unknown.body.code).toBe("not_found")
        expect422(yield* operator("GET", "/operator/v1/invoices?limit=0"), "limit")
        expect422(yield* operator("GET", "/operator/v1/invoices?cursor=zzz"), "cursor")
      }))

    it.effect("operator listing: operator token required (401)", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        expect((yield* call("GET", "/operator/v1/invoices")).status).toBe(401)
        expect((yield* call("GET", "/operator/v1/invoices", { token: ws.token })).status).toBe(401)
      }))
  })
})
