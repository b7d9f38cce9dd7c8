/**
 * The database stalling (a frozen server or a black-holed network): with a TCP proxy between
 * the running service and PostgreSQL that stops forwarding, requests answer 503
 * database_unavailable with Retry-After within the configured bounds, /ready turns 503, and
 * everything works again once the proxy forwards again. Load shedding is checked on the same
 * kind of stall: requests held by the database fill the in-flight limit.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { OPERATOR_TOKEN, request, startService } from "./support/Service.js"
import { stallingProxy } from "./support/StallingProxy.js"
import { adminDatabaseUrl, scopedDatabase } from "./support/TestDatabase.js"

/** A database on the run's server, reached through a stalling proxy. */
const proxiedDatabase = Effect.gen(function* () {
  const name = yield* scopedDatabase
  const admin = new URL(adminDatabaseUrl())
  const proxy = yield* stallingProxy({ host: admin.hostname, port: Number(admin.port || 5432) })
  const url = new URL(admin)
  url.host = `127.0.0.1:${proxy.port}`
  url.pathname = `/${name}`
  return { proxy, url: url.toString() }
})

/** Small pool, short bounds: a stall is answered within seconds. */
const tightBounds = (url: string) => ({
  DATABASE_URL: url,
  STARMILE_DB_POOL_SIZE: "4",
  STARMILE_DB_CONNECT_TIMEOUT: "500 millis",
  STARMILE_DB_ACQUIRE_TIMEOUT: "500 millis",
  STARMILE_DB_STATEMENT_TIMEOUT: "1 second",
  STARMILE_RESOLVER_INTERVAL: "1 hour"
})

/** Polls `succeeded` every 200 ms for up to 15 s. */
const eventually = (succeeded: () => Promise<boolean>) =>
  Effect.promise(async () => {
    const deadline = Date.now() + 15_000
    while (Date.now() < deadline) {
      if (await succeeded()) return true
      await new Promise((r) => setTimeout(r, 200))
    }
    return false
  })

const warehouse = (code: string) => ({ code, name: `Warehouse ${code}`, country: "AZ" })

/** A partner token and a clearance service published for it, set up through the operator API. */
const partnerToken = async (base: string) => {
  const operator = async (path: string, body: unknown) => {
    const answer = await request(base, "POST", path, { token: OPERATOR_TOKEN, body })
    if (answer.status !== 201) throw new Error(`${path}: ${answer.status} ${JSON.stringify(answer.body)}`)
    return (answer.body as { data: Record<string, any> }).data
  }
  const wh = await operator("/operator/v1/warehouses", warehouse("WST"))
  const partner = await operator("/operator/v1/partners", { name: "Stalled partner" })
  const flow = await operator("/operator/v1/flows", { name: "Flow", steps: ["created", "delivered"] })
  const svc = await operator("/operator/v1/services", {
    name: "Clearance", type: "clearance", origin_country: "TR", destination_country: "AZ", flow_id: flow["id"]
  })
  await operator(`/operator/v1/services/${svc["id"]}/publications`, { partner_id: partner["id"], warehouse_id: wh["id"] })
  const credential = await operator(`/operator/v1/partners/${partner["id"]}/credentials`, { warehouse_id: wh["id"] })
  const issued = await request(base, "POST", "/api/v1/oauth/token", {
    body: { grant_type: "client_credentials", client_id: credential["client_id"], client_secret: credential["client_secret"] }
  })
  return { value: (issued.body as { access_token: string }).access_token, serviceId: svc["id"] as number }
}

describe("database stall", () => {
  it.scopedLive("requests answer 503 within the bounds, /ready turns 503, and all recovers", () =>
    Effect.gen(function* () {
      const { proxy, url } = yield* proxiedDatabase
      const service = yield* startService(tightBounds(url))
      const create = (code: string) => request(service.base, "POST", "/operator/v1/warehouses", { token: OPERATOR_TOKEN, body: warehouse(code) })
      expect((yield* Effect.promise(() => create("W1"))).status).toBe(201)

      proxy.stall()
      const [ready, created, partner] = yield* Effect.promise(() =>
        Promise.all([
          request(service.base, "GET", "/ready"),
          create("W2"),
          request(service.base, "GET", "/api/v1/services", { token: "some-partner-token" })
        ])
      )
      expect(ready.status).toBe(503)
      expect(ready.millis).toBeLessThan(1900)
      for (const answer of [created, partner]) {
        expect(answer.status, JSON.stringify(answer.body)).toBe(503)
        expect(answer.body.code).toBe("database_unavailable")
        expect(answer.body.request_id).toBe(answer.headers.get("x-request-id"))
        expect(answer.headers.get("retry-after")).toBe("1")
        // statement 1 s + the client's 1 s read grace, or the 0.5 s acquire bound, plus slack
        expect(answer.millis).toBeLessThan(3500)
      }
      expect((yield* Effect.promise(() => request(service.base, "GET", "/health"))).status).toBe(200)

      proxy.resume()
      const recovered = yield* eventually(async () => (await request(service.base, "GET", "/ready")).status === 200)
      expect(recovered).toBe(true)
      expect((yield* Effect.promise(() => create("W3"))).status).toBe(201)
      // the outage was logged as summaries, not a stack trace per request
      expect(service.output()).toContain("database unavailable")
      expect(service.output()).not.toMatch(/at .*node_modules\/pg/)
    }), { timeout: 90_000 })

  it.scopedLive("order creations queued behind the stalled batch writers answer 503 within the same bounds", () =>
    Effect.gen(function* () {
      const { proxy, url } = yield* proxiedDatabase
      const service = yield* startService(tightBounds(url))
      const token = yield* Effect.promise(() => partnerToken(service.base))
      const order = (n: number) => ({
        service_id: token.serviceId,
        order_id: `PO-STALL-${n}`,
        parcels: [{ item_id: `IT-STALL-${n}` }]
      })
      const create = (n: number) => request(service.base, "POST", "/api/v1/orders", { token: token.value, body: order(n) })
      expect((yield* Effect.promise(() => create(0))).status).toBe(201)

      proxy.stall()
      // far more than the two writers take at once (8 each), under the in-flight limit (128): most
      // wait in the create queue (and for a tracking-serial refill), and without their bounds
      // they would be tried a few at a time, each round waiting for the database
      const answers = yield* Effect.promise(() => Promise.all(Array.from({ length: 100 }, (_, i) => create(i + 1))))
      for (const answer of answers) {
        expect(answer.status, JSON.stringify(answer.body)).toBe(503)
        expect(answer.body.code).toBe("database_unavailable")
        expect(answer.headers.get("retry-after")).toBe("1")
        // the writers' statement: 1 s + the client's 1 s read grace; the queue: 0.5 s; plus slack
        expect(answer.millis).toBeLessThan(3500)
      }
      proxy.resume()
      const recovered = yield* eventually(async () => (await create(100)).status === 201)
      expect(recovered).toBe(true)
    }), { timeout: 90_000 })

  it.scopedLive("beyond STARMILE_MAX_IN_FLIGHT: 503 overloaded with Retry-After at once; /health is not starved", () =>
    Effect.gen(function* () {
      const { proxy, url } = yield* proxiedDatabase
      const service = yield* startService({
        DATABASE_URL: url,
        STARMILE_MAX_IN_FLIGHT: "4",
        STARMILE_DB_STATEMENT_TIMEOUT: "5 seconds",
        STARMILE_RESOLVER_INTERVAL: "1 hour"
      })
      proxy.stall()
      // each create waits on the stalled database: four fill the limit, the rest are shed
      const creates = Array.from({ length: 12 }, (_, i) =>
        request(service.base, "POST", "/operator/v1/warehouses", { token: OPERATOR_TOKEN, body: warehouse(`S${i}`) }))
      yield* Effect.sleep("300 millis")
      const health = yield* Effect.promise(() => request(service.base, "GET", "/health"))
      expect(health.status).toBe(200)
      expect(health.millis).toBeLessThan(1000)
      proxy.resume()
      const answers = yield* Effect.promise(() => Promise.all(creates))
      const shed = answers.filter((a) => a.status === 503)
      const created = answers.filter((a) => a.status === 201)
      expect(shed.length).toBeGreaterThan(0)
      expect(created.length + shed.length, JSON.stringify(answers.map((a) => a.status))).toBe(answers.length)
      expect(created.length).toBeGreaterThanOrEqual(1)
      for (const answer of shed) {
        expect(answer.body.code).toBe("overloaded")
        expect(answer.headers.get("retry-after")).toBe("1")
        expect(answer.millis).toBeLessThan(1000)
      }
      // once the load is gone, the instance takes requests again
      expect((yield* Effect.promise(() =>
        request(service.base, "POST", "/operator/v1/warehouses", { token: OPERATOR_TOKEN, body: warehouse("AFTER") })
      )).status).toBe(201)
    }), { timeout: 90_000 })
})
