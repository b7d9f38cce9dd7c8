/**
 * The least catalogue a resolver run needs, written with SQL (no HTTP): a warehouse, a partner,
 * a two-step flow, a published home-delivery service and one region. Optionally a default rate
 * billing on `received`.
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

export interface MinimalCatalogue {
  readonly warehouseId: number
  readonly partnerId: number
  readonly serviceId: number
  readonly regionId: number
}

export const seedMinimalCatalogue = (options: { readonly pricingTier?: string; readonly withRate?: boolean } = {}) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const [w] = yield* sql<{ id: number }>`insert into warehouses (code, name, country) values ('W', 'W', 'AZ') returning id`
    const [p] = yield* sql<{ id: number }>`insert into partners (name) values ('P') returning id`
    const [f] = yield* sql<{ id: number }>`insert into flows (name, steps) values ('F', '{created,received}') returning id`
    const [s] = yield* sql<{ id: number }>`
      insert into services (name, type, channel, origin_country, destination_country, flow_id)
      values ('Home', 'home_delivery', 'home', 'TR', 'AZ', ${f!.id}) returning id`
    yield* sql`insert into publications (service_id, partner_id, warehouse_id) values (${s!.id}, ${p!.id}, ${w!.id})`
    const [r] = yield* sql<{ id: number }>`
      insert into regions (name, country, pricing_tier) values ('R', 'AZ', ${options.pricingTier ?? "tier_1"}) returning id`
    if (options.withRate === true) {
      yield* sql`insert into rates (service_id, currency, amount, per_kg_amount, bill_on_status)
                 values (${s!.id}, 'AZN', 3.5, 1.2, 'received')`
    }
    const catalogue: MinimalCatalogue = { warehouseId: w!.id, partnerId: p!.id, serviceId: s!.id, regionId: r!.id }
    return catalogue
  })

/** Maps a partner's key to a region. */
export const mapKey = (partnerId: number, parentRegion: string, region: string, regionId: number) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql`insert into region_mappings (partner_id, parent_region, region, region_id)
        values (${partnerId}, ${parentRegion}, ${region}, ${regionId})`)
