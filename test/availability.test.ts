/**
 * The database going away: /ready and every endpoint answer 503 database_unavailable (the
 * envelope, "retry shortly"), and all is well again when it comes back.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Redacted, Schedule } from "effect"
import * as ListenerServer from "../src/http/ListenerServer.js"
import { HttpLive } from "../src/http/Server.js"
import { DomainLive } from "../src/index.js"
import { OperatorTokenValue } from "../src/OperatorToken.js"
import { pgClientLayer } from "../src/persistence/Database.js"
import { runMigrations } from "../src/persistence/Migrations.js"
import { call, type Response, TEST_OPERATOR_TOKEN } from "./support/TestApp.js"
import { adminStatement, databaseUrlFor, scopedDatabase } from "./support/TestDatabase.js"


describe("database availability", () => {
  it.scopedLive("503 database_unavailable while the database refuses connections, 200 once it is back", () =>
    Effect.gen(function* () {
      const name = yield* scopedDatabase
      const database = pgClientLayer(Redacted.make(databaseUrlFor(name)), { maxConnections: 2 }).pipe(
        Layer.tap((context) => Effect.orDie(Effect.provide(runMigrations, context)))
      )
      const app = yield* Layer.build(
        HttpLive.pipe(
          Layer.provideMerge(ListenerServer.layerTest),
          Layer.provide(DomainLive),
          Layer.provide(Layer.succeed(OperatorTokenValue, Redacted.make(TEST_OPERATOR_TOKEN))),
          Layer.provide(database)
        )
      )
      const get = (path: string, token?: string) =>
        call("GET", path, token === undefined ? {} : { token }).pipe(Effect.provide(app))
      expect((yield* get("/ready")).status).toBe(200)

      yield* adminStatement(`alter database ${name} allow_connections false`)
      yield* adminStatement(`select pg_terminate_backend(pid) from pg_stat_activity where datname = '${name}'`)
      /** 503 with the envelope, the request id in the body and Retry-After. */
      const expectUnavailable = (response: Response, message: string) => {
        expect(response.status).toBe(503)
        expect(response.body).toEqual({ message, code: "database_unavailable", request_id: response.headers["x-request-id"] })
        expect(response.headers["retry-after"]).toBe("1")
      }
      expectUnavailable(yield* get("/ready"), "The database is not reachable.")
      const partner = yield* get("/api/v1/services", "some-token")
      expect(partner.status).toBe(503)
      expect(partner.body.code).toBe("database_unavailable")
      // an order creation is answered at the listener (CreateOrderRoute.ts): the same 503
      const create = yield* call("POST", "/api/v1/orders", {
        token: "some-token",
        body: { service_id: 1, order_id: "PO-1", parcels: [{ item_id: "I-1" }] }
      }).pipe(Effect.provide(app))
      expectUnavailable(create, "The database is unavailable; retry shortly.")
      expect((yield* get("/health")).status).toBe(200) // liveness does not depend on the database

      yield* adminStatement(`alter database ${name} allow_connections true`)
      // a request failed with database_unavailable just now: /ready stays 503 for 2 s after it
      const back = yield* get("/ready").pipe(
        Effect.filterOrFail((r) => r.status === 200),
        Effect.retry(Schedule.spaced("200 millis").pipe(Schedule.upTo("5 seconds")))
      )
      expect(back.status).toBe(200)
    }))
})
