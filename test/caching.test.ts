/**
 * The per-instance caches (tokens, published services) against a second instance of the domain
 * layers on the same database: revocation reaches every instance, and every catalogue change a
 * create depends on is seen by the next create wherever it runs.
 */
import { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import { Context, Effect, Either, Layer, Redacted, Schema } from "effect"
import { Credentials } from "../src/domain/Credentials.js"
import { CreateOrderRequest } from "../src/domain/Order.js"
import { PartnerId, WarehouseId } from "../src/domain/Ids.js"
import { Orders } from "../src/domain/Orders.js"
import { DomainLive } from "../src/index.js"
import { CacheInvalidation } from "../src/persistence/CacheInvalidation.js"
import { pgClientLayer } from "../src/persistence/Database.js"
import { created, setupWorkspace, type Workspace } from "./support/Fixtures.js"
import { clearanceOrder, homeOrder, pudoOrder, pudoPoint } from "./support/Orders.js"
import { databaseUrlFor } from "./support/TestDatabase.js"
import { call, operator, TestAppLive } from "./support/TestApp.js"

const realSleep = (ms: number) => Effect.promise(() => new Promise((resolve) => setTimeout(resolve, ms)))

/** The domain layers built a second time over the same database: another instance. */
const secondInstance = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const [row] = yield* sql<{ name: string }>`select current_database() as name`
  const context = yield* Layer.build(
    DomainLive.pipe(Layer.provideMerge(pgClientLayer(Redacted.make(databaseUrlFor(row!.name)), { maxConnections: 4 })))
  )
  // its listener must be live, or its caches are simply off and the test proves nothing
  for (let i = 0; i < 200 && !Context.get(context, CacheInvalidation).isLive(); i++) yield* realSleep(25)
  expect(Context.get(context, CacheInvalidation).isLive()).toBe(true)
  return context
}).pipe(Effect.orDie)

const actorOf = (ws: Workspace) => ({
  partnerId: PartnerId.make(ws.partner.id),
  warehouseId: WarehouseId.make(ws.warehouse.id),
  warehouseCountry: ws.warehouse.country
})
const decodeOrder = Schema.decodeUnknownSync(CreateOrderRequest)

layer(TestAppLive, { timeout: 120_000 })("caches across instances", (it) => {
  it.scoped("a revoked token: refused by the revoking instance right after the 204, by another instance within 1 s", () =>
    Effect.gen(function* () {
      const ws = yield* setupWorkspace()
      const other = yield* secondInstance
      const credentials = Context.get(other, Credentials)
      // both instances have the token cached
      expect((yield* call("GET", "/api/v1/services", { token: ws.token })).status).toBe(200)
      expect((yield* credentials.authenticate(Redacted.make(ws.token))).partnerId).toBe(ws.partner.id)
      expect((yield* credentials.authenticate(Redacted.make(ws.token))).partnerId).toBe(ws.partner.id)

      const revoked = yield* operator("DELETE", `/operator/v1/credentials/${ws.credential.client_id}`)
      expect(revoked.status).toBe(204)
      expect((yield* call("GET", "/api/v1/services", { token: ws.token })).status).toBe(401)

      const started = performance.now()
      let refusedAfter: number | undefined
      while (performance.now() - started < 1_000) {
        const outcome = yield* Effect.either(credentials.authenticate(Redacted.make(ws.token)))
        if (Either.isLeft(outcome)) {
          refusedAfter = performance.now() - started
          break
        }
        yield* realSleep(10)
      }
      expect(refusedAfter).toBeDefined()
      expect(refusedAfter!).toBeLessThan(1_000)
    }))

  it.scoped("an operator change to a publication, mapping, rate or PUDO point is seen by the next create on another instance", () =>
    Effect.gen(function* () {
      const ws = yield* setupWorkspace()
      const other = yield* secondInstance
      const orders = Context.get(other, Orders)
      const actor = actorOf(ws)
      const createThere = (body: Record<string, unknown>) => Effect.either(orders.create(actor, decodeOrder(body)))

      // warm the other instance's service cache
      expect(Either.isRight(yield* createThere(clearanceOrder(ws)))).toBe(true)

      // mapping: pending, mapped by the operator here, mapped at once there
      const pending = yield* createThere(homeOrder(ws, { parent_region: "P-9", region: "R-9" }))
      expect(Either.getOrThrow(pending).region_status).toBe("pending_mapping")
      const region = yield* created<{ id: number }>("POST", "/operator/v1/regions", { name: "Cache region", country: "AZ", pricing_tier: "tier_1" })
      const mapped = yield* operator("PUT", `/operator/v1/partners/${ws.partner.id}/region-mappings`, {
        parent_region: "P-9",
        region: "R-9",
        region_id: region.id
      })
      expect(mapped.status).toBe(200)
      const afterMapping = yield* createThere(homeOrder(ws, { parent_region: "P-9", region: "R-9" }))
      expect(Either.getOrThrow(afterMapping).region_status).toBe("mapped")

      // a rate billing on the first step, created here: the next create there is billed
      yield* created("POST", "/operator/v1/rates", {
        service_id: ws.services.clearance.id,
        currency: "AZN",
        amount: 2,
        bill_on_status: ws.flow.steps[0]
      })
      const billed = Either.getOrThrow(yield* createThere(clearanceOrder(ws)))
      const sql = yield* SqlClient.SqlClient
      const [lines] = yield* sql<{ n: number }>`
        select count(*)::int as n from invoice_lines il join orders o on o.id = il.order_id where o.tracking = ${billed.order_id}`
      expect(lines!.n).toBe(1)

      // a PUDO point deactivated here is refused there
      const point = yield* pudoPoint("AZ")
      expect(Either.isRight(yield* createThere(pudoOrder(ws, point.id)))).toBe(true)
      expect((yield* operator("PATCH", `/operator/v1/pudo-points/${point.id}`, { active: false })).status).toBe(200)
      const inactive = yield* createThere(pudoOrder(ws, point.id))
      expect(Either.isLeft(inactive) && inactive.left._tag).toBe("DestinationInvalid")

      // unpublished here: the next create there is refused
      const target = { partner_id: ws.partner.id, warehouse_id: ws.warehouse.id }
      const unpublished = yield* call("DELETE", `/operator/v1/services/${ws.services.clearance.id}/publications`, { token: "operator", body: target })
      expect(unpublished.status).toBe(204)
      const refused = yield* createThere(clearanceOrder(ws))
      expect(Either.isLeft(refused) && refused.left._tag).toBe("ServiceUnavailableForPartner")
    }))
})
