/**
 * SQL for region mappings and the pending-mapping resolution. Resolution is set-based: one
 * statement claims a batch of pending orders whose key is mapped (`FOR UPDATE SKIP LOCKED`, so
 * concurrent resolvers take disjoint batches and each order is resolved exactly once) and
 * updates them. Cancelled orders neither wait nor resolve.
 */
import { Effect, Layer, Schema } from "effect"
import { RegionMapping } from "../domain/Catalogue.js"
import { type MappingKey, RegionMappingsRepo } from "../domain/repositories/RegionMappingsRepo.js"
import { OrderId, PartnerId } from "../domain/Ids.js"
import { decodeAll, decodeSingle, Int8, Int8Id, RepositorySql, Timestamptz } from "./Rows.js"
import { dieOnSqlError } from "./SqlErrors.js"

const RegionMappingRow = Schema.Struct({
  ...RegionMapping.fields,
  partner_id: Int8Id(PartnerId),
  region_id: Int8,
  created_at: Timestamptz,
  updated_at: Timestamptz
})
const PendingKeyRow = Schema.Struct({
  partner_id: Int8Id(PartnerId),
  parent_region: Schema.String,
  region: Schema.String,
  waiting_orders: Int8,
  oldest_order_at: Timestamptz
})
const ResolvedId = Schema.Struct({ id: Int8Id(OrderId) })

/** RegionMappingsRepo over the SqlClient. */
export const RegionMappingsRepoLive = Layer.effect(
  RegionMappingsRepo,
  Effect.gen(function* () {
    const sql = yield* RepositorySql

    return RegionMappingsRepo.of({
      /** Creates or changes the mapping of a key. */
      upsert: (m) =>
        sql`
          with saved as (
            insert into region_mappings ${sql.insert(m)}
            on conflict (partner_id, parent_region, region)
              do update set region_id = excluded.region_id, updated_at = now()
            returning *)
          select s.partner_id, s.parent_region, s.region, s.region_id, r.pricing_tier, s.created_at, s.updated_at
            from saved s join regions r on r.id = s.region_id`.pipe(decodeSingle(RegionMappingRow), dieOnSqlError),

      /** Every waiting key with its order count and oldest order time, oldest first. */
      listPending: sql`
        select partner_id, parent_region, region, count(*)::int as waiting_orders, min(created_at) as oldest_order_at
          from orders
         where region_status = 'pending_mapping' and cancelled_at is null
         group by partner_id, parent_region, region
         order by min(created_at), partner_id, parent_region, region`.pipe(decodeAll(PendingKeyRow), dieOnSqlError),

      /**
       * Resolves up to `limit` pending orders whose key is mapped (optionally only `key`'s),
       * in one statement. Returns the resolved order ids.
       */
      resolveBatch: (limit: number, key?: MappingKey) =>
        // Driven from the mappings: for each mapped key, its waiting orders come from the partial
        // index orders_pending_mapping (LATERAL ... LIMIT cannot be flattened, so the plan does
        // not depend on the statistics of `orders`, which go stale as batches resolve).
        sql`
          with batch as (
            select o.id, m.region_id, r.pricing_tier
              from region_mappings m
              join regions r on r.id = m.region_id
              cross join lateral (
                select o.id from orders o
                 where o.partner_id = m.partner_id and o.parent_region = m.parent_region
                   and o.region = m.region
                   and o.region_status = 'pending_mapping' and o.cancelled_at is null
                 order by o.id
                 limit ${limit}
                   for update skip locked) o
             where ${key === undefined ? sql`true` : sql`m.partner_id = ${key.partnerId}
               and m.parent_region = ${key.parentRegion} and m.region = ${key.region}`}
             limit ${limit})
          update orders o
             set region_status = 'mapped', region_id = b.region_id, pricing_tier = b.pricing_tier, updated_at = now()
            from batch b
           where o.id = b.id
          returning o.id`.pipe(decodeAll(ResolvedId), Effect.map((rows) => rows.map((r) => r.id)), dieOnSqlError)
    })
  })
)
