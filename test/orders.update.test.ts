import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { setupWorkspace, tokenFor } from "./support/Fixtures.js"
import {
  cancel,
  clearanceOrder,
  createOrder,
  getOrder,
  moveParcel,
  parcelBody,
  patchParcel,
  rowCounts,
  uniqueRef
} from "./support/Orders.js"
import { TestAppLive } from "./support/TestApp.js"

describe("PATCH /api/v1/orders/{order_id}/parcels/{item_id}", () => {
  it.layer(TestAppLive)((it) => {
    it.effect("sets merchant_tracking by item_id; only the sent fields change; 200 with the parcel", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const body = clearanceOrder(ws, {}, 2)
        const data = yield* createOrder(ws, body)
        const before = yield* getOrder(ws, data.order_id)
        const response = yield* patchParcel(ws.token, body.order_id, body.parcels[0].item_id, { merchant_tracking: "CN773300099999" })
        expect(response.status).toBe(200)
        expect(response.body.data).toEqual({ ...before.parcels[0], merchant_tracking: "CN773300099999" })
        const after = yield* getOrder(ws, data.order_id)
        expect(after.parcels[0]).toEqual(response.body.data)
        expect(after.parcels[1]).toEqual(before.parcels[1])
      }))

    it.effect("the reference's example: merchant_tracking, package_type and products (replacing the list)", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const body = clearanceOrder(ws, {
          parcels: [parcelBody({ products: [{ name: "A" }, { name: "B" }, { name: "C" }] })]
        })
        const data = yield* createOrder(ws, body)
        const response = yield* patchParcel(ws.token, data.order_id, body.parcels[0].item_id, {
          merchant_tracking: "CN773300099999",
          package_type: "liquid",
          products: [{ name: "Olive oil 1L", hs_code: "150910", declared_value: 18.0, currency: "USD", quantity: 2 }]
        })
        expect(response.status).toBe(200)
        expect(response.body.data).toMatchObject({
          merchant_tracking: "CN773300099999",
          package_type: "liquid",
          weight_grams: 1400,
          products: [{ name: "Olive oil 1L", hs_code: "150910", declared_value: 18, currency: "USD", quantity: 2, weight_grams: null }]
        })
        const emptied = yield* patchParcel(ws.token, data.order_id, body.parcels[0].item_id, { products: [] })
        expect(emptied.body.data.products).toEqual([])
        const weights = yield* patchParcel(ws.token, data.order_id, body.parcels[0].item_id, {
          weight_grams: 0,
          length_mm: 1_000_000,
          width_mm: 1,
          height_mm: 2
        })
        expect(weights.body.data).toMatchObject({ weight_grams: 0, length_mm: 1_000_000, width_mm: 1, height_mm: 2, package_type: "liquid" })
      }))

    it.effect("addresses the parcel by its Starmile tracking too (also when it has no item_id), and the order by either reference", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const body = clearanceOrder(ws, { parcels: [parcelBody({ item_id: undefined })] })
        const data = yield* createOrder(ws, body)
        const parcelId = data.items[0]!.parcel_id
        const byTracking = yield* patchParcel(ws.token, data.order_id, parcelId, { package_type: "breakable" })
        expect(byTracking.status).toBe(200)
        expect(byTracking.body.data.parcel_id).toBe(parcelId)
        const byReference = yield* patchParcel(ws.token, body.order_id, parcelId, { weight_grams: 10 })
        expect(byReference.body.data).toMatchObject({ package_type: "breakable", weight_grams: 10 })
      }))

    it.effect("an empty patch changes nothing and answers the parcel", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const body = clearanceOrder(ws)
        const data = yield* createOrder(ws, body)
        const before = yield* getOrder(ws, data.order_id)
        const response = yield* patchParcel(ws.token, data.order_id, body.parcels[0].item_id, {})
        expect(response.status).toBe(200)
        expect(response.body.data).toEqual(before.parcels[0])
      }))

    it.effect("a merchant_tracking already used (this order, another order, a cancelled one): 422 duplicate_reference", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const body = clearanceOrder(ws, { parcels: [parcelBody(), parcelBody(), parcelBody({ merchant_tracking: undefined })] })
        const data = yield* createOrder(ws, body)
        const otherBody = clearanceOrder(ws)
        const other = yield* createOrder(ws, otherBody)
        expect((yield* cancel(ws.token, other.order_id)).status).toBe(200)
        // a parcel whose sticker defaulted to its tracking: a Starmile number is never a sticker code
        const starmile = yield* patchParcel(ws.token, data.order_id, body.parcels[0].item_id, {
          merchant_tracking: data.items[2]!.parcel_id
        })
        expect(starmile.status).toBe(422)
        expect(starmile.body.code).toBe("validation_failed")
        expect(Object.keys(starmile.body.errors)).toEqual(["merchant_tracking"])
        // another parcel's sticker, a cancelled order's sticker
        for (const taken of [body.parcels[1].merchant_tracking, otherBody.parcels[0].merchant_tracking]) {
          const before = yield* getOrder(ws, data.order_id)
          const response = yield* patchParcel(ws.token, data.order_id, body.parcels[0].item_id, {
            merchant_tracking: taken,
            package_type: "liquid"
          })
          expect(response.status).toBe(422)
          expect(response.body.code).toBe("duplicate_reference")
          expect(response.body.errors).toEqual({ merchant_tracking: [`${JSON.stringify(taken)} is already used`] })
          // all-or-nothing: the package type did not change either
          expect(yield* getOrder(ws, data.order_id)).toEqual(before)
        }
        // its own value again is fine
        const same = yield* patchParcel(ws.token, data.order_id, body.parcels[0].item_id, {
          merchant_tracking: body.parcels[0].merchant_tracking
        })
        expect(same.status).toBe(200)
      }))

    it.effect("the same validation as create: 422 naming each bad field, nothing written", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const body = clearanceOrder(ws)
        const data = yield* createOrder(ws, body)
        const before = yield* getOrder(ws, data.order_id)
        const cases: ReadonlyArray<[unknown, ReadonlyArray<string>]> = [
          [{ merchant_tracking: "" }, ["merchant_tracking"]],
          [{ merchant_tracking: "x".repeat(256) }, ["merchant_tracking"]],
          [{ merchant_tracking: null }, ["merchant_tracking"]],
          [{ package_type: "heavy" }, ["package_type"]],
          [{ weight_grams: -1, length_mm: 1.5, width_mm: "1", height_mm: 1_000_001 }, ["height_mm", "length_mm", "weight_grams", "width_mm"]],
          [{ products: [{ name: "ok" }, { currency: "usd" }] }, ["products.1.currency", "products.1.name"]],
          [{ products: Array.from({ length: 101 }, () => ({ name: "x" })) }, ["products"]],
          [{ products: [{ name: "x", quantity: 0, declared_value: 1e10 }] }, ["products.0.declared_value", "products.0.quantity"]],
          [{ products: null }, ["products"]],
          [[], ["body"]],
          ["merchant", ["body"]]
        ]
        for (const [patch, fields] of cases) {
          const response = yield* patchParcel(ws.token, data.order_id, body.parcels[0].item_id, patch)
          expect(response.status, JSON.stringify(patch)).toBe(422)
          expect(response.body.code).toBe("validation_failed")
          expect(Object.keys(response.body.errors).sort(), JSON.stringify(response.body)).toEqual(fields)
        }
        expect(yield* getOrder(ws, data.order_id)).toEqual(before)
      }))

    it.effect("409 order_not_modifiable once any parcel of the order has moved, for every parcel", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const body = clearanceOrder(ws, {}, 2)
        const data = yield* createOrder(ws, body)
        yield* moveParcel(data.items[1]!.parcel_id)
        const before = yield* getOrder(ws, data.order_id)
        for (const parcel of body.parcels) {
          const response = yield* patchParcel(ws.token, data.order_id, parcel.item_id, { merchant_tracking: uniqueRef("MT") })
          expect(response.status).toBe(409)
          expect(response.body.code).toBe("order_not_modifiable")
          expect(response.body.message).toContain("first step")
        }
        expect(yield* getOrder(ws, data.order_id)).toEqual(before)
      }))

    it.effect("409 order_not_modifiable on a cancelled order", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const body = clearanceOrder(ws)
        const data = yield* createOrder(ws, body)
        expect((yield* cancel(ws.token, data.order_id)).status).toBe(200)
        const before = yield* rowCounts
        const response = yield* patchParcel(ws.token, data.order_id, body.parcels[0].item_id, { package_type: "liquid" })
        expect(response.status).toBe(409)
        expect(response.body).toEqual({
          code: "order_not_modifiable",
          message: `Order ${data.order_id} is cancelled; it can no longer be updated.`
        })
        expect(yield* rowCounts).toEqual(before)
      }))

    it.effect("404 for an unknown parcel, a parcel of another order, and another partner's order", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const other = yield* setupWorkspace()
        const body = clearanceOrder(ws)
        const data = yield* createOrder(ws, body)
        const secondBody = clearanceOrder(ws)
        const second = yield* createOrder(ws, secondBody)
        const theirsBody = clearanceOrder(other)
        const theirs = yield* createOrder(other, theirsBody)
        const cases: ReadonlyArray<[string, string]> = [
          [data.order_id, "NO-SUCH-ITEM"],
          [data.order_id, secondBody.parcels[0].item_id],
          [data.order_id, second.items[0]!.parcel_id],
          [theirs.order_id, theirsBody.parcels[0].item_id],
          [theirsBody.order_id, theirs.items[0]!.parcel_id],
          ["SO999999999AZ", body.parcels[0].item_id]
        ]
        for (const [orderRef, parcelRef] of cases) {
          const response = yield* patchParcel(ws.token, orderRef, parcelRef, { package_type: "liquid" })
          expect(response.status, `${orderRef}/${parcelRef}`).toBe(404)
          expect(response.body.code).toBe("not_found")
        }
        expect((yield* getOrder(other, theirs.order_id)).parcels[0].package_type).toBe("fragile")
      }))

    it.effect("403 without orders:update (before anything is read or written)", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const body = clearanceOrder(ws)
        const data = yield* createOrder(ws, body)
        const readOnly = yield* tokenFor(ws.credential.client_id, ws.credential.client_secret, "orders:read orders:cancel")
        const response = yield* patchParcel(readOnly, data.order_id, body.parcels[0].item_id, { package_type: "liquid" })
        expect(response.status).toBe(403)
        expect(response.body.message).toContain("orders:update")
        expect((yield* getOrder(ws, data.order_id)).parcels[0].package_type).toBe("fragile")
      }))
  })
})
