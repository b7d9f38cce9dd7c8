import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { call, operator, TestAppLive } from "./support/TestApp.js"

describe("HTTP conventions", () => {
  it.layer(TestAppLive)((it) => {
    it.effect("health and readiness", () =>
      Effect.gen(function* () {
        expect(yield* call("GET", "/health")).toMatchObject({ status: 200, body: { data: { status: "ok" } } })
        expect(yield* call("GET", "/ready")).toMatchObject({ status: 200, body: { data: { status: "ready" } } })
      }))

    it.effect("a decode failure is 422 with dot-path field errors, not the platform's 400", () =>
      Effect.gen(function* () {
        const response = yield* operator("POST", "/operator/v1/rates", {
          service_id: "one",
          currency: "AZN",
          amount: 1,
          bill_on_status: "received"
        })
        expect(response.status).toBe(422)
        expect(response.body.code).toBe("validation_failed")
        expect(response.body.errors).toHaveProperty("service_id")
        expect(response.body.message).toMatch(/^service_id: /)
        const nested = yield* operator("POST", "/operator/v1/flows", { name: "F", steps: ["ok_step", 7] })
        expect(Object.keys(nested.body.errors)).toEqual(["steps.1"])
        const missing = yield* operator("POST", "/operator/v1/regions", {})
        expect(missing.status).toBe(422)
        expect(Object.keys(missing.body.errors).sort()).toEqual(["country", "name", "pricing_tier"])
      }))

    it.effect("a body that is not an object is 422; a body that is not JSON is 400", () =>
      Effect.gen(function* () {
        const array = yield* call("POST", "/operator/v1/partners", { token: "operator", rawBody: "[1,2]" })
        expect(array.status).toBe(422)
        expect(array.body.errors).toHaveProperty("body")
        const garbage = yield* call("POST", "/operator/v1/partners", { token: "operator", rawBody: "{\"name\": " })
        expect(garbage.status).toBe(400)
        expect(garbage.body).toEqual({ message: "The request body is not valid JSON.", code: "malformed_body" })
      }))

    it.effect("text PostgreSQL cannot store (NUL, lone surrogates) is a 422, not a database error", () =>
      Effect.gen(function* () {
        const nul = yield* operator("POST", "/operator/v1/partners", { name: "bad\u0000name" })
        expect(nul.status).toBe(422)
        expect(Object.keys(nul.body.errors)).toEqual(["name"])
        const surrogate = yield* operator("POST", "/operator/v1/pudo-points", {
          name: "P",
          kind: "pudo",
          country: "AZ",
          address: "x\uD800y"
        })
        expect(surrogate.status).toBe(422)
        expect(Object.keys(surrogate.body.errors)).toEqual(["address"])
        const scan = yield* operator("POST", "/operator/v1/parcels/%00/status", { status: "received" })
        expect(scan.status).toBe(404)
      }))

    it.effect("an optional field with a wrong type is reported once, on its own path", () =>
      Effect.gen(function* () {
        const response = yield* operator("POST", "/operator/v1/pudo-points", { name: "P", kind: "pudo", country: "AZ", active: "yes" })
        expect(response.status).toBe(422)
        expect(response.body.errors).toEqual({ active: ["Expected boolean, actual \"yes\""] })
      }))

    it.effect("hostile bodies: nesting deeper than any valid request is 422, a huge body 413, and errors stay short", () =>
      Effect.gen(function* () {
        const deep = "[".repeat(5000) + "]".repeat(5000)
        const response = yield* call("POST", "/operator/v1/partners", { token: "operator", rawBody: deep })
        expect(response.status).toBe(422)
        expect(response.body).toEqual({
          message: "body: must not nest deeper than 32 levels",
          code: "validation_failed",
          errors: { body: ["must not nest deeper than 32 levels"] }
        })
        // the token endpoint answers RFC 6749 bodies only: such a body is an invalid_request
        const token = yield* call("POST", "/api/v1/oauth/token", { rawBody: deep })
        expect(token.status).toBe(400)
        expect(token.body.error).toBe("invalid_request")
        const huge = "[" + Array.from({ length: 2_000_000 }, () => "1").join(",") + "]"
        const tooLarge = yield* call("POST", "/operator/v1/partners", { token: "operator", rawBody: huge + " ".repeat(5_000_000) })
        expect(tooLarge.status).toBe(413)
        expect(tooLarge.body.code).toBe("payload_too_large")
        // a large wrong body is refused without echoing it back
        const wrong = yield* call("POST", "/operator/v1/partners", { token: "operator", rawBody: huge })
        expect(wrong.status).toBe(422)
        expect(JSON.stringify(wrong.body).length).toBeLessThan(1000)
      }))

    it.effect("an unknown route is a 404 envelope", () =>
      Effect.gen(function* () {
        const response = yield* call("GET", "/api/v1/nothing-here")
        expect(response.status).toBe(404)
        expect(response.body).toEqual({ message: "No such endpoint.", code: "not_found" })
      }))

    it.effect("serves the OpenAPI document with the statuses each endpoint really returns", () =>
      Effect.gen(function* () {
        const response = yield* call("GET", "/openapi.json")
        expect(response.status).toBe(200)
        const spec = response.body
        expect(spec.openapi).toMatch(/^3\./)
        const operatorSpec = (yield* call("GET", "/operator/v1/openapi.json")).body
        const rates = operatorSpec.paths["/operator/v1/rates"].post.responses
        expect(Object.keys(rates).sort()).toEqual(["201", "400", "401", "409", "413", "415", "422", "500", "503"])
        const services = spec.paths["/api/v1/services"].get.responses
        expect(services).toHaveProperty("401")
        expect(services).toHaveProperty("403")
        expect(services).not.toHaveProperty("400") // no body, so never "not JSON"
        const token = spec.paths["/api/v1/oauth/token"].post.responses
        expect(token).toHaveProperty("401")
        expect(spec.components.schemas).not.toHaveProperty("HttpApiDecodeError")
        const create = spec.paths["/api/v1/orders"].post
        expect(create.responses["201"].headers).toHaveProperty("Location")
        expect(Object.keys(create.responses).sort()).toEqual(["201", "400", "401", "403", "413", "415", "422", "500", "503"])
        expect(Object.keys(operatorSpec.paths["/health"].get.responses).sort()).toEqual(["200", "500", "503"])
        expect(Object.keys(spec.paths["/api/v1/orders/{order_id}"].get.responses).sort()).toEqual(
          ["200", "401", "403", "404", "500", "503"]
        )
        expect(spec.paths["/api/v1/orders/{order_id}/cancel"].post.requestBody.required).toBe(false)
        expect(spec.components.schemas.ValidationFailed.required).toEqual(["message", "code"])
      }))

    it.effect("serves the docs page", () =>
      Effect.gen(function* () {
        const response = yield* call("GET", "/docs")
        expect(response.status).toBe(200)
        expect(String(response.body)).toContain("<html")
      }))
  })
})
