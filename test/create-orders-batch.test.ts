/**
 * `starmile_create_orders` (migration 0003), called as OrdersRepo calls it for creates
 * that arrive together: a batch of every kind is written in one subtransaction (set-based)
 * with each order's own answer — mapped, pending, PUDO fitting or refused, first-step billing —
 * and a batch with a refused reference falls back to one subtransaction per order, the others
 * still created.
 */
import { expect, layer } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { created, setupWorkspace, type Workspace } from "./support/Fixtures.js"
import { mapRegion, pudoPoint, uniqueRef } from "./support/Orders.js"
import { TestAppLive } from "./support/TestApp.js"

interface Answer {
  readonly published: boolean | null
  readonly pudo_fits: boolean | null
  readonly order_id: number | null
  readonly region_status: string | null
  readonly failed_sqlstate: string | null
  readonly failed_constraint: string | null
}

/** One order's arguments, as OrdersRepo sends them (`createArguments`). */
const orderArgs = (ws: Workspace, input: {
  readonly service: { id: number }
  readonly destination_type: string
  readonly channel?: string
  readonly parent_region?: string
  readonly region?: string
  readonly pudo_id?: number
  readonly partner_order_id?: string
  readonly parcels?: number
}) => {
  const tracking = uniqueRef("SO")
  return {
    tracking,
    partner_id: ws.partner.id,
    warehouse_id: ws.warehouse.id,
    service_id: input.service.id,
    channel: input.channel ?? null,
    destination_country: "AZ",
    first_step: "created",
    partner_order_id: input.partner_order_id ?? uniqueRef("PO"),
    destination_type: input.destination_type,
    parent_region: input.parent_region ?? null,
    region: input.region ?? null,
    pudo_id: input.pudo_id ?? null,
    gov_id: null,
    customer_name: "Aysel M.",
    customer_phone: null,
    customer_email: null,
    address_first: null,
    address_second: null,
    zip: null,
    notes: null,
    shipping_cost: 9.5,
    consolidation_required: false,
    parcels: Array.from({ length: input.parcels ?? 1 }, (_, position) => ({
      position,
      tracking: `${tracking}-P${position}`,
      item_id: uniqueRef("IT"),
      merchant_tracking: uniqueRef("MT"),
      package_type: null,
      weight_grams: 1400,
      length_mm: null,
      width_mm: null,
      height_mm: null,
      products: [{ name: "Book", hs_code: null, declared_value: 12.5, currency: "USD", quantity: 2, weight_grams: null }]
    }))
  }
}

const createOrders = (orders: ReadonlyArray<unknown>) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql<Answer>`select * from starmile_create_orders(${JSON.stringify(orders)}::jsonb)`).pipe(Effect.orDie)

/** How many subtransactions wrote these orders (each writes with its own xid). */
const writers = (ids: ReadonlyArray<number>) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql<{ n: number }>`select count(distinct xmin::text) as n from orders where id = any(${ids}::bigint[])`).pipe(
    Effect.map((rows) => Number(rows[0]!.n)),
    Effect.orDie
  )

layer(TestAppLive)("creates written together", (it) => {
  it.effect("a batch of every kind: one subtransaction, each order its own answer, rows and first-step lines", () =>
    Effect.gen(function* () {
      const ws = yield* setupWorkspace()
      yield* mapRegion(ws, "1", "2")
      const point = yield* pudoPoint("AZ")
      const closed = yield* pudoPoint("AZ", "pudo", false)
      yield* created("POST", "/operator/v1/rates", {
        service_id: ws.services.clearance.id, amount: 1.5, currency: "AZN", bill_on_status: "created"
      })
      const batch = [
        orderArgs(ws, { service: ws.services.home, destination_type: "home_delivery", parent_region: "1", region: "2" }),
        orderArgs(ws, { service: ws.services.home, destination_type: "home_delivery", parent_region: "9", region: "9" }),
        orderArgs(ws, { service: ws.services.pudo, destination_type: "pudo_delivery", channel: "pudo", pudo_id: point.id }),
        orderArgs(ws, { service: ws.services.pudo, destination_type: "pudo_delivery", channel: "pudo", pudo_id: closed.id }),
        orderArgs(ws, { service: ws.services.clearance, destination_type: "clearance", parcels: 3 })
      ]
      const answers = yield* createOrders(batch)
      expect(answers.map((a) => [a.published, a.pudo_fits, a.region_status, a.failed_sqlstate])).toEqual([
        [true, true, "mapped", null],
        [true, true, "pending_mapping", null],
        [true, true, "not_applicable", null],
        [true, false, null, null],
        [true, true, "not_applicable", null]
      ])
      expect(answers[3]!.order_id).toBeNull()
      const ids = answers.flatMap((a) => a.order_id === null ? [] : [a.order_id])
      expect(ids).toHaveLength(4)
      expect(yield* writers(ids)).toBe(1)

      const sql = yield* SqlClient.SqlClient
      const stored = yield* sql<{ tracking: string; parcels: number; products: number; lines: number; region_id: number | null }>`
        select o.tracking, o.region_id,
               (select count(*) from parcels p where p.order_id = o.id)::int as parcels,
               (select count(*) from products pr join parcels p on p.id = pr.parcel_id where p.order_id = o.id)::int as products,
               (select count(*) from invoice_lines l where l.order_id = o.id)::int as lines
          from orders o where o.id = any(${ids}::bigint[]) order by o.id`
      expect(stored.map((o) => o.tracking)).toEqual([batch[0]!.tracking, batch[1]!.tracking, batch[2]!.tracking, batch[4]!.tracking])
      expect(stored.map((o) => [o.parcels, o.products, o.lines])).toEqual([[1, 1, 0], [1, 1, 0], [1, 1, 0], [3, 3, 3]])
      expect(stored[0]!.region_id).not.toBeNull()
      expect(stored[1]!.region_id).toBeNull()
      const parcels = yield* sql<{ tracking: string; position: number; status: string }>`
        select p.tracking, p.position, p.status from parcels p join orders o on o.id = p.order_id
         where o.tracking = ${batch[4]!.tracking} order by p.position`
      expect(parcels).toEqual(batch[4]!.parcels.map((p) => ({ tracking: p.tracking, position: p.position, status: "created" })))
    }))

  it.effect("a refused reference: the batch is redone order by order, the others created, the refusal named", () =>
    Effect.gen(function* () {
      const ws = yield* setupWorkspace()
      const first = orderArgs(ws, { service: ws.services.clearance, destination_type: "clearance" })
      yield* createOrders([first])
      const batch = [
        orderArgs(ws, { service: ws.services.clearance, destination_type: "clearance" }),
        orderArgs(ws, { service: ws.services.clearance, destination_type: "clearance", partner_order_id: first.partner_order_id }),
        orderArgs(ws, { service: ws.services.clearance, destination_type: "clearance", parcels: 2 })
      ]
      const answers = yield* createOrders(batch)
      expect(answers.map((a) => [a.order_id === null, a.failed_sqlstate, a.failed_constraint])).toEqual([
        [false, null, null],
        [true, "23505", "orders_partner_order_id_unique"],
        [false, null, null]
      ])
      const ids = answers.flatMap((a) => a.order_id === null ? [] : [a.order_id])
      expect(yield* writers(ids)).toBe(2)
    }))
})
