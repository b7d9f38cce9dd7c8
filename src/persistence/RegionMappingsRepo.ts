/**
 * SQL for region mappings and the pending-mapping resolution. Resolution is set-based: one
 * statement claims a batch of pending orders whose key is mapped (`FOR UPDATE SKIP LOCKED`, so
 * concurrent resolvers take disjoint batches and each order is resolved exactly once) and
 * updates them.
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import type { RegionMapping } from "../domain/Catalogue.js"

export interface PendingKey {
  readonly partner_id: number
  readonly parent_region: string
  readonly region: string
  readonly waiting_orders: number
  readonly oldest_order_at: Date
}

export interface MappingKey {
  readonly partnerId: number
  readonly parentRegion: string
  readonly region: string
}

export class RegionMappingsRepo extends Effect.Service<RegionMappingsRepo>()("starmile/RegionMappingsRepo", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient

    return {
      /** Creates or changes the mapping of a key. */
      upsert: (m: { partner_id: number; parent_region: string; region: string; region_id: number }) =>
        sql<RegionMapping>`
          with saved as (
            insert into region_mappings ${sql.insert(m)}
            on conflict (partner_id, parent_region, region)
              do update set region_id = excluded.region_id, updated_at = now()
            returning *)
          select s.partner_id, s.parent_region, s.region, s.region_id, r.pricing_tier, s.created_at, s.updated_at
            from saved s join regions r on r.id = s.region_id`.pipe(Effect.map((rows) => rows[0]!)),

      /** Every waiting key with its order count and oldest order time, oldest first. */
      listPending: sql<PendingKey>`
        select partner_id, parent_region, region, count(*)::int as waiting_orders, min(created_at) as oldest_order_at
          from orders
         where region_status = 'pending_mapping'
         group by partner_id, parent_region, region
         order by min(created_at), partner_id, parent_region, region`,

      /**
       * Resolves up to `limit` pending orders whose key is mapped (optionally only `key`'s),
       * in one statement. Returns the resolved order ids.
       */
      resolveBatch: (limit: number, key?: MappingKey) =>
        sql<{ id: number }>`
          with batch as (
            select o.id, m.region_id, r.pricing_tier
              from orders o
              join region_mappings m
                on m.partner_id = o.partner_id and m.parent_region = o.parent_region and m.region = o.region
              join regions r on r.id = m.region_id
             where o.region_status = 'pending_mapping'
               ${key === undefined ? sql`` : sql`and o.partner_id = ${key.partnerId}
                 and o.parent_region = ${key.parentRegion} and o.region = ${key.region}`}
             order by o.id
             limit ${limit}
               for update of o skip locked)
          update orders o
             set region_status = 'mapped', region_id = b.region_id, pricing_tier = b.pricing_tier, updated_at = now()
            from batch b
           where o.id = b.id
          returning o.id`.pipe(Effect.map((rows) => rows.map((r) => r.id)))
    }
  })
}) {}
