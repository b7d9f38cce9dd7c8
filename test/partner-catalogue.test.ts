import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { created, setupWorkspace, tokenFor } from "./support/Fixtures.js"
import { call, TestAppLive } from "./support/TestApp.js"

describe("partner catalogue", () => {
  it.layer(TestAppLive)((it) => {
    it.effect("lists only the services published for the caller's partner and warehouse, with flow steps and rates", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const other = yield* setupWorkspace()
        // a second warehouse for the same partner, with only the clearance service published there
        const warehouse2 = yield* created<{ id: number }>("POST", "/operator/v1/warehouses", {
          code: `W2-${ws.partner.id}`,
          name: "Second hub",
          country: "AZ"
        })
        yield* created("POST", `/operator/v1/services/${ws.services.clearance.id}/publications`, {
          partner_id: ws.partner.id,
          warehouse_id: warehouse2.id
        })
        const credential2 = yield* created<{ client_id: string; client_secret: string }>(
          "POST",
          `/operator/v1/partners/${ws.partner.id}/credentials`,
          { warehouse_id: warehouse2.id }
        )
        // a default rate, a rate for this partner, and a rate for another partner (must not show)
        const rate = (body: Record<string, unknown>) =>
          created("POST", "/operator/v1/rates", {
            service_id: ws.services.home.id,
            currency: "AZN",
            amount: 2,
            bill_on_status: "received",
            ...body
          })
        yield* rate({})
        yield* rate({ partner_id: ws.partner.id, pricing_tier: "tier_1", amount: 1.5 })
        yield* rate({ partner_id: other.partner.id, amount: 9 })

        const list = yield* call("GET", "/api/v1/services", { token: ws.token })
        expect(list.status).toBe(200)
        expect(list.body.next_cursor).toBeNull() // a list, even when not paginated (CONTRACT §1)
        const ids = list.body.data.map((s: { id: number }) => s.id)
        expect(ids).toEqual(Object.values(ws.services).map((s) => s.id))
        for (const id of Object.values(other.services).map((s) => s.id)) expect(ids).not.toContain(id)
        const home = list.body.data.find((s: { id: number }) => s.id === ws.services.home.id)
        expect(home.flow.steps).toEqual(["created", "received", "sorted", "delivered"])
        expect(home.rates.map((r: { amount: number }) => r.amount).sort()).toEqual([1.5, 2])
        expect(home.rates.find((r: { partner_specific: boolean }) => r.partner_specific).pricing_tier).toBe("tier_1")

        const token2 = yield* tokenFor(credential2.client_id, credential2.client_secret)
        const list2 = yield* call("GET", "/api/v1/services", { token: token2 })
        expect(list2.body.data.map((s: { id: number }) => s.id)).toEqual([ws.services.clearance.id])
      }))

    it.effect("lists active PUDO points, filtered by country and kind", () =>
      Effect.gen(function* () {
        const ws = yield* setupWorkspace()
        const pudo = yield* created<{ id: number }>("POST", "/operator/v1/pudo-points", { name: "P", kind: "pudo", country: "GE" })
        const locker = yield* created<{ id: number }>("POST", "/operator/v1/pudo-points", {
          name: "L",
          kind: "locker",
          country: "GE"
        })
        const inactive = yield* created<{ id: number }>("POST", "/operator/v1/pudo-points", {
          name: "Off",
          kind: "locker",
          country: "GE",
          active: false
        })
        const all = yield* call("GET", "/api/v1/pudo-points?country=GE", { token: ws.token })
        expect(all.status).toBe(200)
        expect(all.body.data.map((p: { id: number }) => p.id)).toEqual([pudo.id, locker.id])
        const lockers = yield* call("GET", "/api/v1/pudo-points?country=GE&kind=locker", { token: ws.token })
        expect(lockers.body.data.map((p: { id: number }) => p.id)).toEqual([locker.id])
        expect(all.body.data.map((p: { id: number }) => p.id)).not.toContain(inactive.id)
        const badKind = yield* call("GET", "/api/v1/pudo-points?kind=box", { token: ws.token })
        expect(badKind.status).toBe(422)
        expect(Object.keys(badKind.body.errors)).toEqual(["kind"])
        const badCountry = yield* call("GET", "/api/v1/pudo-points?country=Georgia", { token: ws.token })
        expect(badCountry.status).toBe(422)
      }))
  })
})
