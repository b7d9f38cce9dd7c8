/**
 * Order-creation benchmark. Starts the HTTP app in-process on a free port over a scratch
 * database (created and dropped on DATABASE_URL's server, or an embedded server in a temporary
 * directory), seeds a workspace through the operator API, then runs autocannon in a child
 * process (so the load generator does not share the server's event loop) against
 * POST /api/v1/orders with 1 and with 20 parcels per order, every request with fresh references.
 *
 *   npm run bench:orders                                  # 10 s per scenario, 10 connections
 *   BENCH_SECONDS=30 BENCH_CONNECTIONS=20 npm run bench:orders
 *   DATABASE_URL=postgres://root@127.0.0.1:5432/test npm run bench:orders
 */
import { HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { Console, Context, Effect, Layer, Logger, LogLevel, Redacted } from "effect"
import { fork } from "node:child_process"
import * as crypto from "node:crypto"
import { createServer } from "node:http"
import * as os from "node:os"
import { fileURLToPath } from "node:url"
import { HttpLive } from "../src/http/Server.js"
import { DomainLive } from "../src/index.js"
import { OperatorTokenValue } from "../src/OperatorToken.js"
import { pgClientLayer } from "../src/persistence/Database.js"
import { runMigrations } from "../src/persistence/Migrations.js"
import { databaseKind, scratchDatabaseUrl } from "./ScratchDatabase.js"

const SECONDS = Number(process.env["BENCH_SECONDS"] ?? 10)
const CONNECTIONS = Number(process.env["BENCH_CONNECTIONS"] ?? 10)
const OPERATOR_TOKEN = `bench-operator-${crypto.randomBytes(8).toString("hex")}`

interface Scenario {
  readonly url: string
  readonly token: string
  readonly serviceId: number
  readonly parcels: number
  readonly seconds: number
  readonly connections: number
  readonly run: string
}

interface Figures {
  readonly parcels: number
  readonly requests: number
  readonly requestsPerSecond: number
  readonly p50: number
  readonly p99: number
  readonly non2xx: number
  readonly errors: number
}

// ---------------------------------------------------------------- the load generator (child)

const runClient = async (scenario: Scenario): Promise<Figures> => {
  // untyped package: imported by a non-literal specifier
  const autocannonModule = "autocannon"
  const { default: autocannon } = await import(autocannonModule)
  let counter = 0
  const body = () => {
    const n = ++counter
    const ref = `${scenario.run}-${scenario.parcels}-${n}`
    return JSON.stringify({
      service_id: scenario.serviceId,
      order_id: `PO-${ref}`,
      customer_name: "Bench Customer",
      customer_email: "bench@example.com",
      shipping_cost: 9.5,
      parcels: Array.from({ length: scenario.parcels }, (_, i) => ({
        item_id: `IT-${ref}-${i}`,
        merchant_tracking: `MT-${ref}-${i}`,
        package_type: "fragile",
        weight_grams: 1400,
        products: [{ name: "Sneakers", hs_code: "640411", declared_value: 120, currency: "USD", quantity: 1 }]
      }))
    })
  }
  const result = await autocannon({
    url: scenario.url,
    connections: scenario.connections,
    duration: scenario.seconds,
    requests: [{
      method: "POST",
      path: "/api/v1/orders",
      headers: { "content-type": "application/json", authorization: `Bearer ${scenario.token}` },
      setupRequest: (request: any) => ({ ...request, body: body() })
    }]
  })
  return {
    parcels: scenario.parcels,
    requests: result.requests.total,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors
  }
}

if (process.argv[2] === "client") {
  process.once("message", (scenario: Scenario) => {
    runClient(scenario).then(
      (figures) => process.send!(figures, () => process.exit(0)),
      (error) => {
        console.error(error)
        process.exit(1)
      }
    )
  })
}

const inChild = (scenario: Scenario) =>
  Effect.async<Figures, Error>((resume) => {
    const child = fork(fileURLToPath(import.meta.url), ["client"], { stdio: "inherit" })
    child.once("message", (figures) => resume(Effect.succeed(figures as Figures)))
    child.once("exit", (code) => {
      if (code !== 0) resume(Effect.fail(new Error(`load generator exited with ${code}`)))
    })
    child.send(scenario)
    return Effect.sync(() => child.kill())
  })

// ---------------------------------------------------------------- the server (parent)

const api = (base: string, method: string, route: string, token: string, body: unknown) =>
  Effect.promise(async () => {
    const response = await fetch(`${base}${route}`, {
      method,
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify(body)
    })
    const json = (await response.json()) as any
    if (response.status >= 300) throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(json)}`)
    return json
  })

/** A warehouse, a partner with a credential and token, and a published clearance service. */
const seed = (base: string) =>
  Effect.gen(function* () {
    const op = (route: string, body: unknown) => Effect.map(api(base, "POST", route, OPERATOR_TOKEN, body), (r) => r.data)
    const warehouse = yield* op("/operator/v1/warehouses", { code: "BENCH", name: "Bench hub", country: "AZ" })
    const partner = yield* op("/operator/v1/partners", { name: "Bench partner" })
    const flow = yield* op("/operator/v1/flows", { name: "Bench", steps: ["created", "received", "delivered"] })
    const service = yield* op("/operator/v1/services", {
      name: "Bench clearance",
      type: "clearance",
      origin_country: "TR",
      destination_country: "AZ",
      flow_id: flow.id
    })
    yield* op(`/operator/v1/services/${service.id}/publications`, { partner_id: partner.id, warehouse_id: warehouse.id })
    const credential = yield* op(`/operator/v1/partners/${partner.id}/credentials`, { warehouse_id: warehouse.id })
    const token = yield* Effect.promise(async () => {
      const response = await fetch(`${base}/api/v1/oauth/token`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          grant_type: "client_credentials",
          client_id: credential.client_id,
          client_secret: credential.client_secret,
          scope: "orders:create"
        })
      })
      return ((await response.json()) as { access_token: string }).access_token
    })
    return { token, serviceId: service.id as number }
  })

const program = Effect.gen(function* () {
  const url = yield* scratchDatabaseUrl
  const database = pgClientLayer(url).pipe(
    Layer.tap((context) => Effect.orDie(Effect.provide(runMigrations, context)))
  )
  const app = HttpLive.pipe(
    Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" })),
    Layer.provide(DomainLive),
    Layer.provide(Layer.succeed(OperatorTokenValue, Redacted.make(OPERATOR_TOKEN))),
    Layer.provide(database)
  )
  const context = yield* Layer.build(app)
  const address = Context.get(context, HttpServer.HttpServer).address
  if (address._tag !== "TcpAddress") return yield* Effect.dieMessage("expected a TCP address")
  const base = `http://127.0.0.1:${address.port}`
  const { token, serviceId } = yield* seed(base)
  const run = crypto.randomBytes(3).toString("hex")

  yield* Console.log(`POST /api/v1/orders, ${SECONDS} s per scenario, ${CONNECTIONS} connections, ${os.cpus().length} CPUs, ` +
    `database ${databaseKind}`)
  const rows: Array<Figures> = []
  for (const parcels of [1, 20]) {
    rows.push(yield* inChild({ url: base, token, serviceId, parcels, seconds: SECONDS, connections: CONNECTIONS, run }))
  }
  yield* Console.log("")
  yield* Console.log("parcels/order  requests  req/s    p50 ms  p99 ms  non-2xx  errors")
  for (const r of rows) {
    yield* Console.log(
      `${String(r.parcels).padStart(13)}  ${String(r.requests).padStart(8)}  ${r.requestsPerSecond.toFixed(1).padStart(7)}  ` +
        `${String(r.p50).padStart(6)}  ${String(r.p99).padStart(6)}  ${String(r.non2xx).padStart(7)}  ${String(r.errors).padStart(6)}`
    )
  }
})

if (process.argv[2] !== "client") {
  Effect.runPromise(
    program.pipe(Effect.scoped, Logger.withMinimumLogLevel(LogLevel.Warning))
  ).then(
    () => process.exit(0),
    (error) => {
      console.error(error)
      process.exit(1)
    }
  )
}
