/**
 * The demo workspace of CONTRACT §9, built through the domain services (the same rules as the
 * operator API): a warehouse, a partner and its credential, one service of each type, regions
 * with one mapping and one unmapped key (with a demo order waiting on it), PUDO points and
 * lockers, rates.
 * The credential's secret can only be shown once, so it is kept in the data directory for the
 * start-up banner of later runs (embedded, local-only mode).
 */
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { DataDir } from "./AppConfig.js"
import { CatalogueService } from "./domain/CatalogueService.js"
import { Credentials } from "./domain/Credentials.js"
import { Orders } from "./domain/Orders.js"
import { RegionMappings } from "./domain/RegionMappings.js"
import { isEmptyWorkspace, underDemoSeedLock } from "./persistence/Workspace.js"

export { isEmptyWorkspace } from "./persistence/Workspace.js"

export interface DemoCredentials {
  readonly client_id: string
  readonly client_secret: string
  readonly partner_id: number
  readonly warehouse_id: number
}

const demoFile = Effect.map(DataDir, (dir) => path.resolve(dir, "demo-credentials.json"))

export const readDemoCredentials = Effect.flatMap(demoFile, (file) =>
  Effect.sync(() => fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) as DemoCredentials : undefined))

/**
 * Seeds the demo workspace into a database that has none: one transaction under an advisory
 * lock, so a failure leaves nothing half-seeded and two instances starting at once seed once.
 * The credentials file is written after the commit. Returns the credentials when it seeded.
 */
export const seedDemoIfEmpty = Effect.gen(function* () {
  const seeded = yield* underDemoSeedLock(
    Effect.flatMap(isEmptyWorkspace, (empty) => empty ? seedWorkspace : Effect.succeed(undefined))
  ).pipe(Effect.orDie)
  if (seeded === undefined) return undefined
  const file = yield* demoFile
  yield* Effect.sync(() => {
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, JSON.stringify(seeded, null, 2) + "\n", { mode: 0o600 })
  })
  return seeded
}).pipe(Effect.withSpan("seedDemoIfEmpty"))

const seedWorkspace = Effect.gen(function* () {
  const catalogue = yield* CatalogueService
  const credentials = yield* Credentials
  const mappings = yield* RegionMappings
  const orders = yield* Orders

  const warehouse = yield* catalogue.createWarehouse({ code: "GYD-HUB", name: "Baku hub", country: "AZ" })
  const partner = yield* catalogue.createPartner({ name: "Demo Merchant" })

  const delivery = yield* catalogue.createFlow({
    name: "Delivery",
    steps: ["created", "received", "sorted", "out_for_delivery", "delivered"]
  })
  const clearanceFlow = yield* catalogue.createFlow({ name: "Clearance", steps: ["created", "received", "cleared", "released"] })
  const crossDock = yield* catalogue.createFlow({ name: "Cross-docking", steps: ["created", "received", "dispatched"] })

  const baku = yield* catalogue.createRegion({ name: "Baku", country: "AZ", parent_id: null, pricing_tier: "tier_1" })
  const nasimi = yield* catalogue.createRegion({ name: "Nasimi", country: "AZ", parent_id: baku.id, pricing_tier: "tier_1" })
  const ganja = yield* catalogue.createRegion({ name: "Ganja", country: "AZ", parent_id: null, pricing_tier: "tier_2" })
  yield* catalogue.createRegion({ name: "Kapaz", country: "AZ", parent_id: ganja.id, pricing_tier: "tier_2" })

  yield* catalogue.createPudoPoint({ name: "Nizami PUDO", kind: "pudo", country: "AZ", address: "Nizami 10, Baku" })
  yield* catalogue.createPudoPoint({ name: "28 Mall locker", kind: "locker", country: "AZ", address: "28 May 1, Baku" })
  yield* catalogue.createPudoPoint({ name: "Ganja locker", kind: "locker", country: "AZ", address: "Ataturk 5, Ganja" })

  const home = yield* catalogue.createService({
    name: "Home delivery AZ",
    type: "home_delivery",
    origin_country: "TR",
    destination_country: "AZ",
    flow_id: delivery.id,
    consolidation_enabled: true
  })
  const pudo = yield* catalogue.createService({
    name: "PUDO delivery AZ",
    type: "pudo_delivery",
    channel: "pudo",
    origin_country: "TR",
    destination_country: "AZ",
    flow_id: delivery.id
  })
  const locker = yield* catalogue.createService({
    name: "Locker delivery AZ",
    type: "pudo_delivery",
    channel: "locker",
    origin_country: "TR",
    destination_country: "AZ",
    flow_id: delivery.id
  })
  const clearance = yield* catalogue.createService({
    name: "Customs clearance AZ",
    type: "clearance",
    origin_country: "TR",
    destination_country: "AZ",
    flow_id: clearanceFlow.id
  })
  const crossDocking = yield* catalogue.createService({
    name: "Cross-docking AZ→GE",
    type: "cross_docking",
    origin_country: "AZ",
    destination_country: "GE",
    flow_id: crossDock.id
  })

  for (const service of [home, pudo, locker, clearance, crossDocking]) {
    yield* catalogue.publish(service.id, { partner_id: partner.id, warehouse_id: warehouse.id })
    yield* catalogue.createRate({
      service_id: service.id,
      currency: "AZN",
      amount: 3.5,
      per_kg_amount: 1.2,
      bill_on_status: "received"
    })
  }
  yield* catalogue.createRate({
    service_id: home.id,
    partner_id: partner.id,
    pricing_tier: "tier_2",
    currency: "AZN",
    amount: 5,
    per_kg_amount: 1.5,
    bill_on_status: "received"
  })

  // The partner's own region codes: ("1","2") is mapped to Nasimi; ("2","7") is not mapped, and
  // one demo order waits on it, so the operator's pending list has something to map.
  yield* mappings.save(partner.id, { parent_region: "1", region: "2", region_id: nasimi.id })
  yield* orders.create(
    { partnerId: partner.id, warehouseId: warehouse.id, warehouseCountry: warehouse.country },
    {
      service_id: home.id,
      order_id: "DEMO-PENDING-1",
      parent_region: "2",
      region: "7",
      parcels: [{ item_id: "DEMO-PKG-1", weight_grams: 800, products: [{ name: "Book" }] }]
    }
  )

  const credential = yield* credentials.create(partner.id, { warehouse_id: warehouse.id })
  const demo: DemoCredentials = {
    client_id: credential.client_id,
    client_secret: credential.client_secret,
    partner_id: partner.id,
    warehouse_id: warehouse.id
  }
  return demo
})
