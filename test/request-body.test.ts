import { describe, expect, it, layer } from "@effect/vitest"
import { Effect } from "effect"
import { MAX_FIELD_ERRORS } from "../src/http/ErrorHandling.js"
import { MAX_BODY_BYTES, mediaTypeOf } from "../src/http/RequestBody.js"
import { setupWorkspace } from "./support/Fixtures.js"
import { clearanceOrder, createOrder, parcelBody, rowCounts } from "./support/Orders.js"
import { rawRequest } from "./support/RawHttp.js"
import { TestAppLive } from "./support/TestApp.js"

/** it.effect runs on the TestClock: /health is polled with real timers while the bodies are in flight. */
const realSleep = (ms: number) => Effect.promise(() => new Promise((resolve) => setTimeout(resolve, ms)))

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

describe("media types", () => {
  it("every JSON type reads as JSON; anything else is unsupported", () => {
    expect(mediaTypeOf(undefined)).toBe("json")
    expect(mediaTypeOf("application/json")).toBe("json")
    expect(mediaTypeOf("Application/JSON; charset=UTF-8")).toBe("json")
    expect(mediaTypeOf("application/vnd.api+json")).toBe("json")
    expect(mediaTypeOf("application/merge-patch+json; charset=utf-8")).toBe("json")
    expect(mediaTypeOf("application/json; charset=latin1")).toBe("unsupported")
    expect(mediaTypeOf("application/x-www-form-urlencoded")).toBe("form")
    expect(mediaTypeOf("text/plain")).toBe("unsupported")
    expect(mediaTypeOf("application/jsonp")).toBe("unsupported")
    expect(mediaTypeOf("multipart/form-data; boundary=x")).toBe("unsupported")
  })
})

layer(TestAppLive, { timeout: 120_000 })("request bodies", (it) => {
  it.effect("JSON under any application/*+json type, with or without charset, or with no Content-Type at all", () =>
    Effect.gen(function* () {
      const ws = yield* setupWorkspace()
      for (const contentType of [
        "application/json",
        "application/json; charset=utf-8",
        "application/vnd.api+json",
        "application/problem+json",
        undefined
      ]) {
        const response = yield* rawRequest("POST", "/api/v1/orders", {
          headers: { ...bearer(ws.token), ...(contentType === undefined ? {} : { "content-type": contentType }) },
          body: JSON.stringify(clearanceOrder(ws))
        })
        expect([contentType, response.status]).toEqual([contentType, 201])
      }
      // the standard type for a PATCH
      const order = yield* createOrder(ws)
      const patched = yield* rawRequest("PATCH", `/api/v1/orders/${order.order_id}/parcels/${order.items[0]!.parcel_id}`, {
        headers: { ...bearer(ws.token), "content-type": "application/merge-patch+json" },
        body: JSON.stringify({ weight_grams: 2000 })
      })
      expect(patched.status).toBe(200)
      expect(patched.body.data.weight_grams).toBe(2000)
    }))

  it.effect("any other type on a JSON endpoint → 415 unsupported_media_type naming the accepted types; nothing written", () =>
    Effect.gen(function* () {
      const ws = yield* setupWorkspace()
      const body = JSON.stringify(clearanceOrder(ws))
      const before = yield* rowCounts
      for (const contentType of [
        "text/plain",
        "multipart/form-data; boundary=----x",
        "application/x-www-form-urlencoded",
        "application/xml",
        "application/octet-stream",
        "application/json; charset=iso-8859-1"
      ]) {
        const response = yield* rawRequest("POST", "/api/v1/orders", {
          headers: { ...bearer(ws.token), "content-type": contentType },
          body: contentType.startsWith("multipart") ? `------x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n------x--\r\n` : body
        })
        expect([contentType, response.status]).toEqual([contentType, 415])
        expect(response.body.code).toBe("unsupported_media_type")
        expect(response.body.message).toContain("application/json")
        // never the body echoed back
        expect(response.body.message).not.toContain("order_id")
      }
      const operatorCall = yield* rawRequest("POST", "/operator/v1/partners", {
        headers: { authorization: "Bearer test-operator-token-0123456789", "content-type": "text/plain" },
        body: "{\"name\":\"x\"}"
      })
      expect(operatorCall.status).toBe(415)
      expect(yield* rowCounts).toEqual(before)
    }))

  it.effect("the token endpoint takes JSON (any +json type) and form fields; other types are an RFC 6749 invalid_request", () =>
    Effect.gen(function* () {
      const ws = yield* setupWorkspace()
      const fields = { grant_type: "client_credentials", client_id: ws.credential.client_id, client_secret: ws.credential.client_secret }
      const form = yield* rawRequest("POST", "/api/v1/oauth/token", {
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(fields).toString()
      })
      expect(form.status).toBe(200)
      const vnd = yield* rawRequest("POST", "/api/v1/oauth/token", {
        headers: { "content-type": "application/vnd.api+json" },
        body: JSON.stringify(fields)
      })
      expect(vnd.status).toBe(200)
      expect(vnd.body.token_type).toBe("Bearer")
      const xml = yield* rawRequest("POST", "/api/v1/oauth/token", {
        headers: { "content-type": "application/xml" },
        body: "<grant/>"
      })
      expect(xml.status).toBe(400)
      expect(xml.body.error).toBe("invalid_request")
    }))

  it.effect("invalid UTF-8 anywhere in a JSON body → 400 malformed_body, and no row", () =>
    Effect.gen(function* () {
      const ws = yield* setupWorkspace()
      const before = yield* rowCounts
      const json = JSON.stringify(clearanceOrder(ws, { order_id: "PO-\u00ff-BROKEN" }))
      // replace the UTF-8 encoding of ÿ (c3 bf) with a lone continuation byte
      const bytes = Buffer.from(json, "utf8")
      const at = bytes.indexOf(Buffer.from([0xc3, 0xbf]))
      expect(at).toBeGreaterThan(0)
      const broken = Buffer.concat([bytes.subarray(0, at), Buffer.from([0xbf, 0xbf]), bytes.subarray(at + 2)])
      const response = yield* rawRequest("POST", "/api/v1/orders", {
        headers: { ...bearer(ws.token), "content-type": "application/json" },
        body: broken
      })
      expect(response.status).toBe(400)
      expect(response.body).toEqual({ code: "malformed_body", message: "The request body is not valid UTF-8." })
      expect(yield* rowCounts).toEqual(before)
    }))

  it.effect("auth answers before the body: 401 for a bad token even with an unsupported type or broken JSON", () =>
    Effect.gen(function* () {
      const response = yield* rawRequest("POST", "/api/v1/orders", {
        headers: { ...bearer("nope"), "content-type": "text/plain" },
        body: "{{{"
      })
      expect(response.status).toBe(401)
    }))

  it.effect("a list over its limit is refused before its elements are decoded; at most 50 field errors are listed", () =>
    Effect.gen(function* () {
      const ws = yield* setupWorkspace()
      const tooMany = yield* rawRequest("POST", "/api/v1/orders", {
        headers: { ...bearer(ws.token), "content-type": "application/json" },
        body: JSON.stringify(clearanceOrder(ws, { parcels: [parcelBody({ products: Array.from({ length: 101 }, () => ({ name: 5 })) })] }))
      })
      expect(tooMany.status).toBe(422)
      expect(tooMany.body.errors).toEqual({ "parcels.0.products": ["must have at most 100 products"] })
      // every parcel and product wrong in several fields
      const bad = { name: 1, hs_code: 1, declared_value: "x", currency: 1, quantity: "x", weight_grams: "x" }
      const everything = clearanceOrder(ws, {
        parcels: Array.from({ length: 100 }, () => ({ item_id: 5, weight_grams: "a", products: Array.from({ length: 100 }, () => bad) }))
      })
      const response = yield* rawRequest("POST", "/api/v1/orders", {
        headers: { ...bearer(ws.token), "content-type": "application/json" },
        body: JSON.stringify(everything)
      })
      expect(response.status).toBe(422)
      expect(Object.keys(response.body.errors).length).toBe(MAX_FIELD_ERRORS)
      expect(response.body.message).toMatch(/\(\d+ more problems not listed\)$/)
      expect(response.bytes).toBeLessThan(20_000)
    }))

  it.effect("hostile bodies get a 4xx in bounded time and memory while /health keeps answering (generous bounds)", () =>
    Effect.gen(function* () {
      const ws = yield* setupWorkspace()
      const empties = (count: number) =>
        `{"service_id":${ws.services.clearance.id},"order_id":"PO-H","parcels":[{"products":[${"{},".repeat(count - 1)}{}]}]}`
      const million = empties(1_000_000) // 3 MB, under the body limit
      expect(million.length).toBeLessThan(MAX_BODY_BYTES)
      const rssBefore = process.memoryUsage().rss
      const send = rawRequest("POST", "/api/v1/orders", {
        headers: { ...bearer(ws.token), "content-type": "application/json" },
        body: million,
        timeoutMs: 20_000
      })
      const health = Effect.gen(function* () {
        yield* realSleep(100)
        const slowest = { ms: 0 }
        for (let i = 0; i < 10; i++) {
          const response = yield* rawRequest("GET", "/health")
          expect(response.status).toBe(200)
          slowest.ms = Math.max(slowest.ms, response.ms)
          yield* realSleep(50)
        }
        return slowest.ms
      })
      const [first, second, slowestHealth] = yield* Effect.all([send, send, health], { concurrency: "unbounded" })
      for (const response of [first, second]) {
        expect(response.status).toBe(422)
        expect(response.body.errors).toEqual({ "parcels.0.products": ["has 1000000 items; no list may have more than 1000"] })
        expect(response.ms).toBeLessThan(10_000)
      }
      expect(slowestHealth).toBeLessThan(2_000)
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(600 * 1024 * 1024)
      // 8 MB (2.7 million empty products): over the limit, refused before it is parsed
      const huge = yield* rawRequest("POST", "/api/v1/orders", {
        headers: { ...bearer(ws.token), "content-type": "application/json" },
        body: empties(2_700_000),
        timeoutMs: 20_000
      })
      expect(huge.status).toBe(413)
      expect(huge.body.code).toBe("payload_too_large")
    }))
})
