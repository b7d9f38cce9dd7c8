import { describe, expect, it } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { created, setupWorkspace, type Workspace } from "./support/Fixtures.js"
import { createOrder, getOrder, homeOrder } from "./support/Orders.js"
import { insertPendingOrders } from "./support/PendingOrders.js"
import { call, operator, TestAppLive } from "./support/TestApp.js"

const region = (name: string, tier: string) =>
  created<{ id: number; pricing_tier: string }>("POST", "/operator/v1/regions", { name, country: "AZ", pricing_tier: tier })

const pending = (ws: Workspace, parentRegion: string, leaf: string, count: number) =>
  insertPendingOrders({
    partnerId: ws.partner.id,
    warehouseId: ws.warehouse.id,
    serviceId: ws.services.home.id,
    parentRegion,
    region: leaf,
    count
  })

const orderRows = (ids: ReadonlyArray<number>) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql<{ id: number; region_status: string; region_id: number | null; pricing_tier: string | null }>`
      select id, region_status, region_id, pricing_tier from orders where id in ${sql.in(ids)} order by id`)

const runResolver = operator("POST", "/operator/v1/jobs/resolve-pending-mappings/run")

describe("region mapping and the pending-mapping resolver", () => {
  it.layer(TestAppLive)((it) => {
    it.effect("lists waiting keys with their order count and oldest order", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        // the later key sorts first by name: the list must still put the older one first
        yield* pending(ws, "10", "21", 1)
        yield* pending(ws, "10", "20", 3)
        const response = yield* operator("GET", "/operator/v1/region-mappings/pending")
        expect(response.status).toBe(200)
        const mine = response.body.data.filter((k: { partner_id: number }) => k.partner_id === ws.partner.id)
        expect(mine.map((k: any) => [k.parent_region, k.region, k.waiting_orders])).toEqual([["10", "21", 1], ["10", "20", 3]])
        expect(Date.parse(mine[0].oldest_order_at)).not.toBeNaN()
      }))

    it.effect("saving a mapping resolves that key's waiting orders at once, with region and tier", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const nasimi = yield* region("Nasimi", "tier_1")
        const ids = yield* pending(ws, "1", "2", 4)
        const other = yield* pending(ws, "1", "3", 2)
        const saved = yield* operator("PUT", `/operator/v1/partners/${ws.partner.id}/region-mappings`, {
          parent_region: " 1 ",
          region: "2",
          region_id: nasimi.id
        })
        expect(saved.status).toBe(200)
        expect(saved.body.data).toMatchObject({
          partner_id: ws.partner.id,
          parent_region: "1", // trimmed
          region: "2",
          region_id: nasimi.id,
          pricing_tier: "tier_1",
          resolved_orders: 4
        })
        for (const row of yield* orderRows(ids)) {
          expect(row).toMatchObject({ region_status: "mapped", region_id: nasimi.id, pricing_tier: "tier_1" })
        }
        // another key of the same parent stays pending
        for (const row of yield* orderRows(other)) expect(row.region_status).toBe("pending_mapping")
      }))

    it.effect("a cancelled order no longer waits: not listed, not resolved", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const r = yield* region("Cancelled key", "tier_1")
        const order = yield* createOrder(ws, homeOrder(ws, { parent_region: "C", region: "X" }))
        const cancelled = yield* call("POST", `/api/v1/orders/${order.order_id}/cancel`, { token: ws.token, body: {} })
        expect(cancelled.status).toBe(200)
        const keys = yield* operator("GET", "/operator/v1/region-mappings/pending")
        expect(keys.body.data.filter((k: { partner_id: number }) => k.partner_id === ws.partner.id)).toEqual([])
        const saved = yield* operator("PUT", `/operator/v1/partners/${ws.partner.id}/region-mappings`, {
          parent_region: "C",
          region: "X",
          region_id: r.id
        })
        expect(saved.body.data.resolved_orders).toBe(0)
        expect((yield* getOrder(ws, order.order_id)).region_status).toBe("pending_mapping")
      }))

    it.effect("the same leaf code under two parents maps to two regions", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const a = yield* region("Leaf under A", "tier_1")
        const b = yield* region("Leaf under B", "tier_2")
        const underA = yield* pending(ws, "A", "7", 2)
        const underB = yield* pending(ws, "B", "7", 2)
        // map both keys directly in SQL so only the resolver job resolves them
        const sql = yield* SqlClient.SqlClient
        yield* sql`insert into region_mappings (partner_id, parent_region, region, region_id)
                   values (${ws.partner.id}, 'A', '7', ${a.id}), (${ws.partner.id}, 'B', '7', ${b.id})`
        const run = yield* runResolver
        expect(run.status).toBe(200)
        expect(run.body.data.job).toBe("resolve-pending-mappings")
        expect(run.body.data.resolved).toBeGreaterThanOrEqual(4)
        expect(run.body.data.duration_ms).toBeTypeOf("number")
        for (const row of yield* orderRows(underA)) expect(row).toMatchObject({ region_id: a.id, pricing_tier: "tier_1" })
        for (const row of yield* orderRows(underB)) expect(row).toMatchObject({ region_id: b.id, pricing_tier: "tier_2" })
      }))

    it.effect("a partner's mapping never resolves another partner's orders; an unmapped key stays pending", () =>
      Effect.gen(function* () {
        const partnerA = yield* setupWorkspace()
        const partnerB = yield* setupWorkspace()
        const r = yield* region("Somewhere", "tier_1")
        const ordersOfB = yield* pending(partnerB, "5", "5", 3)
        const unmapped = yield* pending(partnerA, "9", "9", 1)
        const saved = yield* operator("PUT", `/operator/v1/partners/${partnerA.partner.id}/region-mappings`, {
          parent_region: "5",
          region: "5",
          region_id: r.id
        })
        expect(saved.body.data.resolved_orders).toBe(0)
        yield* runResolver
        for (const row of yield* orderRows([...ordersOfB, ...unmapped])) expect(row.region_status).toBe("pending_mapping")
      }))

    it.effect("re-mapping a key changes only orders still waiting", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const first = yield* region("First", "tier_1")
        const second = yield* region("Second", "tier_2")
        const early = yield* pending(ws, "R", "1", 2)
        yield* operator("PUT", `/operator/v1/partners/${ws.partner.id}/region-mappings`, {
          parent_region: "R",
          region: "1",
          region_id: first.id
        })
        // orders arriving between the two saves were mapped on create in real life; simulate a
        // waiting one that the second mapping must pick up
        const late = yield* pending(ws, "R", "1", 1)
        const changed = yield* operator("PUT", `/operator/v1/partners/${ws.partner.id}/region-mappings`, {
          parent_region: "R",
          region: "1",
          region_id: second.id
        })
        expect(changed.body.data).toMatchObject({ region_id: second.id, resolved_orders: 1 })
        for (const row of yield* orderRows(early)) expect(row.region_id).toBe(first.id)
        for (const row of yield* orderRows(late)) expect(row.region_id).toBe(second.id)
      }))

    it.effect("rejects an unknown region (422), an unknown partner (404) and bad bodies", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const unknownRegion = yield* operator("PUT", `/operator/v1/partners/${ws.partner.id}/region-mappings`, {
          parent_region: "1",
          region: "2",
          region_id: 999999
        })
        expect(unknownRegion.status).toBe(422)
        expect(Object.keys(unknownRegion.body.errors)).toEqual(["region_id"])
        const r = yield* region("R", "t")
        const unknownPartner = yield* operator("PUT", "/operator/v1/partners/999999/region-mappings", {
          parent_region: "1",
          region: "2",
          region_id: r.id
        })
        expect(unknownPartner.status).toBe(404)
        const empty = yield* operator("PUT", `/operator/v1/partners/${ws.partner.id}/region-mappings`, {
          parent_region: "  ",
          region: "x".repeat(256),
          region_id: "1"
        })
        expect(empty.status).toBe(422)
        expect(Object.keys(empty.body.errors).sort()).toEqual(["parent_region", "region", "region_id"])
      }))

    it.effect("end to end: a pending order, mapped then resolved by the job, reads back as mapped", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const kapaz = yield* region("Kapaz", "tier_2")
        const order = yield* createOrder(ws, homeOrder(ws, { parent_region: "G", region: "K" }))
        expect(order.region_status).toBe("pending_mapping")
        const before = yield* getOrder(ws, order.order_id)
        expect(before.region_status).toBe("pending_mapping")
        // mapped behind the API's back, so only the job can resolve it
        const sql = yield* SqlClient.SqlClient
        yield* sql`insert into region_mappings (partner_id, parent_region, region, region_id)
                   values (${ws.partner.id}, 'G', 'K', ${kapaz.id})`
        const run = yield* runResolver
        expect(run.body.data.resolved).toBeGreaterThanOrEqual(1)
        const after = yield* getOrder(ws, order.order_id)
        expect(after.region_status).toBe("mapped")
        expect(after.destination).toMatchObject({
          type: "home_delivery",
          parent_region: "G",
          region: "K",
          region_id: kapaz.id,
          pricing_tier: "tier_2"
        })
        // nothing left waiting for this partner
        const pendingKeys = yield* operator("GET", "/operator/v1/region-mappings/pending")
        expect(pendingKeys.body.data.filter((k: { partner_id: number }) => k.partner_id === ws.partner.id)).toEqual([])
      }))

    it.effect("jobs: listed with interval and last run; unknown job is 404", () =>
      Effect.gen(function* () {
        yield* runResolver
        const list = yield* operator("GET", "/operator/v1/jobs")
        expect(list.status).toBe(200)
        const job = list.body.data.find((j: { name: string }) => j.name === "resolve-pending-mappings")
        expect(job.interval).toBe("30s")
        expect(job.interval_ms).toBe(30_000)
        expect(job.last_result).toMatchObject({ outcome: "succeeded", trigger: "http" })
        expect(Date.parse(job.last_finished_at)).toBeGreaterThanOrEqual(Date.parse(job.last_started_at))
        const unknown = yield* operator("POST", "/operator/v1/jobs/make-coffee/run")
        expect(unknown.status).toBe(404)
        expect(unknown.body.code).toBe("unknown_job")
      }))
  })
})
