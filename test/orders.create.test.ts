import { describe, expect, it } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import pg from "pg"
import { isValidTracking } from "../src/domain/Tracking.js"
import { created, setupWorkspace, tokenFor } from "./support/Fixtures.js"
import {
  clearanceOrder,
  createOrder,
  getOrder,
  homeOrder,
  mapRegion,
  parcelBody,
  postOrder,
  pudoOrder,
  pudoPoint,
  rowCounts,
  uniqueRef
} from "./support/Orders.js"
import { call, TestAppLive } from "./support/TestApp.js"

describe("POST /api/v1/orders", () => {
  it.layer(TestAppLive)((it) => {
    // ------------------------------------------------------------ accepted

    it.effect("creates a clearance order: 201, Location, S10 trackings in the warehouse country, items in request order", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace({ country: "GE" })
        const body = clearanceOrder(ws, {}, 3)
        body.parcels[1].item_id = undefined
        const response = yield* postOrder(ws.token, body)
        expect(response.status).toBe(201)
        const data = response.body.data
        expect(response.headers["location"]).toBe(`/api/v1/orders/${data.order_id}`)
        expect(data.order_id).toMatch(/^SO\d{9}GE$/)
        expect(isValidTracking(data.order_id)).toBe(true)
        expect(data.region_status).toBe("not_applicable")
        expect(data.items.map((i: { item_id: string | null }) => i.item_id)).toEqual([body.parcels[0].item_id, null, body.parcels[2].item_id])
        for (const item of data.items) {
          expect(item.parcel_id).toMatch(/^SP\d{9}GE$/)
          expect(isValidTracking(item.parcel_id)).toBe(true)
        }
        expect(new Set(data.items.map((i: { parcel_id: string }) => i.parcel_id)).size).toBe(3)
        expect(Object.keys(response.body)).toEqual(["data"])
      }))

    it.effect("stores every field; defaults: merchant_tracking = parcel tracking, partner_tracking null, quantity 1", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const body = clearanceOrder(ws, {
          parcels: [
            parcelBody({ item_id: undefined, merchant_tracking: undefined, products: [{ name: "  Socks  " }] }),
            parcelBody({ package_type: "liquid", products: undefined })
          ]
        })
        const data = yield* createOrder(ws, body)
        const order = yield* getOrder(ws, data.order_id)
        expect(order).toMatchObject({
          order_id: data.order_id,
          partner_order_id: body.order_id,
          service_id: ws.services.clearance.id,
          status: "created",
          region_status: "not_applicable",
          destination: { type: "clearance" },
          gov_id: "5AB12C3",
          customer_name: "Aysel M.",
          customer_phone: "+994500000000",
          customer_email: "aysel@example.com",
          shipping_cost: 9.5,
          consolidation_required: false,
          cancelled_at: null,
          cancel_reason: null
        })
        const [first, second] = order.parcels
        expect(first).toEqual({
          parcel_id: data.items[0]!.parcel_id,
          item_id: null,
          partner_tracking: null,
          merchant_tracking: data.items[0]!.parcel_id,
          status: "created",
          package_type: "fragile",
          weight_grams: 1400,
          length_mm: 300,
          width_mm: 200,
          height_mm: 100,
          measured: null,
          products: [{ name: "Socks", hs_code: null, declared_value: null, currency: null, quantity: 1, weight_grams: null }]
        })
        expect(second).toMatchObject({
          item_id: body.parcels[1].item_id,
          partner_tracking: body.parcels[1].item_id,
          merchant_tracking: body.parcels[1].merchant_tracking,
          package_type: "liquid",
          products: []
        })
      }))

    it.effect("accepts the reference's own example body (home delivery)", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const response = yield* postOrder(ws.token, {
          service_id: ws.services.home.id,
          order_id: "PO-10294",
          gov_id: "5AB12C3",
          customer_name: "Aysel M.",
          customer_phone: "+994500000000",
          parent_region: "1",
          region: "2",
          address_first: "Nizami 10",
          address_second: "Apt 4",
          zip: "AZ1000",
          notes: "Ring twice",
          shipping_cost: 9.50,
          parcels: [{
            item_id: "PKG-1",
            merchant_tracking: "CN773300012345",
            package_type: "fragile",
            weight_grams: 1400,
            products: [{ name: "Sneakers", hs_code: "640411", declared_value: 120.00, currency: "USD", quantity: 1 }]
          }]
        })
        expect(response.status).toBe(201)
        expect(response.body.data.region_status).toBe("pending_mapping")
        expect(response.body.data.items).toEqual([{ item_id: "PKG-1", parcel_id: expect.stringMatching(/^SP\d{9}AZ$/) }])
      }))

    it.effect("does not write a status event on creation; parcels start at the flow's first step", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const before = yield* rowCounts
        const data = yield* createOrder(ws, clearanceOrder(ws, {}, 2))
        const after = yield* rowCounts
        expect(after.status_events).toBe(before.status_events)
        expect(after.orders - before.orders).toBe(1)
        expect(after.parcels - before.parcels).toBe(2)
        expect(after.products - before.products).toBe(2)
        const sql = yield* SqlClient.SqlClient
        const rows = yield* sql<{ status: string; step_index: number }>`
          select status, step_index from parcels where order_id = (select id from orders where tracking = ${data.order_id})`
        expect(rows).toEqual([{ status: "created", step_index: 0 }, { status: "created", step_index: 0 }])
      }))

    it.effect("shipping_cost: 0 is stored as none, 1,000,000 and 2 decimals are accepted", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const zero = yield* createOrder(ws, clearanceOrder(ws, { shipping_cost: 0 }))
        expect((yield* getOrder(ws, zero.order_id)).shipping_cost).toBeNull()
        const sql = yield* SqlClient.SqlClient
        const stored = yield* sql<{ shipping_cost: string | null }>`select shipping_cost from orders where tracking = ${zero.order_id}`
        expect(stored[0]!.shipping_cost).toBeNull()
        const max = yield* createOrder(ws, clearanceOrder(ws, { shipping_cost: 1_000_000 }))
        expect((yield* getOrder(ws, max.order_id)).shipping_cost).toBe(1_000_000)
        const cents = yield* createOrder(ws, clearanceOrder(ws, { shipping_cost: 0.01 }))
        expect((yield* getOrder(ws, cents.order_id)).shipping_cost).toBe(0.01)
        // a Starmile tracking is never a sticker code: it would collide with a future parcel's tracking
        const sticker = yield* postOrder(ws.token, clearanceOrder(ws, { parcels: [parcelBody({ merchant_tracking: "SP000000345AZ" })] }))
        expect(sticker.status).toBe(422)
        expect(Object.keys(sticker.body.errors)).toEqual(["parcels.0.merchant_tracking"])
        // less than a cent is not "none": it has more than 2 decimals (422, never a database error)
        const tiny = yield* postOrder(ws.token, clearanceOrder(ws, { shipping_cost: 0.000000001 }))
        expect(tiny.status).toBe(422)
        expect(Object.keys(tiny.body.errors)).toEqual(["shipping_cost"])
        // exact two decimals at large magnitudes
        const large = yield* createOrder(ws, clearanceOrder(ws, {
          parcels: [parcelBody({ products: [{ name: "Gold", declared_value: 603519704.67, currency: "USD" }] })]
        }))
        expect((yield* getOrder(ws, large.order_id)).parcels[0].products[0].declared_value).toBe(603519704.67)
      }))

    it.effect("limits at their edges are accepted: 100 parcels, 100 products, 1,000,000 grams, 1e9 declared value", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const products = Array.from({ length: 100 }, (_, i) => ({ name: `P${i}`, declared_value: 1_000_000_000, currency: "AZN" }))
        const parcels = Array.from({ length: 100 }, (_, i) =>
          parcelBody({ weight_grams: 1_000_000, length_mm: 0, products: i === 0 ? products : [] }))
        const data = yield* createOrder(ws, clearanceOrder(ws, { order_id: "x".repeat(255), parcels }))
        expect(data.items).toHaveLength(100)
        const order = yield* getOrder(ws, data.order_id)
        expect(order.parcels[0].products).toHaveLength(100)
        expect(order.parcels[0].products[99]).toMatchObject({ name: "P99", declared_value: 1_000_000_000 })
        expect(order.parcels.map((p: { parcel_id: string }) => p.parcel_id)).toEqual(data.items.map((i) => i.parcel_id))
      }))

    // ------------------------------------------------------------ destinations and region status

    it.effect("home delivery: a mapped key gets the region and its pricing tier; keys are trimmed", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const region = yield* mapRegion(ws, "1", "2", "tier_7")
        const data = yield* createOrder(ws, homeOrder(ws, { parent_region: " 1 ", region: "2  " }))
        expect(data.region_status).toBe("mapped")
        const order = yield* getOrder(ws, data.order_id)
        expect(order.region_status).toBe("mapped")
        expect(order.destination).toEqual({
          type: "home_delivery",
          parent_region: "1",
          region: "2",
          region_id: region.id,
          pricing_tier: "tier_7",
          address_first: "Nizami 10",
          address_second: "Apt 4",
          zip: "AZ1000",
          notes: "Ring twice"
        })
      }))

    it.effect("home delivery: an unmapped key is accepted as pending_mapping", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        yield* mapRegion(ws, "1", "2")
        const data = yield* createOrder(ws, homeOrder(ws, { parent_region: "1", region: "3" }))
        expect(data.region_status).toBe("pending_mapping")
        const order = yield* getOrder(ws, data.order_id)
        expect(order.destination).toMatchObject({ parent_region: "1", region: "3", region_id: null, pricing_tier: null })
      }))

    it.effect("the same leaf code under two parents resolves by the parent", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const underA = yield* mapRegion(ws, "A", "10", "tier_a")
        const underB = yield* mapRegion(ws, "B", "10", "tier_b")
        const a = yield* getOrder(ws, (yield* createOrder(ws, homeOrder(ws, { parent_region: "A", region: "10" }))).order_id)
        const b = yield* getOrder(ws, (yield* createOrder(ws, homeOrder(ws, { parent_region: "B", region: "10" }))).order_id)
        expect(a.destination).toMatchObject({ region_id: underA.id, pricing_tier: "tier_a" })
        expect(b.destination).toMatchObject({ region_id: underB.id, pricing_tier: "tier_b" })
      }))

    it.effect("mappings are per partner: another partner's mapping of the same key does not apply", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const other = yield* setupWorkspace()
        yield* mapRegion(other, "1", "2")
        const data = yield* createOrder(ws, homeOrder(ws))
        expect(data.region_status).toBe("pending_mapping")
      }))

    it.effect("PUDO and locker delivery: an active point of the channel's kind in the destination country", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const point = yield* pudoPoint("AZ", "pudo")
        const locker = yield* pudoPoint("AZ", "locker")
        const data = yield* createOrder(ws, pudoOrder(ws, point.id))
        expect(data.region_status).toBe("not_applicable")
        expect((yield* getOrder(ws, data.order_id)).destination).toEqual({ type: "pudo_delivery", pudo_id: point.id })
        const viaLocker = yield* createOrder(ws, pudoOrder(ws, locker.id, {}, true))
        expect((yield* getOrder(ws, viaLocker.order_id)).destination).toEqual({ type: "pudo_delivery", pudo_id: locker.id })
      }))

    it.effect("cross-docking takes no destination", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const data = yield* createOrder(ws, clearanceOrder(ws, { service_id: ws.services.crossDocking.id }))
        expect(data.region_status).toBe("not_applicable")
        expect((yield* getOrder(ws, data.order_id)).destination).toEqual({ type: "cross_docking" })
      }))

    it.effect("consolidation_required on a service with consolidation is stored", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace({ consolidation: true })
        const data = yield* createOrder(ws, homeOrder(ws, { consolidation_required: true }))
        expect((yield* getOrder(ws, data.order_id)).consolidation_required).toBe(true)
      }))

    // ------------------------------------------------------------ rejected: business rules

    const expectRejected = (
      response: { status: number; body: any },
      code: string,
      fields?: ReadonlyArray<string>
    ) => {
      expect(response.status, JSON.stringify(response.body)).toBe(422)
      expect(response.body.code).toBe(code)
      expect(typeof response.body.message).toBe("string")
      if (fields !== undefined) expect(Object.keys(response.body.errors ?? {}).sort()).toEqual([...fields].sort())
    }

    /** Posts the body, expects 422 with the code and fields, and that nothing was written. */
    const rejects = (token: string, body: unknown, code: string, fields?: ReadonlyArray<string>) =>
      Effect.gen(function* () {
        const before = yield* rowCounts
        const response = yield* postOrder(token, body)
        expectRejected(response, code, fields)
        expect(yield* rowCounts).toEqual(before)
        return response
      })

    it.effect("consolidation on a service without it: 422 consolidation_not_enabled with the reference's message", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace({ consolidation: false })
        const response = yield* rejects(ws.token, homeOrder(ws, { consolidation_required: true }), "consolidation_not_enabled", [
          "consolidation_required"
        ])
        expect(response.body.message).toBe("Consolidation is not enabled for this service.")
        // clearance never enables it in the fixture
        const clearance = yield* rejects(ws.token, clearanceOrder(ws, { consolidation_required: true }), "consolidation_not_enabled")
        expect(clearance.body.message).toBe("Consolidation is not enabled for this service.")
        // false is always fine
        yield* createOrder(ws, clearanceOrder(ws, { consolidation_required: false }))
      }))

    it.effect("a service that does not exist, or is not published for the caller in the caller's warehouse: 422", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const other = yield* setupWorkspace()
        const code = "service_unavailable_for_partner"
        yield* rejects(ws.token, clearanceOrder(ws, { service_id: 999_999_999 }), code, ["service_id"])
        // another partner's published service
        yield* rejects(ws.token, clearanceOrder(ws, { service_id: other.services.clearance.id }), code, ["service_id"])
        // published for this partner but in another warehouse
        const warehouse2 = yield* created<{ id: number }>("POST", "/operator/v1/warehouses", {
          code: uniqueRef("W2"),
          name: "Second hub",
          country: "AZ"
        })
        const credential2 = yield* created<{ client_id: string; client_secret: string }>(
          "POST",
          `/operator/v1/partners/${ws.partner.id}/credentials`,
          { warehouse_id: warehouse2.id }
        )
        const token2 = yield* tokenFor(credential2.client_id, credential2.client_secret)
        yield* rejects(token2, clearanceOrder(ws), code, ["service_id"])
        // unpublished
        const target = { partner_id: ws.partner.id, warehouse_id: ws.warehouse.id }
        const unpublished = yield* call("DELETE", `/operator/v1/services/${ws.services.crossDocking.id}/publications`, {
          token: "operator",
          body: target
        })
        expect(unpublished.status).toBe(204)
        yield* rejects(ws.token, clearanceOrder(ws, { service_id: ws.services.crossDocking.id }), code, ["service_id"])
      }))

    it.effect("home delivery without parent_region or region: 422 destination_invalid naming the fields", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        yield* rejects(ws.token, homeOrder(ws, { parent_region: undefined, region: undefined }), "destination_invalid", [
          "parent_region",
          "region"
        ])
        yield* rejects(ws.token, homeOrder(ws, { region: undefined }), "destination_invalid", ["region"])
        // blank after trimming is a shape error
        yield* rejects(ws.token, homeOrder(ws, { region: "   " }), "validation_failed", ["region"])
        yield* rejects(ws.token, homeOrder(ws, { parent_region: "x".repeat(256) }), "validation_failed", ["parent_region"])
      }))

    it.effect("a destination field of another type is rejected naming the field, never dropped", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const point = yield* pudoPoint("AZ")
        const code = "destination_invalid"
        const home = yield* rejects(ws.token, homeOrder(ws, { pudo_id: point.id }), code, ["pudo_id"])
        expect(home.body.message).toBe("pudo_id: is not allowed for a home_delivery service")
        for (const field of ["parent_region", "region", "address_first", "address_second", "zip", "notes"]) {
          yield* rejects(ws.token, pudoOrder(ws, point.id, { [field]: "1" }), code, [field])
        }
        yield* rejects(ws.token, pudoOrder(ws, point.id, { parent_region: "1", region: "2", zip: "AZ1000" }), code, [
          "parent_region",
          "region",
          "zip"
        ])
        for (const service of [ws.services.clearance.id, ws.services.crossDocking.id]) {
          yield* rejects(ws.token, clearanceOrder(ws, { service_id: service, pudo_id: point.id }), code, ["pudo_id"])
          yield* rejects(ws.token, clearanceOrder(ws, { service_id: service, parent_region: "1", region: "2" }), code, [
            "parent_region",
            "region"
          ])
          yield* rejects(ws.token, clearanceOrder(ws, { service_id: service, notes: "Ring twice" }), code, ["notes"])
          yield* rejects(ws.token, clearanceOrder(ws, { service_id: service, address_first: "Nizami 10" }), code, [
            "address_first"
          ])
        }
      }))

    it.effect("PUDO: missing, unknown, inactive, wrong kind or wrong country point → 422 destination_invalid on pudo_id", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const code = "destination_invalid"
        yield* rejects(ws.token, pudoOrder(ws, 1, { pudo_id: undefined }), code, ["pudo_id"])
        const unknown = yield* rejects(ws.token, pudoOrder(ws, 987_654_321), code, ["pudo_id"])
        expect(unknown.body.message).toContain("does not exist")
        const inactive = yield* pudoPoint("AZ", "pudo", false)
        expect((yield* rejects(ws.token, pudoOrder(ws, inactive.id), code, ["pudo_id"])).body.message).toContain("not active")
        const locker = yield* pudoPoint("AZ", "locker")
        expect((yield* rejects(ws.token, pudoOrder(ws, locker.id), code, ["pudo_id"])).body.message).toContain("locker")
        const point = yield* pudoPoint("AZ", "pudo")
        yield* rejects(ws.token, pudoOrder(ws, point.id, {}, true), code, ["pudo_id"])
        const abroad = yield* pudoPoint("GE", "pudo")
        expect((yield* rejects(ws.token, pudoOrder(ws, abroad.id), code, ["pudo_id"])).body.message).toContain("GE")
        // deactivated after creation of another order: new orders are refused
        yield* createOrder(ws, pudoOrder(ws, point.id))
        expect((yield* call("PATCH", `/operator/v1/pudo-points/${point.id}`, { token: "operator", body: { active: false } })).status)
          .toBe(200)
        yield* rejects(ws.token, pudoOrder(ws, point.id), code, ["pudo_id"])
      }))

    // ------------------------------------------------------------ rejected: duplicate references

    it.effect("a repeated item_id or merchant_tracking inside the request: 422 duplicate_reference naming the path and value", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const a = parcelBody()
        const itemRepeat = yield* rejects(
          ws.token,
          clearanceOrder(ws, { parcels: [a, parcelBody(), parcelBody({ item_id: a.item_id })] }),
          "duplicate_reference",
          ["parcels.2.item_id"]
        )
        expect(itemRepeat.body.message).toContain(`parcels.2.item_id: "${a.item_id}"`)
        const trackingRepeat = yield* rejects(
          ws.token,
          clearanceOrder(ws, { parcels: [a, parcelBody({ merchant_tracking: a.merchant_tracking })] }),
          "duplicate_reference",
          ["parcels.1.merchant_tracking"]
        )
        expect(trackingRepeat.body.message).toContain(a.merchant_tracking)
        // two parcels without item_id are not a repeat
        const twoWithout = yield* createOrder(ws, clearanceOrder(ws, { parcels: [parcelBody({ item_id: undefined }), parcelBody({ item_id: undefined })] }))
        expect(twoWithout.items.map((i) => i.item_id)).toEqual([null, null])
      }))

    it.effect("a reference already used by a stored order (cancelled included): 422 duplicate_reference naming the path", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const first = clearanceOrder(ws, {}, 2)
        const stored = yield* createOrder(ws, first)
        const orderRepeat = yield* rejects(ws.token, clearanceOrder(ws, { order_id: first.order_id }), "duplicate_reference", [
          "order_id"
        ])
        expect(orderRepeat.body.message).toBe(`order_id: "${first.order_id}" is already used`)
        const itemRepeat = yield* rejects(
          ws.token,
          clearanceOrder(ws, { parcels: [parcelBody(), parcelBody({ item_id: first.parcels[1].item_id })] }),
          "duplicate_reference",
          ["parcels.1.item_id"]
        )
        expect(itemRepeat.body.message).toContain(first.parcels[1].item_id)
        yield* rejects(
          ws.token,
          clearanceOrder(ws, { parcels: [parcelBody({ merchant_tracking: first.parcels[0].merchant_tracking })] }),
          "duplicate_reference",
          ["parcels.0.merchant_tracking"]
        )
        // a stored parcel's default sticker is its own tracking: a Starmile number, never a partner's
        const defaulted = yield* createOrder(ws, clearanceOrder(ws, { parcels: [parcelBody({ merchant_tracking: undefined })] }))
        yield* rejects(
          ws.token,
          clearanceOrder(ws, { parcels: [parcelBody(), parcelBody({ merchant_tracking: defaulted.items[0]!.parcel_id })] }),
          "validation_failed",
          ["parcels.1.merchant_tracking"]
        )
        // still taken once the order is cancelled
        expect((yield* call("POST", `/api/v1/orders/${stored.order_id}/cancel`, { token: ws.token })).status).toBe(200)
        yield* rejects(ws.token, clearanceOrder(ws, { order_id: first.order_id }), "duplicate_reference", ["order_id"])
      }))

    it.effect("references are unique per partner: another partner may reuse them", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const other = yield* setupWorkspace()
        const body = clearanceOrder(ws)
        yield* createOrder(ws, body)
        yield* createOrder(other, { ...body, service_id: other.services.clearance.id })
      }))

    // ------------------------------------------------------------ rejected: shape and limits

    it.effect("limits: every out-of-range field is a 422 validation_failed naming its dot path", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const v = "validation_failed"
        const p = (overrides: Record<string, unknown>) => clearanceOrder(ws, { parcels: [parcelBody(overrides)] })
        const product = (overrides: Record<string, unknown>) => p({ products: [{ name: "Item", ...overrides }] })
        const cases: ReadonlyArray<[unknown, string]> = [
          [clearanceOrder(ws, { parcels: [] }), "parcels"],
          [clearanceOrder(ws, { parcels: Array.from({ length: 101 }, () => parcelBody()) }), "parcels"],
          [p({ products: Array.from({ length: 101 }, () => ({ name: "x" })) }), "parcels.0.products"],
          [clearanceOrder(ws, { order_id: "x".repeat(256) }), "order_id"],
          [clearanceOrder(ws, { order_id: "" }), "order_id"],
          [clearanceOrder(ws, { order_id: "   " }), "order_id"],
          [clearanceOrder(ws, { order_id: "PO\n1" }), "order_id"],
          [clearanceOrder(ws, { order_id: undefined }), "order_id"],
          [clearanceOrder(ws, { order_id: 42 }), "order_id"],
          [clearanceOrder(ws, { service_id: undefined }), "service_id"],
          [clearanceOrder(ws, { service_id: "4" }), "service_id"],
          [clearanceOrder(ws, { service_id: 0 }), "service_id"],
          [clearanceOrder(ws, { service_id: 1.5 }), "service_id"],
          [clearanceOrder(ws, { customer_name: "x".repeat(256) }), "customer_name"],
          [clearanceOrder(ws, { customer_phone: "1".repeat(65) }), "customer_phone"],
          [clearanceOrder(ws, { customer_email: "not-an-email" }), "customer_email"],
          [clearanceOrder(ws, { customer_email: "a b@example.com" }), "customer_email"],
          [clearanceOrder(ws, { gov_id: "x".repeat(256) }), "gov_id"],
          [homeOrder(ws, { zip: "1".repeat(33) }), "zip"],
          [homeOrder(ws, { notes: "x".repeat(1001) }), "notes"],
          [homeOrder(ws, { address_first: "x".repeat(256) }), "address_first"],
          [clearanceOrder(ws, { pudo_id: -1 }), "pudo_id"],
          [clearanceOrder(ws, { shipping_cost: -0.01 }), "shipping_cost"],
          [clearanceOrder(ws, { shipping_cost: 1_000_000.01 }), "shipping_cost"],
          [clearanceOrder(ws, { shipping_cost: 9.999 }), "shipping_cost"],
          [clearanceOrder(ws, { shipping_cost: "9.50" }), "shipping_cost"],
          [clearanceOrder(ws, { consolidation_required: "yes" }), "consolidation_required"],
          [clearanceOrder(ws, { parcels: "PKG-1" }), "parcels"],
          [p({ item_id: "x".repeat(256) }), "parcels.0.item_id"],
          [p({ item_id: "" }), "parcels.0.item_id"],
          [p({ item_id: 7 }), "parcels.0.item_id"],
          [p({ merchant_tracking: "x".repeat(256) }), "parcels.0.merchant_tracking"],
          [p({ package_type: "heavy" }), "parcels.0.package_type"],
          [p({ weight_grams: -1 }), "parcels.0.weight_grams"],
          [p({ weight_grams: 1_000_001 }), "parcels.0.weight_grams"],
          [p({ weight_grams: 10.5 }), "parcels.0.weight_grams"],
          [p({ length_mm: -5 }), "parcels.0.length_mm"],
          [p({ width_mm: 2_000_000 }), "parcels.0.width_mm"],
          [p({ height_mm: "10" }), "parcels.0.height_mm"],
          [p({ products: {} }), "parcels.0.products"],
          [product({ name: undefined }), "parcels.0.products.0.name"],
          [product({ name: "" }), "parcels.0.products.0.name"],
          [product({ name: "x".repeat(256) }), "parcels.0.products.0.name"],
          [product({ hs_code: "1".repeat(33) }), "parcels.0.products.0.hs_code"],
          [product({ declared_value: -1 }), "parcels.0.products.0.declared_value"],
          [product({ declared_value: 1_000_000_000.01 }), "parcels.0.products.0.declared_value"],
          [product({ currency: "usd" }), "parcels.0.products.0.currency"],
          [product({ currency: "ZZZ" }), "parcels.0.products.0.currency"],
          [product({ currency: "US" }), "parcels.0.products.0.currency"],
          [product({ quantity: 0 }), "parcels.0.products.0.quantity"],
          [product({ quantity: 1.5 }), "parcels.0.products.0.quantity"],
          [product({ weight_grams: -1 }), "parcels.0.products.0.weight_grams"],
          [product({ name: "a\u0000b" }), "parcels.0.products.0.name"],
          [clearanceOrder(ws, { customer_name: "bad \ud800 surrogate" }), "customer_name"]
        ]
        for (const [body, field] of cases) {
          const response = yield* rejects(ws.token, body, v)
          expect(Object.keys(response.body.errors), `${field}: ${JSON.stringify(response.body)}`).toEqual([field])
          expect(response.body.message.startsWith(`${field}: `)).toBe(true)
        }
      }))

    it.effect("null is not a value: an optional field is either absent or valid (422 naming each field)", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const response = yield* rejects(ws.token, clearanceOrder(ws, {
          gov_id: null,
          shipping_cost: null,
          pudo_id: null,
          parcels: [parcelBody({ item_id: null, package_type: null, products: [{ name: "x", currency: null }] })]
        }), "validation_failed")
        expect(response.body.errors).toEqual({
          gov_id: ["Expected string, actual null"],
          shipping_cost: ["Expected number, actual null"],
          pudo_id: ["Expected number, actual null"],
          "parcels.0.item_id": ["Expected string, actual null"],
          "parcels.0.package_type": ["must be one of fragile, breakable, liquid"],
          "parcels.0.products.0.currency": ["Expected string, actual null"]
        })
      }))

    it.effect("reports every failing field at once", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const response = yield* rejects(ws.token, {
          service_id: "x",
          parcels: [{ weight_grams: -1, products: [{ currency: "usd" }] }]
        }, "validation_failed")
        expect(Object.keys(response.body.errors).sort()).toEqual([
          "order_id",
          "parcels.0.products.0.currency",
          "parcels.0.products.0.name",
          "parcels.0.weight_grams",
          "service_id"
        ])
      }))

    it.effect("a body that is not an object is 422; not JSON at all is 400", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        for (const raw of ["[]", "null", "\"order\"", "42", ""]) {
          const response = yield* call("POST", "/api/v1/orders", { token: ws.token, rawBody: raw })
          expect(response.status, raw).toBe(422)
          expect(response.body.code).toBe("validation_failed")
        }
        const garbage = yield* call("POST", "/api/v1/orders", { token: ws.token, rawBody: "{\"order_id\": " })
        expect(garbage.status).toBe(400)
        expect(garbage.body.code).toBe("malformed_body")
      }))

    // ------------------------------------------------------------ authentication

    it.effect("401 without a valid token (before the body is read), 403 without orders:create", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const none = yield* call("POST", "/api/v1/orders", { body: clearanceOrder(ws) })
        expect(none.status).toBe(401)
        expect(none.body.code).toBe("unauthenticated")
        const bad = yield* postOrder("not-a-token", { nonsense: true })
        expect(bad.status).toBe(401)
        const readOnly = yield* tokenFor(ws.credential.client_id, ws.credential.client_secret, "orders:read")
        const before = yield* rowCounts
        const forbidden = yield* postOrder(readOnly, clearanceOrder(ws))
        expect(forbidden.status).toBe(403)
        expect(forbidden.body).toEqual({ code: "forbidden", message: "This token lacks the scope \"orders:create\"." })
        expect(yield* rowCounts).toEqual(before)
      }))

    // ------------------------------------------------------------ round trips

    it.effect("one statement per create once warm (token and service cached, serials reserved), whatever the parcel count", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const mapped = yield* mapRegion(ws, "1", "2")
        expect(mapped.id).toBeGreaterThan(0)
        const counted = (body: unknown) =>
          Effect.acquireUseRelease(
            Effect.sync(() => {
              const original = pg.Client.prototype.query
              const counter = { queries: 0 }
              pg.Client.prototype.query = function(this: pg.Client, ...args: Array<any>) {
                counter.queries++
                return (original as any).apply(this, args)
              } as typeof original
              return { original, counter }
            }),
            ({ counter }) => Effect.map(postOrder(ws.token, body), (response) => ({ status: response.status, queries: counter.queries })),
            ({ original }) => Effect.sync(() => { pg.Client.prototype.query = original })
          )
        const warmUp = yield* counted(homeOrder(ws))
        expect(warmUp.status).toBe(201)
        const one = yield* counted(homeOrder(ws))
        const hundred = yield* counted(homeOrder(ws, {
          parcels: Array.from({ length: 100 }, () => parcelBody({ products: Array.from({ length: 5 }, (_, i) => ({ name: `P${i}` })) }))
        }))
        expect(one.status).toBe(201)
        expect(hundred.status).toBe(201)
        // no BEGIN/COMMIT, no token, context or serial query: the insert statement alone
        expect(one.queries).toBe(1)
        expect(hundred.queries).toBe(1)
      }))
  })
})
