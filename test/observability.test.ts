/**
 * Traces and metrics: an HTTP request, the domain call it makes and its SQL statements are
 * spans (collected by an in-memory exporter) with the partner, order tracking and parcel count;
 * `/metrics` is Prometheus text whose counters move; errors carry the request id.
 */
import { expect, layer } from "@effect/vitest"
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import { Effect, Layer, Metric, Redacted } from "effect"
import * as ListenerServer from "../src/http/ListenerServer.js"
import { Billing } from "../src/domain/Billing.js"
import { Credentials } from "../src/domain/Credentials.js"
import { Orders } from "../src/domain/Orders.js"
import { Operations, RequestGate } from "../src/http/Operations.js"
import { HttpLive } from "../src/http/Server.js"
import { DomainLive } from "../src/index.js"
import { ordersCreated as ordersCreatedCounter } from "../src/observability/Metrics.js"
import { sdkLayer, withServiceSpans } from "../src/observability/Tracing.js"
import { OperatorTokenValue } from "../src/OperatorToken.js"
import { setupWorkspace } from "./support/Fixtures.js"
import { clearanceOrder, createOrder } from "./support/Orders.js"
import { call, TEST_OPERATOR_TOKEN } from "./support/TestApp.js"
import { TestDatabaseLive } from "./support/TestDatabase.js"

const spans = new InMemorySpanExporter()

/** Access log on, no shedding: the gate main.ts builds from STARMILE_ACCESS_LOG=true. */
const gate = new RequestGate(1000, true)

/** The app as main.ts builds it: service spans only when an exporter reads them. */
const appLive = (serviceSpans: boolean) =>
  HttpLive.pipe(
    Layer.provide(Layer.succeed(Operations, gate)),
    Layer.provideMerge(ListenerServer.layerTest),
    Layer.provideMerge(withServiceSpans(DomainLive, [Orders, Credentials, Billing], serviceSpans)),
    Layer.provide(Layer.succeed(OperatorTokenValue, Redacted.make(TEST_OPERATOR_TOKEN))),
    Layer.provideMerge(TestDatabaseLive()),
    Layer.provide(sdkLayer(new SimpleSpanProcessor(spans), "starmile-test"))
  )
const TracedAppLive = appLive(true)

/** `name{labels} value` lines of the Prometheus text exposition format (0.0.4). */
const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (-?[0-9.eE+-]+|NaN|\+Inf|-Inf)$/

const scrape = Effect.gen(function* () {
  const response = yield* call("GET", "/metrics", { token: "operator" })
  expect(response.status).toBe(200)
  expect(response.headers["content-type"]).toContain("text/plain")
  const text = response.body as string
  const samples = new Map<string, number>()
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue
    const match = SAMPLE_LINE.exec(line)
    expect(match, `not Prometheus text: ${line}`).not.toBeNull()
    // labels without the exporter's scope label, so tests can name a series plainly
    const series = line.slice(0, line.lastIndexOf(" ")).replace(/,?otel_scope_name="[^"]*"/, "").replace("{,", "{").replace("{}", "")
    samples.set(series, Number(match![3]))
  }
  return samples
})

const ordersCreated = 'http_requests_total{method="POST",route="/api/v1/orders",status="201"}'

layer(TracedAppLive)("observability", (it) => {
  it.effect("an order creation is an HTTP span with its route, an Orders.create span with partner, tracking and parcel count, and SQL spans", () =>
    Effect.gen(function* () {
      const ws = yield* setupWorkspace()
      spans.reset()
      const order = yield* createOrder(ws, clearanceOrder(ws, {}, 3))
      const finished = spans.getFinishedSpans()
      const http = finished.find((s) => s.kind === 1 && s.attributes["http.route"] === "/api/v1/orders")
      expect(http, finished.map((s) => s.name).join(", ")).toBeDefined()
      expect(http!.attributes["http.response.status_code"]).toBe(201)
      expect(typeof http!.attributes["request.id"]).toBe("string")
      const create = finished.find((s) => s.name === "Orders.create")
      expect(create).toBeDefined()
      expect(create!.attributes).toMatchObject({
        "starmile.partner_id": ws.partner.id,
        "starmile.order.parcel_count": 3,
        "starmile.order.tracking": order.order_id
      })
      expect(create!.parentSpanContext?.spanId).toBe(http!.spanContext().spanId)
      const sql = finished.filter((s) => s.name === "sql.execute")
      expect(sql.length).toBeGreaterThan(0)
      expect(sql.every((s) => typeof s.attributes["db.query.text"] === "string")).toBe(true)
      expect(sql.some((s) => s.spanContext().traceId === http!.spanContext().traceId)).toBe(true)
    }))

  it.effect("/metrics is Prometheus text, needs the operator token, and its counters move", () =>
    Effect.gen(function* () {
      expect((yield* call("GET", "/metrics")).status).toBe(401)
      const ws = yield* setupWorkspace()
      const before = yield* scrape
      yield* createOrder(ws)
      yield* createOrder(ws)
      const after = yield* scrape
      expect((after.get(ordersCreated) ?? 0) - (before.get(ordersCreated) ?? 0)).toBe(2)
      expect((after.get("orders_created_total") ?? 0) - (before.get("orders_created_total") ?? 0)).toBe(2)
      expect(after.get(`http_request_duration_seconds_count{method="POST",route="/api/v1/orders",status="201"}`)).toBe(
        after.get(ordersCreated)
      )
      expect(after.has('db_pool_connections{state="max"}')).toBe(true)
      expect(after.has("pending_mapping_orders")).toBe(true)
    }))

  it.effect("every response has a request id (generated when none is sent), a 5xx body carries it as request_id", () =>
    Effect.gen(function* () {
      const unknown = yield* call("GET", "/api/v1/nothing-here")
      expect(unknown.status).toBe(404)
      expect(unknown.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/)
      const health = yield* call("GET", "/health")
      expect(health.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/)
      expect(health.headers["x-request-id"]).not.toBe(unknown.headers["x-request-id"])
    }))

  it.effect("a sane X-Request-Id is kept and echoed; an insane one is replaced", () =>
    Effect.gen(function* () {
      const client = yield* HttpClient.HttpClient
      const send = (id: string) =>
        client.execute(HttpClientRequest.get("/health").pipe(HttpClientRequest.setHeader("x-request-id", id))).pipe(
          Effect.map((response) => response.headers["x-request-id"]),
          Effect.scoped
        )
      expect(yield* send("req-42.a:b")).toBe("req-42.a:b")
      const replaced = yield* send("x".repeat(200))
      expect(replaced).toMatch(/^[0-9a-f-]{36}$/)
    }))

  it.effect("STARMILE_ACCESS_LOG: one JSON line per request with its id, route, status and duration", () =>
    Effect.gen(function* () {
      const lines: Array<string> = []
      const write = process.stdout.write
      process.stdout.write = ((chunk: string) => {
        lines.push(String(chunk))
        return true
      }) as typeof process.stdout.write
      const response = yield* call("GET", "/api/v1/orders/SO123", { token: "not-a-token" }).pipe(
        Effect.ensuring(Effect.sync(() => (process.stdout.write = write)))
      )
      const entries = lines.map((line) => JSON.parse(line)).filter((entry) => entry.message === "http request")
      expect(entries).toHaveLength(1)
      expect(entries[0]).toMatchObject({
        request_id: response.headers["x-request-id"],
        method: "GET",
        path: "/api/v1/orders/SO123",
        route: "/api/v1/orders/:order_id",
        status: 401
      })
      expect(typeof entries[0].duration_ms).toBe("number")
    }))
})

layer(appLive(false))("observability without domain service spans (no exporter configured)", (it) => {
  it.effect("a create makes no Orders.create span, and its outcome counter still counts", () =>
    Effect.gen(function* () {
      const ws = yield* setupWorkspace()
      const before = yield* Metric.value(ordersCreatedCounter)
      spans.reset()
      yield* createOrder(ws)
      const after = yield* Metric.value(ordersCreatedCounter)
      expect(after.count - before.count).toBe(1)
      const names = spans.getFinishedSpans().map((s) => s.name)
      expect(names).not.toContain("Orders.create")
      expect(names).not.toContain("Credentials.authenticate")
    }))
})
