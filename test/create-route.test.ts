/**
 * POST /api/v1/orders answered at the listener (CreateOrderRoute.ts): which requests it takes,
 * which it leaves to the HttpApi pipeline before reading them, which it hands over after
 * reading them (with the bytes, read once), and that its answers carry what the pipeline's do.
 * The route is observed through a wrapper that records each decision.
 */
import { expect, layer } from "@effect/vitest"
import { HttpServer } from "@effect/platform"
import { Context, Effect, Layer, Redacted } from "effect"
import * as http from "node:http"
import { CreateOrderRouteLive } from "../src/http/CreateOrderRoute.js"
import { INLINE_PARSE_BYTES } from "../src/http/JsonBody.js"
import * as ListenerServer from "../src/http/ListenerServer.js"
import { Operations, RequestGate } from "../src/http/Operations.js"
import { HttpPipelineLive } from "../src/http/Server.js"
import { DomainLive } from "../src/index.js"
import { OperatorTokenValue } from "../src/OperatorToken.js"
import { setupWorkspace, tokenWithScopes } from "./support/Fixtures.js"
import { clearanceOrder, rowCounts } from "./support/Orders.js"
import { rawRequest } from "./support/RawHttp.js"
import { TEST_OPERATOR_TOKEN } from "./support/TestApp.js"
import { TestDatabaseLive } from "./support/TestDatabase.js"

/** "route": taken at the listener (then "handed-over" when it passes the read request on); "pipeline": left unread */
type Decision = "route" | "pipeline" | "handed-over"
const decisions: Array<Decision> = []

/** The real route, each decision recorded. */
const RecordedRouteLive = Layer.map(CreateOrderRouteLive, (context) => {
  const route = Context.get(context, ListenerServer.ListenerRoute)
  return Context.make(ListenerServer.ListenerRoute, (request, response, fallback) => {
    const took = route(request, response, (handedRequest, handedResponse) => {
      decisions.push("handed-over")
      fallback(handedRequest, handedResponse)
    })
    if (took) decisions.push("route")
    else if (request.method === "POST" && request.url === "/api/v1/orders") decisions.push("pipeline")
    return took
  })
})

/** No shedding, no access log; `shuttingDown` and `maxInFlight` are flipped by tests. */
const gate = new RequestGate(1000, false)

const AppLive = HttpPipelineLive.pipe(
  Layer.provide(RecordedRouteLive),
  Layer.provide(Layer.succeed(Operations, gate)),
  Layer.provideMerge(ListenerServer.layerTest),
  Layer.provideMerge(DomainLive),
  Layer.provide(Layer.succeed(OperatorTokenValue, Redacted.make(TEST_OPERATOR_TOKEN))),
  Layer.provideMerge(TestDatabaseLive())
)

const json = (token: string, extra: Record<string, string> = {}) => ({
  authorization: `Bearer ${token}`,
  "content-type": "application/json",
  ...extra
})

/** The decisions recorded while `effect` ran. */
const decided = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    decisions.length = 0
    const result = yield* effect
    return [result, [...decisions]] as const
  })

/** A body sent in chunks, without Content-Length. */
const chunked = (path: string, headers: Record<string, string>, body: string) =>
  Effect.gen(function* () {
    const server = yield* HttpServer.HttpServer
    const address = server.address
    if (address._tag !== "TcpAddress") return yield* Effect.die("TCP expected")
    return yield* Effect.async<number, Error>((resume) => {
      const request = http.request(
        { host: "127.0.0.1", port: address.port, method: "POST", path, headers, timeout: 10_000 },
        (response) => {
          response.resume()
          response.on("end", () => resume(Effect.succeed(response.statusCode ?? 0)))
        }
      )
      request.on("timeout", () => request.destroy(new Error("no answer within the client timeout")))
      request.on("error", (error) => resume(Effect.fail(error)))
      request.write(body.slice(0, 10))
      request.end(body.slice(10))
    })
  })

layer(AppLive, { timeout: 60_000 })("create-order route at the listener", (it) => {
  it.effect("an ordinary create is answered by the route: 201, Location, the request id echoed, the rows written", () =>
    Effect.gen(function* () {
      const ws = yield* setupWorkspace()
      const before = yield* rowCounts
      const [response, seen] = yield* decided(rawRequest("POST", "/api/v1/orders", {
        headers: json(ws.token, { "x-request-id": "route-test-1" }),
        body: JSON.stringify(clearanceOrder(ws, {}, 2))
      }))
      expect(seen).toEqual(["route"])
      expect(response.status).toBe(201)
      expect(response.headers["content-type"]).toBe("application/json")
      expect(response.headers["x-request-id"]).toBe("route-test-1")
      expect(response.headers["location"]).toBe(`/api/v1/orders/${response.body.data.order_id}`)
      expect(response.body.data.items).toHaveLength(2)
      const after = yield* rowCounts
      expect(after.orders - before.orders).toBe(1)
      expect(after.parcels - before.parcels).toBe(2)
    }))

  it.effect("domain refusals are answered by the route with the envelope the pipeline gives", () =>
    Effect.gen(function* () {
      const ws = yield* setupWorkspace()
      const order = clearanceOrder(ws)
      yield* rawRequest("POST", "/api/v1/orders", { headers: json(ws.token), body: JSON.stringify(order) })
      const [duplicate, seenDuplicate] = yield* decided(
        rawRequest("POST", "/api/v1/orders", { headers: json(ws.token), body: JSON.stringify(order) })
      )
      expect(seenDuplicate).toEqual(["route"])
      expect(duplicate.status).toBe(422)
      expect(duplicate.body.code).toBe("duplicate_reference")
      expect(Object.keys(duplicate.body.errors)).toContain("order_id")
      const [unknown, seenUnknown] = yield* decided(rawRequest("POST", "/api/v1/orders", {
        headers: json(ws.token),
        body: JSON.stringify(clearanceOrder(ws, { service_id: 999_999 }))
      }))
      expect(seenUnknown).toEqual(["route"])
      expect(unknown.status).toBe(422)
      expect(unknown.body.code).toBe("service_unavailable_for_partner")
      expect(typeof unknown.headers["x-request-id"]).toBe("string")
    }))

  it.effect("a body that is not JSON, does not decode, or a refused token: handed to the pipeline with the bytes read", () =>
    Effect.gen(function* () {
      const ws = yield* setupWorkspace()
      const before = yield* rowCounts
      const [notJson, seenNotJson] = yield* decided(
        rawRequest("POST", "/api/v1/orders", { headers: json(ws.token), body: "{\"parcels\": [" })
      )
      expect(seenNotJson).toEqual(["route", "handed-over"])
      expect(notJson.status).toBe(400)
      expect(notJson.body.code).toBe("malformed_body")

      const [invalid, seenInvalid] = yield* decided(rawRequest("POST", "/api/v1/orders", {
        headers: json(ws.token),
        body: JSON.stringify(clearanceOrder(ws, { parcels: [] }))
      }))
      expect(seenInvalid).toEqual(["route", "handed-over"])
      expect(invalid.status).toBe(422)
      expect(invalid.body.code).toBe("validation_failed")
      expect(Object.keys(invalid.body.errors)).toContain("parcels")

      const [badUtf8, seenBadUtf8] = yield* decided(rawRequest("POST", "/api/v1/orders", {
        headers: json(ws.token),
        body: Buffer.concat([Buffer.from(`{"order_id":"`), Buffer.from([0xc3, 0x28]), Buffer.from(`"}`)])
      }))
      expect(seenBadUtf8).toEqual(["route", "handed-over"])
      expect(badUtf8.status).toBe(400)

      const [unauthenticated, seenUnauthenticated] = yield* decided(rawRequest("POST", "/api/v1/orders", {
        headers: json("not-a-token"),
        body: JSON.stringify(clearanceOrder(ws))
      }))
      expect(seenUnauthenticated).toEqual(["route", "handed-over"])
      expect(unauthenticated.status).toBe(401)
      expect(unauthenticated.headers["www-authenticate"]).toMatch(/^Bearer/)

      const readOnly = yield* tokenWithScopes(ws, ["orders:read"])
      const [forbidden, seenForbidden] = yield* decided(rawRequest("POST", "/api/v1/orders", {
        headers: json(readOnly),
        body: JSON.stringify(clearanceOrder(ws))
      }))
      expect(seenForbidden).toEqual(["route", "handed-over"])
      expect(forbidden.status).toBe(403)
      expect(forbidden.body.code).toBe("forbidden")

      const after = yield* rowCounts
      expect(after.orders).toBe(before.orders)
    }))

  it.effect("left to the pipeline unread: no bearer token, another media type, no Content-Length, a large body", () =>
    Effect.gen(function* () {
      const ws = yield* setupWorkspace()
      const [noToken, seenNoToken] = yield* decided(rawRequest("POST", "/api/v1/orders", {
        headers: { "content-type": "application/json" },
        body: JSON.stringify(clearanceOrder(ws))
      }))
      expect(seenNoToken).toEqual(["pipeline"])
      expect(noToken.status).toBe(401)

      const [text, seenText] = yield* decided(rawRequest("POST", "/api/v1/orders", {
        headers: json(ws.token, { "content-type": "text/plain" }),
        body: JSON.stringify(clearanceOrder(ws))
      }))
      expect(seenText).toEqual(["pipeline"])
      expect(text.status).toBe(415)

      const [chunkedStatus, seenChunked] = yield* decided(
        chunked("/api/v1/orders", json(ws.token), JSON.stringify(clearanceOrder(ws)))
      )
      expect(seenChunked).toEqual(["pipeline"])
      expect(chunkedStatus).toBe(201)

      // valid, but padded past what is parsed on the event loop
      const padded = JSON.stringify(clearanceOrder(ws)).replace("{", `{${" ".repeat(INLINE_PARSE_BYTES)}`)
      const [large, seenLarge] = yield* decided(
        rawRequest("POST", "/api/v1/orders", { headers: json(ws.token), body: padded })
      )
      expect(seenLarge).toEqual(["pipeline"])
      expect(large.status).toBe(201)

      const [other, seenOther] = yield* decided(
        rawRequest("GET", "/api/v1/orders", { headers: { authorization: `Bearer ${ws.token}` } })
      )
      expect(seenOther).toEqual([])
      expect(other.status).toBe(200)
    }))

  it.effect("while shutting down, its answers close the connection; over the in-flight limit, the pipeline sheds", () =>
    Effect.gen(function* () {
      const ws = yield* setupWorkspace()
      gate.shuttingDown = true
      const [closing, seenClosing] = yield* decided(rawRequest("POST", "/api/v1/orders", {
        headers: json(ws.token),
        body: JSON.stringify(clearanceOrder(ws))
      })).pipe(Effect.ensuring(Effect.sync(() => (gate.shuttingDown = false))))
      expect(seenClosing).toEqual(["route"])
      expect(closing.status).toBe(201)
      expect(closing.headers["connection"]).toBe("close")

      const limit = gate.maxInFlight
      ;(gate as { maxInFlight: number }).maxInFlight = 0
      const [shed, seenShed] = yield* decided(rawRequest("POST", "/api/v1/orders", {
        headers: json(ws.token),
        body: JSON.stringify(clearanceOrder(ws))
      })).pipe(Effect.ensuring(Effect.sync(() => ((gate as { maxInFlight: number }).maxInFlight = limit))))
      expect(seenShed).toEqual(["pipeline"])
      expect(shed.status).toBe(503)
      expect(shed.body.code).toBe("overloaded")
      expect(gate.inFlight).toBe(0)
    }))
})
