import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { created, setupWorkspace } from "./support/Fixtures.js"
import { call, operator, TestAppLive } from "./support/TestApp.js"

/** Asserts a 422 envelope whose `errors` names `field`. */
const expect422 = (response: { status: number; body: any }, field: string) => {
  expect(response.status).toBe(422)
  expect(response.body.code).toBe("validation_failed")
  expect(typeof response.body.message).toBe("string")
  expect(Object.keys(response.body.errors)).toContain(field)
}

describe("operator catalogue API", () => {
  it.layer(TestAppLive)((it) => {
    it.effect("401 envelope without or with a wrong operator token", () =>
      Effect.gen(function* () {
        const none = yield* call("POST", "/operator/v1/partners", { body: { name: "x" } })
        expect(none.status).toBe(401)
        expect(none.body).toEqual({ message: "A valid operator token is required.", code: "unauthenticated" })
        const wrong = yield* call("POST", "/operator/v1/partners", { body: { name: "x" }, token: "nope" })
        expect(wrong.status).toBe(401)
        // a partner token is not an operator token
        const ws = yield* setupWorkspace()
        const partner = yield* call("POST", "/operator/v1/partners", { body: { name: "x" }, token: ws.token })
        expect(partner.status).toBe(401)
      }))

    it.effect("creates a warehouse (201 with id) and refuses a taken code with 409", () =>
      Effect.gen(function* () {
        const response = yield* operator("POST", "/operator/v1/warehouses", { code: "BAK-1", name: "Baku", country: "AZ" })
        expect(response.status).toBe(201)
        expect(response.body.data).toMatchObject({ code: "BAK-1", name: "Baku", country: "AZ" })
        expect(response.body.data.id).toBeTypeOf("number")
        expect(Date.parse(response.body.data.created_at)).not.toBeNaN()
        const again = yield* operator("POST", "/operator/v1/warehouses", { code: "BAK-1", name: "Other", country: "AZ" })
        expect(again.status).toBe(409)
        expect(again.body.code).toBe("warehouse_code_taken")
      }))

    it.effect("rejects unknown and lower-case country codes, empty names and bad codes", () =>
      Effect.gen(function* () {
        expect422(yield* operator("POST", "/operator/v1/warehouses", { code: "W1", name: "x", country: "ZZ" }), "country")
        expect422(yield* operator("POST", "/operator/v1/warehouses", { code: "W1", name: "x", country: "az" }), "country")
        expect422(yield* operator("POST", "/operator/v1/warehouses", { code: "W1", name: "  ", country: "AZ" }), "name")
        expect422(yield* operator("POST", "/operator/v1/warehouses", { code: "W 1", name: "x", country: "AZ" }), "code")
        expect422(yield* operator("POST", "/operator/v1/warehouses", { name: "x", country: "AZ" }), "code")
        expect422(yield* operator("POST", "/operator/v1/partners", { name: "x".repeat(256) }), "name")
        expect422(yield* operator("POST", "/operator/v1/partners", { name: 5 }), "name")
      }))

    it.effect("flows need at least 2 distinct snake_case steps", () =>
      Effect.gen(function* () {
        const ok = yield* operator("POST", "/operator/v1/flows", { name: "F", steps: ["created", "received"] })
        expect(ok.status).toBe(201)
        expect(ok.body.data.steps).toEqual(["created", "received"])
        expect422(yield* operator("POST", "/operator/v1/flows", { name: "F", steps: ["created"] }), "steps")
        expect422(yield* operator("POST", "/operator/v1/flows", { name: "F", steps: [] }), "steps")
        expect422(yield* operator("POST", "/operator/v1/flows", { name: "F", steps: ["created", "created"] }), "steps")
        expect422(yield* operator("POST", "/operator/v1/flows", { name: "F", steps: ["created", "Received"] }), "steps.1")
        expect422(yield* operator("POST", "/operator/v1/flows", { name: "F", steps: ["created", "in transit"] }), "steps.1")
        expect422(yield* operator("POST", "/operator/v1/flows", { name: "F", steps: ["created", "cancelled"] }), "steps")
        expect422(yield* operator("POST", "/operator/v1/flows", { name: "F", steps: "created,received" }), "steps")
      }))

    it.effect("regions: the parent must exist and be in the same country", () =>
      Effect.gen(function* () {
        const parent = yield* created<{ id: number }>("POST", "/operator/v1/regions", {
          name: "Baku",
          country: "AZ",
          pricing_tier: "tier_1"
        })
        const child = yield* operator("POST", "/operator/v1/regions", {
          name: "Nasimi",
          country: "AZ",
          parent_id: parent.id,
          pricing_tier: "tier_1"
        })
        expect(child.status).toBe(201)
        expect(child.body.data.parent_id).toBe(parent.id)
        expect422(
          yield* operator("POST", "/operator/v1/regions", { name: "X", country: "AZ", parent_id: 999999, pricing_tier: "t" }),
          "parent_id"
        )
        expect422(
          yield* operator("POST", "/operator/v1/regions", { name: "X", country: "GE", parent_id: parent.id, pricing_tier: "t" }),
          "parent_id"
        )
        expect422(yield* operator("POST", "/operator/v1/regions", { name: "X", country: "AZ" }), "pricing_tier")
      }))

    it.effect("PUDO points: create, deactivate, validation, 404 for unknown ids", () =>
      Effect.gen(function* () {
        const point = yield* created<{ id: number; active: boolean }>("POST", "/operator/v1/pudo-points", {
          name: "Locker 1",
          kind: "locker",
          country: "AZ"
        })
        expect(point.active).toBe(true)
        const off = yield* operator("PATCH", `/operator/v1/pudo-points/${point.id}`, { active: false })
        expect(off.status).toBe(200)
        expect(off.body.data.active).toBe(false)
        expect422(yield* operator("POST", "/operator/v1/pudo-points", { name: "P", kind: "box", country: "AZ" }), "kind")
        expect422(yield* operator("PATCH", `/operator/v1/pudo-points/${point.id}`, { active: "no" }), "active")
        const missing = yield* operator("PATCH", "/operator/v1/pudo-points/999999", { active: false })
        expect(missing.status).toBe(404)
        const garbage = yield* operator("PATCH", "/operator/v1/pudo-points/abc", { active: false })
        expect(garbage.status).toBe(404)
        expect(garbage.body.code).toBe("not_found")
      }))

    it.effect("services: the channel must fit the type; the flow must exist", () =>
      Effect.gen(function* () {
        const flow = yield* created<{ id: number }>("POST", "/operator/v1/flows", { name: "F", steps: ["a", "b"] })
        const base = { name: "S", origin_country: "TR", destination_country: "AZ", flow_id: flow.id }
        const home = yield* operator("POST", "/operator/v1/services", { ...base, type: "home_delivery" })
        expect(home.status).toBe(201)
        expect(home.body.data).toMatchObject({ type: "home_delivery", channel: "home", consolidation_enabled: false })
        const locker = yield* operator("POST", "/operator/v1/services", { ...base, type: "pudo_delivery", channel: "locker" })
        expect(locker.body.data.channel).toBe("locker")
        const clearance = yield* operator("POST", "/operator/v1/services", { ...base, type: "clearance" })
        expect(clearance.body.data.channel).toBeNull()
        expect422(yield* operator("POST", "/operator/v1/services", { ...base, type: "home_delivery", channel: "pudo" }), "channel")
        expect422(yield* operator("POST", "/operator/v1/services", { ...base, type: "pudo_delivery" }), "channel")
        expect422(yield* operator("POST", "/operator/v1/services", { ...base, type: "clearance", channel: "home" }), "channel")
        expect422(yield* operator("POST", "/operator/v1/services", { ...base, type: "teleport" }), "type")
        expect422(yield* operator("POST", "/operator/v1/services", { ...base, type: "clearance", flow_id: 999999 }), "flow_id")
        expect422(
          yield* operator("POST", "/operator/v1/services", { ...base, type: "clearance", destination_country: "XX" }),
          "destination_country"
        )
      }))

    it.effect("publications: create (idempotent), validation, unpublish removes it from the partner's list", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const target = { partner_id: ws.partner.id, warehouse_id: ws.warehouse.id }
        const again = yield* operator("POST", `/operator/v1/services/${ws.services.home.id}/publications`, target)
        expect(again.status).toBe(201)
        expect(again.body.data).toMatchObject({ service_id: ws.services.home.id, ...target })
        expect422(
          yield* operator("POST", `/operator/v1/services/${ws.services.home.id}/publications`, { ...target, partner_id: 999999 }),
          "partner_id"
        )
        expect422(
          yield* operator("POST", `/operator/v1/services/${ws.services.home.id}/publications`, { ...target, warehouse_id: 999999 }),
          "warehouse_id"
        )
        const unknown = yield* operator("POST", "/operator/v1/services/999999/publications", target)
        expect(unknown.status).toBe(404)
        const removed = yield* operator("DELETE", `/operator/v1/services/${ws.services.home.id}/publications`, target)
        expect(removed.status).toBe(204)
        const removedAgain = yield* operator("DELETE", `/operator/v1/services/${ws.services.home.id}/publications`, target)
        expect(removedAgain.status).toBe(404)
        const list = yield* call("GET", "/api/v1/services", { token: ws.token })
        expect(list.body.data.map((s: { id: number }) => s.id)).not.toContain(ws.services.home.id)
      }))

    it.effect("rates: bill on a step of the service's flow; one per service, partner and tier", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const body = {
          service_id: ws.services.home.id,
          currency: "AZN",
          amount: 3.5,
          per_kg_amount: 1.25,
          bill_on_status: "received"
        }
        const rate = yield* operator("POST", "/operator/v1/rates", body)
        expect(rate.status).toBe(201)
        expect(rate.body.data).toMatchObject({ ...body, partner_id: null, pricing_tier: null })
        const duplicate = yield* operator("POST", "/operator/v1/rates", body)
        expect(duplicate.status).toBe(409)
        expect(duplicate.body.code).toBe("rate_already_exists")
        const specific = yield* operator("POST", "/operator/v1/rates", { ...body, partner_id: ws.partner.id, pricing_tier: "tier_1" })
        expect(specific.status).toBe(201)
        expect422(yield* operator("POST", "/operator/v1/rates", { ...body, bill_on_status: "teleported" }), "bill_on_status")
        expect422(yield* operator("POST", "/operator/v1/rates", { ...body, currency: "usd" }), "currency")
        expect422(yield* operator("POST", "/operator/v1/rates", { ...body, currency: "ZZZ" }), "currency")
        expect422(yield* operator("POST", "/operator/v1/rates", { ...body, amount: -1 }), "amount")
        expect422(yield* operator("POST", "/operator/v1/rates", { ...body, amount: 1.234 }), "amount")
        expect422(yield* operator("POST", "/operator/v1/rates", { ...body, amount: 0.000000001 }), "amount")
        // two decimals are exact at every magnitude in range (not only below ~1e8)
        const large = yield* operator("POST", "/operator/v1/rates", {
          ...body,
          partner_id: ws.partner.id,
          amount: 283111816.09,
          per_kg_amount: 603519704.67
        })
        expect(large.status).toBe(201)
        expect(large.body.data).toMatchObject({ amount: 283111816.09, per_kg_amount: 603519704.67 })
        expect422(yield* operator("POST", "/operator/v1/rates", { ...body, service_id: 999999 }), "service_id")
        expect422(yield* operator("POST", "/operator/v1/rates", { ...body, partner_id: 999999 }), "partner_id")
      }))

    it.effect("credentials: the secret is shown once; unknown partner 404, unknown warehouse or scope 422", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const credential = yield* operator("POST", `/operator/v1/partners/${ws.partner.id}/credentials`, {
          warehouse_id: ws.warehouse.id
        })
        expect(credential.status).toBe(201)
        expect(credential.body.data.client_secret.length).toBeGreaterThanOrEqual(43)
        expect(credential.body.data.scopes).toHaveLength(7)
        const unknownPartner = yield* operator("POST", "/operator/v1/partners/999999/credentials", {
          warehouse_id: ws.warehouse.id
        })
        expect(unknownPartner.status).toBe(404)
        expect422(
          yield* operator("POST", `/operator/v1/partners/${ws.partner.id}/credentials`, { warehouse_id: 999999 }),
          "warehouse_id"
        )
        expect422(
          yield* operator("POST", `/operator/v1/partners/${ws.partner.id}/credentials`, {
            warehouse_id: ws.warehouse.id,
            scopes: ["orders:read", "root"]
          }),
          "scopes.1"
        )
      }))
  })
})
